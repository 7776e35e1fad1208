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
      if (!found) throw new Error(`No IAM Identity Center integration named or with id "${arg}".`);
      return found;
    }
    if (all.length === 0) {
      inform('no IAM Identity Center integration yet. Add one with "AWS Sessions: Add IAM Identity Center Integration".');
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
    deps.decorations.setSyncing(integration.id, 'syncing…');
    deps.refreshTree();
    try {
      const report = await withReportingProgress(`AWS Sessions: syncing "${integration.alias}"`, `The sync of "${integration.alias}"`, (progress, signal) =>
        sso.sync(integration.id, {
          interactive: true,
          signal,
          onProgress: ({ done, listed }) => {
            const text = `${done} of ${listed}${done < listed ? '+' : ''} accounts`;
            progress(text);
            deps.decorations.setSyncing(integration.id, `syncing: ${text}`);
          },
        }),
      );
      const summary = `synced ${report.accounts} accounts: ${report.added} sessions added, ${report.removed} removed.`;
      if (report.orphaned.length > 0) {
        warn(`"${integration.alias}" ${summary} These sessions lost their assumer and cannot start until you edit them: ${report.orphaned.join(', ')}.`);
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
    <Rest extends unknown[]>(what: string, act: (integration: SsoIntegration, ...rest: Rest) => Promise<unknown>, placeHolder = 'IAM Identity Center integration') =>
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
    [Commands.editIntegration]: onIntegration('Edit IAM Identity Center integration', async (integration) => {
      IntegrationFormPanel.show(form(() => undefined), integration.id);
    }),
    [Commands.loginIntegration]: onIntegration('Log in to IAM Identity Center', async (integration) => {
      await runLogin(deps.logger, integration, (ui) => access.login(integration.id, ui));
      await sync(integration);
    }),
    [Commands.syncIntegration]: onIntegration('Sync IAM Identity Center', sync),
    [Commands.logoutIntegration]: onIntegration('Log out of IAM Identity Center', async (integration) => {
      await sso.logout(integration.id);
      inform(`logged out of "${integration.alias}". Its sessions are kept, inactive.`);
    }),
    [Commands.applyProfileTemplate]: onIntegration('Apply profile names', async (integration, options?: { confirmed?: boolean }) => {
      const plan = await sso.planProfileNames(integration.id);
      if (plan.length === 0) {
        inform(`every role of "${integration.alias}" already has its template profile name.`);
        return;
      }
      if (!options?.confirmed) {
        const shown = plan.slice(0, 12).map((p) => `${p.alias}: ${p.from} → ${p.to}${p.active ? ' (active: restarts)' : ''}`);
        const more = plan.length > shown.length ? [`… and ${plan.length - shown.length} more`] : [];
        const ok = await vscode.window.showInformationMessage(
          `Give ${plan.length} role session(s) of "${integration.alias}" the profile the name template makes?`,
          { modal: true, detail: [...shown, ...more, '', 'The template is the setting awsSessions.sso.profileNameTemplate. Names taken in your AWS files or by other sessions get the account id appended.'].join('\n') },
          'Apply',
        );
        if (ok !== 'Apply') return;
      }
      const result = await withReportingProgress(`AWS Sessions: profile names of "${integration.alias}"`, `The profile names of "${integration.alias}"`, () => sso.applyProfileNames(plan));
      if (result.failed.length) warn(`${result.moved} session(s) moved; not moved: ${result.failed.map((f) => `"${f.alias}" (${f.reason})`).join('; ')}.`);
      else inform(`${result.moved} role session(s) of "${integration.alias}" moved to their template profile names.`);
    }),
    [Commands.deleteIntegration]: onIntegration('Delete IAM Identity Center integration', async (integration, options?: { confirmed?: boolean }) => {
      if (!options?.confirmed) {
        const ok = await vscode.window.showWarningMessage(
          `Delete integration "${integration.alias}"?`,
          { modal: true, detail: 'You are logged out, and every session of its accounts and roles is stopped and deleted. This cannot be undone.' },
          'Delete',
        );
        if (ok !== 'Delete') return;
      }
      const result = await sso.deleteIntegration(integration.id);
      if (result.orphaned.length) warn(`these sessions lost their assumer: ${result.orphaned.join(', ')}.`);
    }),
  } satisfies CommandTable;
}
