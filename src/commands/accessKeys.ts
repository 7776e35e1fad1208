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
      'Rotate access key',
      'IAM User session whose access key to rotate',
      async (session) => {
        const go = await vscode.window.showWarningMessage(
          `Rotate the access key of "${session.alias}"?`,
          { modal: true, detail: 'A new key is created and checked, then stored in secret storage, then the old key is deleted in IAM. Anything else that uses the old key (another machine, a CI job) stops working. Active sessions keep working.' },
          'Rotate',
        );
        if (go !== 'Rotate') return undefined;
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AWS Sessions: rotating the access key of "${session.alias}"` }, (progress) =>
          deps.accessKeys.rotate(session.id, (step) => progress.report({ message: step })),
        );
        if (result.warning) warn(result.warning);
        else inform(`"${session.alias}" now uses access key ${result.newAccessKeyId}; the old key ${result.oldAccessKeyId} is deleted. Active sessions keep working; no restart needed.`);
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
    void vscode.window.showWarningMessage(`AWS Sessions: ${message}`, 'Rotate Access Key…').then((choice) => {
      if (choice) void vscode.commands.executeCommand(Commands.rotateAccessKey, key.sessionId);
    });
  }
}
