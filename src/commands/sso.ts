/**
 * IAM Identity Center commands: add an integration (form), log in (PKCE with a loopback redirect on
 * a desktop, the device code elsewhere; cancellable progress), sync (cancellable progress, the tree
 * updated in batches), log out, delete. Each takes a tree node, an id or alias, or asks.
 */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import type { SsoIntegration } from '../core/model';
import type { Logger, StateStore } from '../core/ports';
import { integrationByRef } from '../core/sessionLookup';
import type { SsoAccess } from '../core/sso/ssoAccess';
import type { SsoService, SyncReport } from '../core/sso/ssoService';
import { integrationIdOfFolder } from '../core/sessions/awsSso';
import { sessionType } from '../core/sessions/registry';
import { withReportingProgress } from '../platform/prompter';
import { runLogin } from '../platform/ssoLogin';
import type { TreeNode } from '../tree/sessionTree';
import type { SsoTreeDecorations } from '../tree/ssoNodes';
import { IntegrationFormPanel } from '../webviews/integrationForm/panel';
import { inform, warn, type Report } from './report';
import type { CommandTable } from './table';

const { t } = vscode.l10n;

export interface SsoCommandDeps {
  extensionUri: vscode.Uri;
  state: Pick<StateStore, 'read'>;
  sso: SsoService;
  access: SsoAccess;
  logger: Logger;
  decorations: SsoTreeDecorations;
  refreshTree: () => void;
  defaultRegion: () => string;
  report: Report;
}

type IntegrationArg = TreeNode | string | undefined;

export function ssoCommands(deps: SsoCommandDeps) {
  const { sso, access } = deps;

  async function resolve(arg: IntegrationArg, placeHolder: string): Promise<SsoIntegration | undefined> {
    const state = await deps.state.read();
    const all = state.integrations ?? [];
    if (arg && typeof arg === 'object') {
      const id = arg.type === 'group' ? integrationIdOfFolder(arg.id) : sessionType(arg.session.kind).integrationOf?.(arg.session);
      const found = all.find((i) => i.id === id);
      if (found) return found;
    }
    if (typeof arg === 'string') {
      const found = integrationByRef(state, arg);
      if (!found) throw new Error(t('No IAM Identity Center integration named or with id "{0}".', arg));
      return found;
    }
    if (all.length === 0) {
      inform(t('no IAM Identity Center integration yet. Add one with "AWS Sessions: Add IAM Identity Center Integration".'));
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((i) => ({ label: i.alias, description: `${i.startUrl} · ${i.ssoRegion}`, integration: i })),
      { placeHolder },
    );
    return picked?.integration;
  }

  async function sync(integration: SsoIntegration): Promise<SyncReport> {
    deps.decorations.setSyncing(integration.id, t('syncing…'));
    deps.refreshTree();
    try {
      const report = await withReportingProgress(t('AWS Sessions: syncing "{0}"', integration.alias), t('The sync of "{0}"', integration.alias), (progress, signal) =>
        sso.sync(integration.id, {
          interactive: true,
          signal,
          onProgress: ({ done, listed }) => {
            const text = t('{0} of {1} accounts', done, `${listed}${done < listed ? '+' : ''}`);
            progress(text);
            deps.decorations.setSyncing(integration.id, t('syncing: {0}', text));
          },
        }),
      );
      const summary = t('synced {0} accounts: {1} sessions added, {2} removed.', report.accounts, report.added, report.removed);
      if (report.orphaned.length > 0) {
        warn(t('"{0}" {1} These sessions lost their assumer and cannot start until you edit them: {2}.', integration.alias, summary, report.orphaned.join(', ')));
      } else {
        inform(`"${integration.alias}" ${summary}`);
      }
      return report;
    } finally {
      deps.decorations.setSyncing(integration.id, undefined);
      deps.refreshTree();
    }
  }

  const onIntegration =
    <Rest extends unknown[]>(what: string, act: (integration: SsoIntegration, ...rest: Rest) => Promise<unknown>, placeHolder = t('IAM Identity Center integration')) =>
    async (arg?: IntegrationArg, ...rest: Rest): Promise<void> => {
      try {
        const integration = await resolve(arg, placeHolder);
        if (integration) await act(integration, ...rest);
      } catch (error) {
        deps.report(what, error);
      }
    };

  const form = (onAdded: (integration: SsoIntegration) => void) => ({ extensionUri: deps.extensionUri, sso, logger: deps.logger, defaultRegion: deps.defaultRegion, onAdded });

  return {
    [Commands.addIntegration]: () => IntegrationFormPanel.show(form((integration) => void vscode.commands.executeCommand(Commands.loginIntegration, integration.id))),
    [Commands.editIntegration]: onIntegration(t('Edit IAM Identity Center integration'), async (integration) => {
      IntegrationFormPanel.show(form(() => undefined), integration.id);
    }),
    [Commands.loginIntegration]: onIntegration(t('Log in to IAM Identity Center'), async (integration) => {
      await runLogin(deps.logger, integration, (ui) => access.login(integration.id, ui));
      await sync(integration);
    }),
    [Commands.syncIntegration]: onIntegration(t('Sync IAM Identity Center'), sync),
    [Commands.logoutIntegration]: onIntegration(t('Log out of IAM Identity Center'), async (integration) => {
      await sso.logout(integration.id);
      inform(t('logged out of "{0}". Its sessions are kept, inactive.', integration.alias));
    }),
    [Commands.applyProfileTemplate]: onIntegration(t('Apply profile names'), async (integration, options?: { confirmed?: boolean }) => {
      const plan = await sso.planProfileNames(integration.id);
      if (plan.length === 0) {
        inform(t('every role of "{0}" already has its template profile name.', integration.alias));
        return;
      }
      if (!options?.confirmed) {
        const shown = plan.slice(0, 12).map((p) => `${p.alias}: ${p.from} → ${p.to}${p.active ? t(' (active: restarts)') : ''}`);
        const more = plan.length > shown.length ? [t('… and {0} more', plan.length - shown.length)] : [];
        const ok = await vscode.window.showInformationMessage(
          t('Give {0} role session(s) of "{1}" the profile the name template makes?', plan.length, integration.alias),
          { modal: true, detail: [...shown, ...more, '', t('The template is the setting awsSessions.sso.profileNameTemplate. Names taken in your AWS files or by other sessions get the account id appended.')].join('\n') },
          t('Apply'),
        );
        if (ok !== t('Apply')) return;
      }
      const result = await withReportingProgress(t('AWS Sessions: profile names of "{0}"', integration.alias), t('The profile names of "{0}"', integration.alias), () => sso.applyProfileNames(plan));
      if (result.failed.length) warn(t('{0} session(s) moved; not moved: {1}.', result.moved, result.failed.map((f) => `"${f.alias}" (${f.reason})`).join('; ')));
      else inform(t('{0} role session(s) of "{1}" moved to their template profile names.', result.moved, integration.alias));
    }),
    [Commands.deleteIntegration]: onIntegration(t('Delete IAM Identity Center integration'), async (integration, options?: { confirmed?: boolean }) => {
      if (!options?.confirmed) {
        const ok = await vscode.window.showWarningMessage(
          t('Delete integration "{0}"?', integration.alias),
          { modal: true, detail: t('You are logged out, and every session of its accounts and roles is stopped and deleted. This cannot be undone.') },
          t('Delete'),
        );
        if (ok !== t('Delete')) return;
      }
      const result = await sso.deleteIntegration(integration.id);
      if (result.orphaned.length) warn(t('these sessions lost their assumer: {0}.', result.orphaned.join(', ')));
    }),
  } satisfies CommandTable;
}
