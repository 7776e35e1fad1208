/**
 * IAM Identity Center commands: add an integration (form), log in (PKCE with a loopback redirect on
 * a desktop, the device code elsewhere; cancellable progress), sync (cancellable progress, the tree
 * updated in batches), log out, delete. Each takes a tree node, an id or alias, or asks.
 */
import * as vscode from 'vscode';
import { Commands, SETTINGS_SECTION, Settings } from './core/constants';
import { CancelledError } from './core/errors';
import type { PersistedState, SsoIntegration } from './core/model';
import type { Logger, StateStore } from './core/ports';
import type { LoginUi } from './core/sso/login';
import type { LoginFlowKind } from './core/sso/oidc';
import type { SsoService, SyncReport } from './core/sso/ssoService';
import { integrationIdOfFolder } from './core/sessions/awsSso';
import { sessionType } from './core/sessions/registry';
import type { TreeNode } from './tree/sessionTree';
import type { SsoTreeDecorations } from './tree/ssoNodes';
import { IntegrationFormPanel } from './webviews/integrationForm/panel';

export interface SsoCommandDeps {
  extensionUri: vscode.Uri;
  sso: SsoService;
  state: StateStore;
  logger: Logger;
  decorations: SsoTreeDecorations;
  refreshTree: () => void;
  defaultRegion: () => string;
  report: (what: string, error: unknown) => Promise<void>;
}

type IntegrationArg = TreeNode | string | undefined;

/** 'pkce' where the browser can reach this machine's loopback (a local desktop window), else 'device'. */
export function loginFlow(): LoginFlowKind {
  const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.ssoLoginFlow) ?? 'auto';
  if (setting === 'pkce' || setting === 'device') return setting;
  return vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName ? 'pkce' : 'device';
}

