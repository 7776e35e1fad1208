/** Commands on sessions. Each takes a session from the tree, an id or alias (tests, CLI), or asks with a quick pick. */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import type { DeliveryMode, Session, SessionKind } from '../core/model';
import type { SessionService } from '../core/sessionService';
import { profileOf } from '../core/sessionLookup';
import { dependentsOf } from '../core/sessionGraph';
import { sessionType, sessionTypes } from '../core/sessions/registry';
import type { TreeNode } from '../tree/sessionTree';
import { SessionFormPanel, type FormContext } from '../webviews/sessionForm/panel';
import { pickProfile, pickRegion, sessionPickItems } from './pickers';
import type { Report } from './report';
import { sessionHandler, type SessionArg, type SessionFilter } from './sessionArg';
import { guarded, type CommandTable } from './table';

export interface SessionCommandDeps {
  service: SessionService;
  /** What the session form needs. */
  form: FormContext;
  view: vscode.TreeView<TreeNode>;
  report: Report;
}

const isActive: SessionFilter = (s, st) => !!st.active[s.id];
const canStart: SessionFilter = (s, st) => st.active[s.id]?.status !== 'active';

export function sessionCommands(deps: SessionCommandDeps) {
  const { service } = deps;

  /** A handler that acts on one session (its argument, the tree selection, or a pick); failures are reported as `what`. */
  const onSession = <Rest extends unknown[]>(what: string, placeHolder: string, act: (session: Session, ...rest: Rest) => unknown, filter?: SessionFilter) => {
    const handler = sessionHandler({ state: service.state, view: deps.view, report: deps.report }, what, placeHolder, act, filter);
    return async (arg?: SessionArg, ...rest: Rest): Promise<void> => void (await handler(arg, ...rest));
  };

  /** Copies a fact of the session (its type describes it) to the clipboard. */
  const copyFact = (what: string, noun: string, fact: 'accountId' | 'roleArn', missing: string, copied: (value: string) => string) =>
    onSession(what, `Session whose ${noun} to copy`, async (session) => {
      const value = sessionType(session.kind).describe?.(session, await service.state.read())?.[fact];
      if (!value) throw new Error(`Session "${session.alias}" has ${missing}.`);
      await vscode.env.clipboard.writeText(value);
      void vscode.window.setStatusBarMessage(copied(value), 3000);
    });

  return {
    [Commands.addSession]: async (kind?: SessionKind) => {
      let chosen = kind;
      if (!chosen) {
        const types = sessionTypes().filter((t) => t.origin === 'user');
        chosen =
          types.length === 1
            ? types[0].kind
            : (await vscode.window.showQuickPick(types.map((t) => ({ label: t.label, sessionKind: t.kind })), { placeHolder: 'Type of session to add' }))?.sessionKind;
      }
      if (chosen) SessionFormPanel.show(deps.form, chosen);
    },
    [Commands.editSession]: onSession('Edit session', 'Session to edit', (session) => SessionFormPanel.show(deps.form, session.kind, session.id)),
    [Commands.createChainedSession]: onSession('Create chained session', 'Session whose credentials assume the role', (assumer) =>
      SessionFormPanel.show(deps.form, 'iamRoleChained', undefined, { assumerSessionId: assumer.id, region: assumer.region, alias: `${assumer.alias}-chained` }),
    ),
    [Commands.deleteSession]: onSession('Delete session', 'Session to delete', async (session, options?: { confirmed?: boolean }) => {
      const refusal = sessionType(session.kind).deleteRefusal?.(session);
      if (refusal) throw new Error(refusal);
      if (!options?.confirmed) {
        const dependents = dependentsOf((await service.state.read()).sessions, session.id);
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
      const { orphaned } = await service.editor.delete(session.id);
      if (orphaned.length && options?.confirmed) {
        void vscode.window.showWarningMessage(`Deleted "${session.alias}". ${orphaned.map((d) => `"${d.alias}"`).join(', ')} cannot start until given another assumer session.`);
      }
    }),
    [Commands.startSession]: onSession(
      'Start session',
      'Session to start',
      (session) => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Starting AWS session "${session.alias}"` }, () => service.lifecycle.start(session.id)),
      canStart,
    ),
    [Commands.stopSession]: onSession('Stop session', 'Session to stop', (session) => service.lifecycle.stop(session.id), isActive),
    [Commands.statusBarClick]: guarded(deps.report, 'Status bar', async () => {
      const state = await service.state.read();
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
      if (action?.id === 'switch') await service.editor.setTerminalProfile(profile);
      if (action?.id === 'terminal') await vscode.commands.executeCommand(Commands.openTerminal, session.id);
    }),
    [Commands.pin]: onSession('Pin session', 'Session to pin', (session) => service.editor.setPinned(session.id, true)),
    [Commands.unpin]: onSession('Unpin session', 'Session to unpin', (session) => service.editor.setPinned(session.id, false)),
    [Commands.changeProfile]: onSession('Change profile', 'Session whose named profile to change', async (session) => {
      const state = await service.state.read();
      const name = await pickProfile(state, `Named profile for "${session.alias}"`, profileOf(state, session).name);
      if (name) await service.editor.relocate(session.id, { profileName: name });
    }),
    [Commands.setDeliveryMode]: onSession('Change delivery', 'Session whose credential delivery to change', async (session, mode?: DeliveryMode | 'default') => {
      const current = service.lifecycle.deliveryModeOf(session);
      const items = [
        { label: 'credential_process', detail: 'The AWS CLI and SDKs ask the editor for credentials when they need them; no credentials in any file.', mode: 'credentialProcess' as const },
        { label: 'Credentials file', detail: 'Short-lived keys written to the profile in the shared credentials file.', mode: 'credentialsFile' as const },
        { label: 'Default', detail: 'Follow the awsSessions.deliveryMode setting.', mode: 'default' as const },
      ].map((i) => ({ ...i, description: i.mode === (session.deliveryMode ?? 'default') ? `current (${current})` : undefined }));
      const chosen = mode ?? (await vscode.window.showQuickPick(items, { placeHolder: `How "${session.alias}" delivers credentials` }))?.mode;
      if (chosen) await service.editor.setDeliveryMode(session.id, chosen);
    }),
    [Commands.changeRegion]: onSession('Change region', 'Session whose region to change', async (session) => {
      const region = await pickRegion(`Region for "${session.alias}"`, session.region);
      if (region) await service.editor.relocate(session.id, { region });
    }),
    [Commands.copyAccountId]: copyFact('Copy account id', 'account id', 'accountId', 'no known account id', (id) => `Copied account id ${id}`),
    [Commands.copyRoleArn]: copyFact('Copy role ARN', 'role ARN', 'roleArn', 'no role ARN', (arn) => `Copied ${arn}`),
    [Commands.switchTerminalProfile]: guarded(deps.report, 'Switch terminal profile', async (profileName?: string) => {
      const state = await service.state.read();
      const name = typeof profileName === 'string' ? profileName : await pickProfile(state, 'Profile new terminals use (AWS_PROFILE)', state.terminalProfile);
      if (name) await service.editor.setTerminalProfile(name);
    }),
    [Commands.openTerminal]: onSession('Open terminal', 'Session for the new terminal', async (session) => {
      let state = await service.state.read();
      if (state.active[session.id]?.status !== 'active') {
        await service.lifecycle.start(session.id);
        state = await service.state.read();
      }
      const profile = profileOf(state, session).name;
      const terminal = vscode.window.createTerminal({
        name: `AWS: ${session.alias}`,
        iconPath: new vscode.ThemeIcon('cloud'),
        env: { AWS_PROFILE: profile, AWS_REGION: session.region, AWS_DEFAULT_REGION: session.region },
      });
      terminal.show();
    }),
  } satisfies CommandTable;
}
