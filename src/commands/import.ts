/** "Import from ~/.aws": plan → preview → accept → (confirm) remove keys with a backup. */
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { Commands } from '../core/constants';
import { buildImportPlan, importable } from '../core/import/plan';
import { importPreview } from '../core/import/preview';
import { applyImport, backupSuffix, type ImportDeps, type ImportResult } from '../core/import/apply';
import { inform, type Report } from './report';
import { guarded, type CommandTable } from './table';

export interface ImportCommandDeps extends ImportDeps {
  report: Report;
}

const readText = (path: string) => fs.readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));

export function importCommands(deps: ImportCommandDeps) {
  return {
    /** Returns what was done (undefined when cancelled or nothing to do), for tests. */
    [Commands.importProfiles]: guarded(deps.report, 'Import from ~/.aws', async (): Promise<ImportResult | undefined> => {
      const [credentialsText, configText] = await Promise.all([readText(deps.files.credentialsPath), readText(deps.files.configPath)]);
      const plan = buildImportPlan({ credentialsText, configText, credentialsPath: deps.files.credentialsPath, configPath: deps.files.configPath, state: await deps.state.read() });
      const count = importable(plan);
      const suffix = backupSuffix(deps.clock.now());
      const preview = await vscode.workspace.openTextDocument({ content: importPreview(plan, { backupSuffix: suffix }), language: 'markdown' });
      await vscode.window.showTextDocument(preview, { preview: true });
      if (count === 0) {
        inform(`nothing to import from ${deps.files.configPath} and ${deps.files.credentialsPath}; the preview says why.`);
        return undefined;
      }
      const accept = await vscode.window.showWarningMessage(
        `Import ${count} item(s) from ~/.aws as AWS Sessions?`,
        { modal: true, detail: 'The preview shows what will be created. Keys go into VS Code secret storage. The files are not changed by this step.' },
        'Import',
      );
      if (accept !== 'Import') {
        deps.logger.info('Import cancelled at the preview; nothing was written.');
        return undefined;
      }
      let removeKeys = false;
      if (plan.keyRemoval.length > 0) {
        const lines = plan.keyRemoval.reduce((n, c) => n + c.removed.length, 0);
        const choice = await vscode.window.showWarningMessage(
          `Also remove the imported static keys from ${plan.keyRemoval.map((c) => c.path).join(' and ')}?`,
          {
            modal: true,
            detail: `${lines} line(s) go, as the preview shows; every other byte stays. A byte-for-byte backup is written first to ${plan.keyRemoval.map((c) => c.path + suffix).join(' and ')}. Keep Keys leaves the files unchanged.`,
          },
          'Remove Keys',
          'Keep Keys',
        );
        removeKeys = choice === 'Remove Keys';
      }
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'AWS Sessions: importing from ~/.aws' }, () =>
        applyImport(plan, deps, { removeKeys }),
      );
      const parts = [`${result.created.length} session(s) created`];
      if (result.failed.length) parts.push(`${result.failed.length} failed (${result.failed.map((f) => `${f.profile}: ${f.error}`).join('; ')})`);
      for (const i of result.integrations) parts.push(i.created ? `integration "${i.name}" added: log in and sync it to get its accounts and roles` : `integration "${i.name}" not created: ${i.note}`);
      if (result.backups.length) parts.push(`keys removed; backup at ${result.backups.join(' and ')}`);
      if (result.removalSkipped) parts.push(`keys kept: ${result.removalSkipped}`);
      const show = result.failed.length || result.removalSkipped ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`AWS Sessions import: ${parts.join('; ')}.`);
      return result;
    }),
  } satisfies CommandTable;
}
