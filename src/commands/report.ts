/**
 * How every command tells the user something: a failure goes to the log with what was being done, and
 * to a notification with the error's own words (a session's errors name the session and say what to
 * do) and a Show Log button; a cancelled prompt is only logged. Notices carry the extension's name.
 */
import * as vscode from 'vscode';
import { CancelledError, errorMessage } from '../core/errors';
import type { Logger } from '../core/ports';

const { t } = vscode.l10n;

/** Reports a failure of `what` (e.g. "Start session"): never throws, never waits for the user. */
export type Report = (what: string, error: unknown) => void;

export function reporter(logger: Logger, showLog: () => void): Report {
  return (what, error) => {
    if (error instanceof CancelledError) {
      logger.info(error.message);
      return;
    }
    const message = errorMessage(error);
    logger.error(`${what}: ${message}`);
    // Not awaited: the command settles now; the button works whenever the user presses it.
    const showLogButton = t('Show Log');
    void vscode.window.showErrorMessage(t('AWS Sessions: {0}', message), showLogButton).then((choice) => {
      if (choice === showLogButton) showLog();
    });
  };
}

/** An information notification, not awaited. */
export function inform(message: string): void {
  void vscode.window.showInformationMessage(t('AWS Sessions: {0}', message));
}

/** A warning notification, not awaited. */
export function warn(message: string): void {
  void vscode.window.showWarningMessage(t('AWS Sessions: {0}', message));
}