/** Runs a login under a cancellable notification that shows the device code while it waits. */
export function runLogin(sso: SsoService, logger: Logger, integration: SsoIntegration, login: (ui: LoginUi) => Promise<void> = (ui) => sso.login(integration.id, ui, loginFlow())): Promise<void> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AWS Sessions: logging in to "${integration.alias}"`, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort(new CancelledError(`The login to "${integration.alias}"`)));
      try {
        await login({
          signal: controller.signal,
          report: (message) => progress.report({ message }),
          showDeviceCode: (auth) => {
            progress.report({ message: `confirm the code ${auth.userCode} in your browser (${auth.verificationUri})` });
            logger.info(`Integration "${integration.alias}": confirm the code ${auth.userCode} at ${auth.verificationUri}.`);
          },
          openUrl: async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
        });
      } finally {
        sub.dispose();
      }
    }),
  );
}

/** The SsoService hook: a notification offering to log in, then the login under progress. */
export async function askToLogin(sso: SsoService, logger: Logger, integration: SsoIntegration, reason: string, login: (ui: LoginUi) => Promise<void>): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(`AWS Sessions: integration "${integration.alias}": ${reason}`, 'Log In');
  if (choice !== 'Log In') return false;
  await runLogin(sso, logger, integration, login);
  return true;
}

export function registerSsoCommands(deps: SsoCommandDeps): vscode.Disposable[] {
  const { sso } = deps;

  async function resolve(arg: IntegrationArg, placeHolder: string): Promise<SsoIntegration | undefined> {
    const state = await deps.state.read();
    const all = state.integrations ?? [];
    if (arg && typeof arg === 'object') {
      const id = arg.type === 'group' ? integrationIdOfFolder(arg.id) : sessionType(arg.session.kind).integrationOf?.(arg.session);
      const found = all.find((i) => i.id === id);
      if (found) return found;
    }
    if (typeof arg === 'string') {
      const found = all.find((i) => i.id === arg) ?? all.find((i) => i.alias.toLowerCase() === arg.toLowerCase());
      if (!found) throw new Error(`No IAM Identity Center integration named or with id "${arg}".`);
      return found;
    }
    if (all.length === 0) {
      void vscode.window.showInformationMessage('AWS Sessions: no IAM Identity Center integration yet. Add one with "AWS Sessions: Add IAM Identity Center Integration".');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((i) => ({ label: i.alias, description: `${i.startUrl} · ${i.ssoRegion}`, integration: i })),
      { placeHolder },
    );
    return picked?.integration;
  }

  async function sync(integration: SsoIntegration): Promise<SyncReport | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AWS Sessions: syncing "${integration.alias}"`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort(new CancelledError(`The sync of "${integration.alias}"`)));
        deps.decorations.setSyncing(integration.id, 'syncing…');
        deps.refreshTree();
        try {
          const report = await sso.sync(integration.id, {
            interactive: true,
            signal: controller.signal,
            onProgress: ({ done, listed }) => {
              const text = `${done} of ${listed}${done < listed ? '+' : ''} accounts`;
              progress.report({ message: text });
              deps.decorations.setSyncing(integration.id, `syncing: ${text}`);
            },
          });
          const summary = `synced ${report.accounts} accounts: ${report.added} sessions added, ${report.removed} removed.`;
          if (report.orphaned.length > 0) {
            void vscode.window.showWarningMessage(
              `AWS Sessions: "${integration.alias}" ${summary} These sessions lost their assumer and cannot start until you edit them: ${report.orphaned.join(', ')}.`,
            );
          } else {
            void vscode.window.showInformationMessage(`AWS Sessions: "${integration.alias}" ${summary}`);
          }
          return report;
        } finally {
          sub.dispose();
          deps.decorations.setSyncing(integration.id, undefined);
          deps.refreshTree();
        }
      },
    );
  }

  const guarded =
    (what: string, act: (integration: SsoIntegration, ...rest: never[]) => Promise<unknown>, placeHolder = 'IAM Identity Center integration') =>
    async (arg?: IntegrationArg, ...rest: never[]) => {
      try {
        const integration = await resolve(arg, placeHolder);
        if (integration) await act(integration, ...rest);
      } catch (error) {
        await deps.report(what, error);
      }
    };

  return [
    vscode.commands.registerCommand(Commands.addIntegration, () =>
      IntegrationFormPanel.show({
        extensionUri: deps.extensionUri,
        sso,
        logger: deps.logger,
        defaultRegion: deps.defaultRegion,
        onAdded: (integration) => void vscode.commands.executeCommand(Commands.loginIntegration, integration.id),
      }),
    ),
    vscode.commands.registerCommand(
      Commands.editIntegration,
      guarded('Edit IAM Identity Center integration', async (integration) => {
        IntegrationFormPanel.show({ extensionUri: deps.extensionUri, sso, logger: deps.logger, defaultRegion: deps.defaultRegion, onAdded: () => undefined }, integration.id);
      }),
    ),
    vscode.commands.registerCommand(
      Commands.loginIntegration,
      guarded('Log in to IAM Identity Center', async (integration) => {
        await runLogin(sso, deps.logger, integration);
        await sync(integration);
      }),
    ),
    vscode.commands.registerCommand(Commands.syncIntegration, guarded('Sync IAM Identity Center', sync)),
    vscode.commands.registerCommand(
      Commands.logoutIntegration,
      guarded('Log out of IAM Identity Center', async (integration) => {
        await sso.logout(integration.id);
        void vscode.window.showInformationMessage(`AWS Sessions: logged out of "${integration.alias}". Its sessions are kept, inactive.`);
      }),
    ),
    vscode.commands.registerCommand(
      Commands.deleteIntegration,
      guarded('Delete IAM Identity Center integration', async (integration, options?: { confirmed?: boolean }) => {
        if (!options?.confirmed) {
          const ok = await vscode.window.showWarningMessage(
            `Delete integration "${integration.alias}"?`,
            { modal: true, detail: 'You are logged out, and every session of its accounts and roles is stopped and deleted. This cannot be undone.' },
            'Delete',
          );
          if (ok !== 'Delete') return;
        }
        const result = await sso.deleteIntegration(integration.id);
        if (result.orphaned.length) void vscode.window.showWarningMessage(`AWS Sessions: these sessions lost their assumer: ${result.orphaned.join(', ')}.`);
      }),
    ),
  ];
}

/** Keeps the login state shown on integration folders current. */
export async function refreshLoginStates(sso: SsoService, decorations: SsoTreeDecorations, snapshot: PersistedState, refreshTree: () => void): Promise<void> {
  let changed = false;
  for (const integration of snapshot.integrations ?? []) {
    if (decorations.setLoginState(integration.id, await sso.loginState(integration.id))) changed = true;
  }
  if (changed) refreshTree();
}
