/** Command handlers. Each takes a session from the tree, an id or alias (tests, CLI), or asks with a quick pick. */
import * as vscode from 'vscode';
import { Commands, ContextKeys, SETTINGS_SECTION, Settings, type CommandId, type SsoCommandId } from './core/constants';
import { CancelledError, errorMessage } from './core/errors';
import type { DeliveryMode, PersistedState, Session, SessionKind } from './core/model';
import type { SessionService } from './core/sessionService';
import { profileOf } from './core/sessionLookup';
import { dependentsOf } from './core/sessionGraph';
import { sessionType, sessionTypes } from './core/sessions/registry';
import type { Logger } from './core/ports';
import type { ViewMode } from './core/treeModel';
import type { SessionTreeProvider, TreeNode } from './tree/sessionTree';
import { SessionFormPanel, type FormContext } from './webviews/sessionForm/panel';
import { pickProfile, pickRegion, pickSession, sessionPickItems } from './pickers';
import { activeSessionOfProfile } from './terminal';

export interface CommandDeps extends FormContext {
  service: SessionService;
  logger: Logger;
  tree: SessionTreeProvider;
  view: vscode.TreeView<TreeNode>;
  showLog: () => void;
  refresh: () => Promise<void>;
}

type SessionArg = TreeNode | string | undefined;
type Filter = (s: Session, state: PersistedState) => boolean;

