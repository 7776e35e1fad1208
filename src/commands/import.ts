/** "Import from ~/.aws": plan → preview → accept → (confirm) remove keys with a backup. */
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { Commands } from '../core/constants';
import { buildImportPlan, importable } from '../core/import/plan';
import { importPreview } from '../core/import/preview';
import { applyImport, backupSuffix, type ImportDeps, type ImportResult } from '../core/import/apply';
import { inform, type Report } from './report';
import { guarded, type CommandTable } from './table';

const { t } = vscode.l10n;

export interface ImportCommandDeps extends ImportDeps {
  report: Report;
}

const readText = (path: string) => fs.readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));

export function importCommands(deps: ImportCommandDeps) {
  return {
    /** Returns what was done (undefined when cancelled or nothing to do), for tests. */
    [Commands.importProfiles]: guarded(deps.report, t('Import from ~/.aws'), async (): Promise<ImportResult | undefined> => {
      const [credentialsText, configText] = await Promise.all([readText(deps.files.credentialsPath), readText(deps.files.configPath)]);
      const plan = buildImportPlan({ credentialsText, configText, credentialsPath: deps.files.credentialsPath, configPath: deps.files.configPath, state: await deps.state.read() });
      const count = importable(plan);
      const suffix = backupSuffix(deps.clock.now());
      const preview = await vscode.workspace.openTextDocument({ content: importPreview(plan, { backupSuffix: suffix }), language: 'markdown' });
      await vscode.window.showTextDocument(preview, { preview: true });
      if (count === 0) {
        inform(t('nothing to import from {0} and {1}; the preview says why.', deps.files.configPath, deps.files.credentialsPath));
        return undefined;
      }
      const accept = await vscode.window.showWarningMessage(
        t('Import {0} item(s) from ~/.aws as AWS Sessions?', count),
        { modal: true, detail: t('The preview shows what will be created. Keys go into VS Code secret storage. The files are not changed by this step.') },
        t('Import'),
      );
      if (accept !== t('Import')) {
        deps.logger.info('Import cancelled at the preview; nothing was written.');
        return undefined;
      }
      let removeKeys = false;
      if (plan.keyRemoval.length > 0) {
        const lines = plan.keyRemoval.reduce((n, c) => n + c.removed.length, 0);
        const choice = await vscode.window.showWarningMessage(
          t('Also remove the imported static keys from {0}?', plan.keyRemoval.map((c) => c.path).join(t(' and '))),
          {
            modal: true,
            detail: t('{0} line(s) go, as the preview shows; every other byte stays. A byte-for-byte backup is written first to {1}. Keep Keys leaves the files unchanged.', lines, plan.keyRemoval.map((c) => c.path + suffix).join(t(' and '))),
          },
          t('Remove Keys'),
          t('Keep Keys'),
        );
        removeKeys = choice === t('Remove Keys');
      }
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('AWS Sessions: importing from ~/.aws') }, () =>
        applyImport(plan, deps, { removeKeys }),
      );
      const parts = [t('{0} session(s) created', result.created.length)];
      if (result.failed.length) parts.push(t('{0} failed ({1})', result.failed.length, result.failed.map((f) => `${f.profile}: ${f.error}`).join('; ')));
      for (const i of result.integrations) parts.push(i.created ? t('integration "{0}" added: log in and sync it to get its accounts and roles', i.name) : t('integration "{0}" not created: {1}', i.name, i.note ?? ''));
      if (result.backups.length) parts.push(t('keys removed; backup at {0}', result.backups.join(t(' and '))));
      if (result.removalSkipped) parts.push(t('keys kept: {0}', result.removalSkipped));
      const show = result.failed.length || result.removalSkipped ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(t('AWS Sessions import: {0}.', parts.join('; ')));
      return result;
    }),
  } satisfies CommandTable;
}
