/** Command handlers. Each takes a session from the tree, an id or alias (tests, CLI), or asks with a quick pick. */
import * as vscode from 'vscode';
import { Commands, type CommandId } from './core/constants';
import { CancelledError, errorMessage } from './core/errors';
import type { DeliveryMode, PersistedState, Session, SessionKind } from './core/model';
import type { SessionService } from './core/sessionService';
import { profileOf } from './core/sessionService';
import { sessionTypes } from './core/sessions/registry';
import type { Logger } from './core/ports';
import type { TreeNode } from './tree/sessionTree';
import { SessionFormPanel, type FormContext } from './webviews/sessionForm/panel';

export interface CommandDeps extends FormContext {
  service: SessionService;
  logger: Logger;
  showLog: () => void;
  refresh: () => Promise<void>;
}

type SessionArg = TreeNode | string | undefined;

const stateLabel = (state: PersistedState, s: Session) => state.active[s.id]?.status ?? 'inactive';

async function pickSession(deps: CommandDeps, placeHolder: string, filter: (s: Session, state: PersistedState) => boolean = () => true): Promise<Session | undefined> {
  const state = await deps.service.state();
  const candidates = state.sessions.filter((s) => filter(s, state));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('AWS Sessions: no session fits. Add one with "AWS Sessions: Add Session".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({
      label: s.alias,
      description: `${profileOf(state, s).name} · ${s.region}`,
      detail: `${sessionTypes().find((t) => t.kind === s.kind)?.label ?? s.kind} — ${stateLabel(state, s)}`,
      session: s,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.session;
}

async function resolveSession(deps: CommandDeps, arg: SessionArg, placeHolder: string, filter?: (s: Session, state: PersistedState) => boolean): Promise<Session | undefined> {
  if (arg && typeof arg === 'object' && arg.type === 'session') return arg.session;
  if (typeof arg === 'string') {
    const state = await deps.service.state();
    const found = state.sessions.find((s) => s.id === arg) ?? state.sessions.find((s) => s.alias.toLowerCase() === arg.toLowerCase());
    if (!found) throw new Error(`No session named or with id "${arg}".`);
    return found;
  }
  return pickSession(deps, placeHolder, filter);
}

async function report(deps: CommandDeps, what: string, error: unknown): Promise<void> {
  if (error instanceof CancelledError) {
    deps.logger.info(error.message);
    return;
  }
  const message = errorMessage(error);
  deps.logger.error(`${what}: ${message}`);
  const choice = await vscode.window.showErrorMessage(`AWS Sessions: ${message}`, 'Show Log');
  if (choice === 'Show Log') deps.showLog();
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const handlers: Record<CommandId, (...args: never[]) => unknown> = {
    [Commands.addSession]: async (kind?: SessionKind) => {
      let chosen = kind;
      if (!chosen) {
        const types = sessionTypes();
        chosen =
          types.length === 1
            ? types[0].kind
            : (await vscode.window.showQuickPick(types.map((t) => ({ label: t.label, sessionKind: t.kind })), { placeHolder: 'Type of session to add' }))?.sessionKind;
      }
      if (chosen) SessionFormPanel.show(deps, chosen);
    },
    [Commands.editSession]: async (arg?: SessionArg) => {
      try {
        const session = await resolveSession(deps, arg, 'Session to edit');
        if (session) SessionFormPanel.show(deps, session.kind, session.id);
      } catch (error) {
        await report(deps, 'Edit session', error);
      }
    },
    [Commands.deleteSession]: async (arg?: SessionArg, options?: { confirmed?: boolean }) => {
      try {
        const session = await resolveSession(deps, arg, 'Session to delete');
        if (!session) return;
        if (!options?.confirmed) {
          const ok = await vscode.window.showWarningMessage(
            `Delete session "${session.alias}"?`,
            { modal: true, detail: 'Its stored secrets are deleted too, and it is stopped first if active. This cannot be undone.' },
            'Delete',
          );
          if (ok !== 'Delete') return;
        }
        await deps.service.delete(session.id);
      } catch (error) {
        await report(deps, 'Delete session', error);
      }
    },
    [Commands.startSession]: async (arg?: SessionArg) => {
      try {
        const session = await resolveSession(deps, arg, 'Session to start', (s, st) => st.active[s.id]?.status !== 'active');
        if (!session) return;
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Starting AWS session "${session.alias}"` }, () => deps.service.start(session.id));
      } catch (error) {
        await report(deps, 'Start session', error);
      }
    },
    [Commands.stopSession]: async (arg?: SessionArg) => {
      try {
        const session = await resolveSession(deps, arg, 'Session to stop', (s, st) => !!st.active[s.id]);
        if (session) await deps.service.stop(session.id);
      } catch (error) {
        await report(deps, 'Stop session', error);
      }
    },
    [Commands.setDeliveryMode]: async (arg?: SessionArg, mode?: DeliveryMode | 'default') => {
      try {
        const session = await resolveSession(deps, arg, 'Session whose delivery to change');
        if (!session) return;
        const current = deps.service.deliveryModeOf(session);
        const chosen =
          mode ??
          (
            await vscode.window.showQuickPick(
              [
                { label: 'credential_process', detail: 'The AWS CLI and SDKs ask the editor for credentials when they need them; no credentials in any file.', mode: 'credentialProcess' as const },
                { label: 'Credentials file', detail: 'Short-lived keys written to the profile in the shared credentials file.', mode: 'credentialsFile' as const },
                { label: 'Default', detail: 'Follow the awsSessions.deliveryMode setting.', mode: 'default' as const },
              ].map((i) => ({ ...i, description: i.mode === (session.deliveryMode ?? 'default') ? `current (${current})` : undefined })),
              { placeHolder: `How "${session.alias}" delivers credentials` },
            )
          )?.mode;
        if (chosen) await deps.service.patch(session.id, { deliveryMode: chosen });
      } catch (error) {
        await report(deps, 'Change delivery', error);
      }
    },
    [Commands.refreshTree]: () => deps.refresh(),
    [Commands.showLog]: () => deps.showLog(),
    [Commands.statusBarClick]: async () => {
      const session = await pickSession(deps, 'Start or stop a session');
      if (!session) return;
      const state = await deps.service.state();
      if (state.active[session.id]?.status === 'active') await vscode.commands.executeCommand(Commands.stopSession, session.id);
      else await vscode.commands.executeCommand(Commands.startSession, session.id);
    },
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}
