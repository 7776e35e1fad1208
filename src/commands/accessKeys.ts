/** "Rotate Access Key…" on IAM User sessions, and the reminder when a key is older than the setting allows. */
import * as vscode from 'vscode';
import { canRotateAccessKey } from '../core/accessKeyRotation';
import { agedKeyMessage, type AccessKeys } from '../core/accessKeys';
import { Commands } from '../core/constants';
import type { Logger, StateStore } from '../core/ports';
import { inform, warn, type Report } from './report';
import { sessionHandler } from './sessionArg';
import type { CommandTable } from './table';

export interface AccessKeyCommandDeps {
  state: Pick<StateStore, 'read'>;
  accessKeys: AccessKeys;
  report: Report;
}

export function accessKeyCommands(deps: AccessKeyCommandDeps) {
  const ctx = { state: deps.state, report: deps.report };
  return {
    /** Returns the result (for tests); undefined when cancelled or failed (reported). */
    [Commands.rotateAccessKey]: sessionHandler(
      ctx,
      vscode.l10n.t('Rotate access key'),
      vscode.l10n.t('IAM User session whose access key to rotate'),
      async (session) => {
        const rotate = vscode.l10n.t('Rotate');
        const go = await vscode.window.showWarningMessage(
          vscode.l10n.t('Rotate the access key of "{0}"?', session.alias),
          { modal: true, detail: vscode.l10n.t('A new key is created and checked, then stored in secret storage, then the old key is deleted in IAM. Anything else that uses the old key (another machine, a CI job) stops working. Active sessions keep working.') },
          rotate,
        );
        if (go !== rotate) return undefined;
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('AWS Sessions: rotating the access key of "{0}"', session.alias) }, (progress) =>
          deps.accessKeys.rotate(session.id, (step) => progress.report({ message: step })),
        );
        if (result.warning) warn(result.warning);
        else inform(vscode.l10n.t('"{0}" now uses access key {1}; the old key {2} is deleted. Active sessions keep working; no restart needed.', session.alias, result.newAccessKeyId, result.oldAccessKeyId));
        return result;
      },
      (s) => canRotateAccessKey(s),
    ),
  } satisfies CommandTable;
}

/** Once at activation: tell about keys older than `maxAgeDays` (each session asked at most once a day). */
export async function remindAgedKeys(accessKeys: AccessKeys, maxAgeDays: number, logger: Logger): Promise<void> {
  for (const key of await accessKeys.staleKeys(maxAgeDays)) {
    const message = agedKeyMessage(key, maxAgeDays);
    logger.info(message);
    void vscode.window.showWarningMessage(vscode.l10n.t('AWS Sessions: {0}', message), vscode.l10n.t('Rotate Access Key…')).then((choice) => {
      if (choice) void vscode.commands.executeCommand(Commands.rotateAccessKey, key.sessionId);
    });
  }
}