export function report(deps: Pick<CommandDeps, 'logger' | 'showLog'>, what: string, error: unknown): void {
  if (error instanceof CancelledError) {
    deps.logger.info(error.message);
    return;
  }
  const message = errorMessage(error);
  deps.logger.error(`${what}: ${message}`);
  // Not awaited: the command settles now; the button works whenever the user presses it.
  void vscode.window.showErrorMessage(`AWS Sessions: ${message}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') deps.showLog();
  });
}

/** Commands registered elsewhere (profileCommands.ts). */
type OwnCommandId = Exclude<
  CommandId,
  | typeof Commands.addProfile
  | typeof Commands.renameProfile
  | typeof Commands.deleteProfile
  | typeof Commands.inspectSamlAssertion
  | SsoCommandId
  // consoleCommands.ts, doctorCommands.ts, importCommands.ts
  | typeof Commands.openConsole
  | typeof Commands.copyConsoleUrl
  | typeof Commands.diagnose
  | typeof Commands.doctorFix
  | typeof Commands.importProfiles
>;

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { service } = deps;

  /** The session a command acts on: its argument, else the tree selection, else a quick pick. */
  async function resolve(arg: SessionArg, placeHolder: string, filter: Filter = () => true): Promise<Session | undefined> {
    const state = await service.state();
    if (arg && typeof arg === 'object' && arg.type === 'session') return state.sessions.find((s) => s.id === arg.session.id) ?? arg.session;
    if (typeof arg === 'string') {
      const found = state.sessions.find((s) => s.id === arg) ?? state.sessions.find((s) => s.alias.toLowerCase() === arg.toLowerCase());
      if (!found) throw new Error(`No session named or with id "${arg}".`);
      return found;
    }
    const selected = deps.view.visible ? deps.view.selection.filter((n) => n.type === 'session') : [];
    if (selected.length === 1 && selected[0].type === 'session' && filter(selected[0].session, state)) return selected[0].session;
    return pickSession(state, state.sessions.filter((s) => filter(s, state)), placeHolder);
  }

  /** Wrap a handler that acts on one session, reporting failures with the session's name. */
  const onSession =
    (what: string, placeHolder: string, act: (session: Session, ...rest: never[]) => unknown, filter?: Filter) =>
    async (arg?: SessionArg, ...rest: never[]) => {
      try {
        const session = await resolve(arg, placeHolder, filter);
        if (session) await act(session, ...rest);
      } catch (error) {
        report(deps, what, error);
      }
    };

  const isActive: Filter = (s, st) => !!st.active[s.id];
  const canStart: Filter = (s, st) => st.active[s.id]?.status !== 'active';

  async function setMode(mode: ViewMode): Promise<void> {
    deps.tree.setMode(mode);
    await vscode.commands.executeCommand('setContext', ContextKeys.viewMode, mode);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.treeViewMode, mode, vscode.ConfigurationTarget.Global);
  }

  function describeFilter(): void {
    const model = deps.tree.current;
    deps.view.message = deps.tree.filter && model ? `Filter "${deps.tree.filter}": ${model.shown} of ${model.total} sessions` : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, !!deps.tree.filter);
  }

  const handlers: Record<OwnCommandId, (...args: never[]) => unknown> = {
    [Commands.addSession]: async (kind?: SessionKind) => {
      let chosen = kind;
      if (!chosen) {
        const types = sessionTypes().filter((t) => t.origin === 'user');
        chosen =
          types.length === 1
            ? types[0].kind
            : (await vscode.window.showQuickPick(types.map((t) => ({ label: t.label, sessionKind: t.kind })), { placeHolder: 'Type of session to add' }))?.sessionKind;
      }
      if (chosen) SessionFormPanel.show(deps, chosen);
    },
    [Commands.editSession]: onSession('Edit session', 'Session to edit', (session) => SessionFormPanel.show(deps, session.kind, session.id)),
    [Commands.createChainedSession]: onSession('Create chained session', 'Session whose credentials assume the role', (assumer) =>
      SessionFormPanel.show(deps, 'iamRoleChained', undefined, { assumerSessionId: assumer.id, region: assumer.region, alias: `${assumer.alias}-chained` }),
    ),
    [Commands.deleteSession]: onSession('Delete session', 'Session to delete', async (session, options?: { confirmed?: boolean }) => {
      const refusal = sessionType(session.kind).deleteRefusal?.(session);
      if (refusal) throw new Error(refusal);
      if (!options?.confirmed) {
        const dependents = dependentsOf((await service.state()).sessions, session.id);
        const chains = dependents.length
          ? `\n\n${dependents.length === 1 ? 'The chained session' : `${dependents.length} chained sessions`} ${dependents.map((d) => `"${d.alias}"`).join(', ')} ${dependents.length === 1 ? 'uses' : 'use'} it to assume ${dependents.length === 1 ? 'its role and' : 'their roles and'} will not start until given another assumer (Edit).`
          : '';
        const ok = await vscode.window.showWarningMessage(
          `Delete session "${session.alias}"?`,
          { modal: true, detail: `Its stored secrets are deleted too, and it is stopped first if active. This cannot be undone.${chains}` },
          'Delete',
        );
        if (ok !== 'Delete') return;
      }
      const { orphaned } = await service.delete(session.id);
      if (orphaned.length && options?.confirmed) {
        void vscode.window.showWarningMessage(`Deleted "${session.alias}". ${orphaned.map((d) => `"${d.alias}"`).join(', ')} cannot start until given another assumer session.`);
      }
    }),
    [Commands.startSession]: onSession(
      'Start session',
      'Session to start',
      (session) => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Starting AWS session "${session.alias}"` }, () => service.start(session.id)),
      canStart,
    ),
    [Commands.stopSession]: onSession('Stop session', 'Session to stop', (session) => service.stop(session.id), isActive),
    [Commands.refreshTree]: () => deps.refresh(),
    [Commands.showLog]: () => deps.showLog(),
    [Commands.statusBarClick]: async () => {
      try {
        const state = await service.state();
        const items = sessionPickItems(state, state.sessions);
        const picked = await vscode.window.showQuickPick(items, {
          title: 'AWS Sessions',
          placeHolder: `Terminals use profile "${state.terminalProfile ?? 'default'}". Pick a session to start, stop or use in terminals.`,
          matchOnDescription: true,
          matchOnDetail: true,
        });
        const session = picked?.session;
        if (!session) return;
        const profile = profileOf(state, session).name;
        const active = state.active[session.id]?.status === 'active';
        const actions = active
          ? [
              ...(state.terminalProfile !== profile ? [{ label: '$(terminal) Use in terminals', id: 'switch' }] : []),
              { label: '$(debug-stop) Stop', id: 'stop' },
              { label: '$(terminal) Open terminal with this session', id: 'terminal' },
            ]
          : [{ label: '$(play) Start and use in terminals', id: 'start' }];
        const action = actions.length === 1 ? actions[0] : await vscode.window.showQuickPick(actions, { placeHolder: `"${session.alias}" (${profile})` });
        if (action?.id === 'start') await vscode.commands.executeCommand(Commands.startSession, session.id);
        if (action?.id === 'stop') await vscode.commands.executeCommand(Commands.stopSession, session.id);
        if (action?.id === 'switch') await service.setTerminalProfile(profile);
        if (action?.id === 'terminal') await vscode.commands.executeCommand(Commands.openTerminal, session.id);
      } catch (error) {
        report(deps, 'Status bar', error);
      }
    },
    [Commands.filter]: async () => {
      const box = vscode.window.createInputBox();
      box.title = 'AWS Sessions: filter';
      box.placeholder = 'alias, account name or id, role, profile or region (all words must match)';
      box.value = deps.tree.filter;
      const before = deps.tree.filter;
      let accepted = false;
      box.onDidChangeValue((value) => {
        deps.tree.setFilter(value.trim());
        describeFilter();
      });
      box.onDidAccept(() => {
        accepted = true;
        box.hide();
      });
      box.onDidHide(() => {
        if (!accepted) deps.tree.setFilter(before);
        describeFilter();
        box.dispose();
      });
      box.show();
    },
    [Commands.clearFilter]: () => {
      deps.tree.setFilter('');
      describeFilter();
    },
    [Commands.viewFlat]: () => setMode('flat'),
    [Commands.viewGrouped]: () => setMode('grouped'),
    [Commands.pin]: onSession('Pin session', 'Session to pin', (session) => service.setPinned(session.id, true)),
    [Commands.unpin]: onSession('Unpin session', 'Session to unpin', (session) => service.setPinned(session.id, false)),
    [Commands.changeProfile]: onSession('Change profile', 'Session whose named profile to change', async (session) => {
      const state = await service.state();
      const name = await pickProfile(state, `Named profile for "${session.alias}"`, profileOf(state, session).name);
      if (name) await service.relocate(session.id, { profileName: name });
    }),
    [Commands.setDeliveryMode]: onSession('Change delivery', 'Session whose credential delivery to change', async (session, mode?: DeliveryMode | 'default') => {
      const current = service.deliveryModeOf(session);
      const items = [
        { label: 'credential_process', detail: 'The AWS CLI and SDKs ask the editor for credentials when they need them; no credentials in any file.', mode: 'credentialProcess' as const },
        { label: 'Credentials file', detail: 'Short-lived keys written to the profile in the shared credentials file.', mode: 'credentialsFile' as const },
        { label: 'Default', detail: 'Follow the awsSessions.deliveryMode setting.', mode: 'default' as const },
      ].map((i) => ({ ...i, description: i.mode === (session.deliveryMode ?? 'default') ? `current (${current})` : undefined }));
      const chosen = mode ?? (await vscode.window.showQuickPick(items, { placeHolder: `How "${session.alias}" delivers credentials` }))?.mode;
      if (chosen) await service.setDeliveryMode(session.id, chosen);
    }),
    [Commands.changeRegion]: onSession('Change region', 'Session whose region to change', async (session) => {
      const region = await pickRegion(`Region for "${session.alias}"`, session.region);
      if (region) await service.relocate(session.id, { region });
    }),
    [Commands.copyAccountId]: onSession('Copy account id', 'Session whose account id to copy', async (session) => {
      const facts = sessionType(session.kind).describe?.(session, await service.state()) ?? {};
      if (!facts.accountId) throw new Error(`Session "${session.alias}" has no known account id.`);
      await vscode.env.clipboard.writeText(facts.accountId);
      void vscode.window.setStatusBarMessage(`Copied account id ${facts.accountId}`, 3000);
    }),
    [Commands.copyRoleArn]: onSession('Copy role ARN', 'Session whose role ARN to copy', async (session) => {
      const facts = sessionType(session.kind).describe?.(session, await service.state()) ?? {};
      if (!facts.roleArn) throw new Error(`Session "${session.alias}" has no role ARN.`);
      await vscode.env.clipboard.writeText(facts.roleArn);
      void vscode.window.setStatusBarMessage(`Copied ${facts.roleArn}`, 3000);
    }),
    [Commands.switchTerminalProfile]: async (profileName?: string) => {
      try {
        const state = await service.state();
        const name = typeof profileName === 'string' ? profileName : await pickProfile(state, 'Profile new terminals use (AWS_PROFILE)', state.terminalProfile);
        if (name) await service.setTerminalProfile(name);
      } catch (error) {
        report(deps, 'Switch terminal profile', error);
      }
    },
    [Commands.openTerminal]: onSession('Open terminal', 'Session for the new terminal', async (session) => {
      let state = await service.state();
      if (state.active[session.id]?.status !== 'active') {
        await service.start(session.id);
        state = await service.state();
      }
      const profile = profileOf(state, session).name;
      const terminal = vscode.window.createTerminal({
        name: `AWS: ${session.alias}`,
        iconPath: new vscode.ThemeIcon('cloud'),
        env: { AWS_PROFILE: profile, AWS_REGION: session.region, AWS_DEFAULT_REGION: session.region },
      });
      terminal.show();
    }),
    [Commands.revealActive]: async () => {
      const state = await service.state();
      const found = activeSessionOfProfile(state, state.terminalProfile) ?? Object.values(state.active).map((a) => ({ session: state.sessions.find((s) => s.id === a.sessionId)! }))[0];
      const node = found?.session && deps.tree.nodeFor(found.session.id);
      if (!node) {
        void vscode.window.showInformationMessage('AWS Sessions: no active session to show.');
        return;
      }
      await deps.view.reveal(node, { select: true, focus: true, expand: true });
    },
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}
