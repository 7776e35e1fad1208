/** "Apply Project Sessions": the folder's `.vscode/aws-sessions.json`, offered even when its plan was offered before. */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import type { DeclaredCheck, DeclaredSessions } from '../declaredSessions';
import type { Report } from './report';
import { guarded, type CommandTable } from './table';

const { t } = vscode.l10n;

export interface DeclaredCommandDeps {
  report: Report;
  declared: Pick<DeclaredSessions, 'check'>;
}

export function declaredCommands(deps: DeclaredCommandDeps) {
  return {
    /** Optional argument: the folder's URI. Returns what the check came to, for tests. */
    [Commands.applyDeclaredSessions]: guarded(deps.report, t('Apply Project Sessions'), async (uri?: vscode.Uri): Promise<DeclaredCheck | undefined> => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: t('The folder whose project sessions to apply') });
      if (!folder) {
        if (folders.length === 0) void vscode.window.showInformationMessage(t('AWS Sessions: open a folder with a .vscode/aws-sessions.json first.'));
        return undefined;
      }
      return deps.declared.check(folder, true);
    }),
  } satisfies CommandTable;
}
