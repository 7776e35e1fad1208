/** Commands on sessions. Each takes a session from the tree, an id or alias (tests, CLI), or asks with a quick pick. */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import { lazy } from '../core/lazy';
import type { DeliveryMode, Session, SessionKind } from '../core/model';
import type { SessionService } from '../core/sessionService';
import { translated } from '../core/l10n';
import { profileOf } from '../core/sessionLookup';
import { dependentsOf } from '../core/sessionGraph';
import { sessionType, sessionTypes } from '../core/sessions/registry';
import type { TreeNode } from '../tree/sessionTree';
import type { FormContext } from '../webviews/sessionForm/panel';
import { pickProfile, pickRegion, sessionPickItems } from './pickers';
import type { Report } from './report';
import { sessionHandler, type SessionArg, type SessionFilter } from './sessionArg';
import { guarded, type CommandTable } from './table';
import { batchActions, orSelection, type BatchCommandDeps } from './batch';

const { t } = vscode.l10n;
/** The session form (a webview): loaded when it first opens. */
const sessionForm = lazy(() => require('../webviews/sessionForm/panel') as typeof import('../webviews/sessionForm/panel'));

export interface SessionCommandDeps extends BatchCommandDeps {
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
  const many = batchActions(deps);

  /** A handler that acts on one session (its argument, the tree selection, or a pick); failures are reported as `what`. */
  const onSession = <Rest extends unknown[]>(what: string, placeHolder: string, act: (session: Session, ...rest: Rest) => unknown, filter?: SessionFilter) => {
    const handler = sessionHandler({ state: service.state, view: deps.view, report: deps.report }, what, placeHolder, act, filter);
    return async (arg?: SessionArg, ...rest: Rest): Promise<void> => void (await handler(arg, ...rest));
  };

  /** Copies a fact of the session (its type describes it) to the clipboard. */
  const copyFact = (what: string, placeHolder: string, fact: 'accountId' | 'roleArn', missing: (alias: string) => string, copied: (value: string) => string) =>
    onSession(what, placeHolder, async (session) => {
      const value = sessionType(session.kind).describe?.(session, await service.state.read())?.[fact];
      if (!value) throw new Error(missing(session.alias));
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
            : (await vscode.window.showQuickPick(types.map((type) => ({ label: translated(type.label), sessionKind: type.kind })), { placeHolder: t('Type of session to add') }))?.sessionKind;
      }
      if (chosen) sessionForm().SessionFormPanel.show(deps.form, chosen);
    },
    [Commands.editSession]: onSession(t('Edit session'), t('Session to edit'), (session) => sessionForm().SessionFormPanel.show(deps.form, session.kind, session.id)),
    [Commands.createChainedSession]: onSession(t('Create chained session'), t('Session whose credentials assume the role'), (assumer) =>
      sessionForm().SessionFormPanel.show(deps.form, 'iamRoleChained', undefined, { assumerSessionId: assumer.id, region: assumer.region, alias: `${assumer.alias}-chained` }),
    ),
    [Commands.deleteSession]: orSelection(deps.report, t('Delete sessions'), onSession(t('Delete session'), t('Session to delete'), async (session, options?: { confirmed?: boolean }) => {
      const refusal = sessionType(session.kind).deleteRefusal?.(session);
      if (refusal) throw new Error(refusal);
      if (!options?.confirmed) {
        const dependents = dependentsOf((await service.state.read()).sessions, session.id);
        const names = dependents.map((d) => `"${d.alias}"`).join(', ');
        const chains = dependents.length
          ? `\n\n${
              dependents.length === 1
                ? t('The chained session {0} uses it to assume its role and will not start until given another assumer (Edit).', names)
                : t('{0} chained sessions {1} use it to assume their roles and will not start until given another assumer (Edit).', dependents.length, names)
            }`
          : '';
        const del = t('Delete');
        const ok = await vscode.window.showWarningMessage(
          t('Delete session "{0}"?', session.alias),
          { modal: true, detail: t('Its stored secrets are deleted too, and it is stopped first if active. This cannot be undone.') + chains },
          del,
        );
        if (ok !== del) return;
      }
      const { orphaned } = await service.editor.delete(session.id);
      if (orphaned.length && options?.confirmed) {
        void vscode.window.showWarningMessage(t('Deleted "{0}". {1} cannot start until given another assumer session.', session.alias, orphaned.map((d) => `"${d.alias}"`).join(', ')));
      }
    }), many.delete),
    [Commands.startSession]: orSelection(
      deps.report,
      t('Start sessions'),
      onSession(
        t('Start session'),
        t('Session to start'),
        (session) => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Starting AWS session "{0}"', session.alias) }, () => service.lifecycle.start(session.id)),
        canStart,
      ),
      many.start,
    ),
    [Commands.stopSession]: orSelection(deps.report, t('Stop sessions'), onSession(t('Stop session'), t('Session to stop'), (session) => service.lifecycle.stop(session.id), isActive), many.stop),
    [Commands.statusBarClick]: guarded(deps.report, t('Status bar'), async () => {
      const state = await service.state.read();
      const items = sessionPickItems(state, state.sessions);
      const picked = await vscode.window.showQuickPick(items, {
        title: t('AWS Sessions'),
        placeHolder: t('Terminals use profile "{0}". Pick a session to start, stop or use in terminals.', state.terminalProfile ?? 'default'),
        matchOnDescription: true,
        matchOnDetail: true,
      });
      const session = picked?.session;
      if (!session) return;
      const profile = profileOf(state, session).name;
      const active = state.active[session.id]?.status === 'active';
      const actions = active
        ? [
            ...(state.terminalProfile !== profile ? [{ label: `$(terminal) ${t('Use in terminals')}`, id: 'switch' }] : []),
            { label: `$(debug-stop) ${t('Stop')}`, id: 'stop' },
            { label: `$(terminal) ${t('Open terminal with this session')}`, id: 'terminal' },
          ]
        : [{ label: `$(play) ${t('Start and use in terminals')}`, id: 'start' }];
      const action = actions.length === 1 ? actions[0] : await vscode.window.showQuickPick(actions, { placeHolder: `"${session.alias}" (${profile})` });
      if (action?.id === 'start') await vscode.commands.executeCommand(Commands.startSession, session.id);
      if (action?.id === 'stop') await vscode.commands.executeCommand(Commands.stopSession, session.id);
      if (action?.id === 'switch') await service.editor.setTerminalProfile(profile);
      if (action?.id === 'terminal') await vscode.commands.executeCommand(Commands.openTerminal, session.id);
    }),
    [Commands.pin]: orSelection(deps.report, t('Pin sessions'), onSession(t('Pin session'), t('Session to pin'), (session) => service.editor.setPinned(session.id, true)), many.pin(true)),
    [Commands.unpin]: orSelection(deps.report, t('Unpin sessions'), onSession(t('Unpin session'), t('Session to unpin'), (session) => service.editor.setPinned(session.id, false)), many.pin(false)),
    [Commands.changeProfile]: orSelection(
      deps.report,
      t('Change profiles'),
      onSession(t('Change profile'), t('Session whose named profile to change'), async (session) => {
        const state = await service.state.read();
        const name = await pickProfile(state, t('Named profile for "{0}"', session.alias), profileOf(state, session).name);
        if (name) await service.editor.relocate(session.id, { profileName: name });
      }),
      many.profile,
    ),
    // From a tree row VS Code passes the selected rows second: only a string is a mode.
    [Commands.setDeliveryMode]: onSession(t('Change delivery'), t('Session whose credential delivery to change'), async (session, given?: unknown) => {
      const mode = typeof given === 'string' ? (given as DeliveryMode | 'default') : undefined;
      const current = service.lifecycle.deliveryModeOf(session);
      const items = [
        { label: 'credential_process', detail: t('The AWS CLI and SDKs ask the editor for credentials when they need them; no credentials in any file.'), mode: 'credentialProcess' as const },
        { label: t('Credentials file'), detail: t('Short-lived keys written to the profile in the shared credentials file.'), mode: 'credentialsFile' as const },
        { label: t('Default'), detail: t('Follow the awsSessions.deliveryMode setting.'), mode: 'default' as const },
      ].map((i) => ({ ...i, description: i.mode === (session.deliveryMode ?? 'default') ? t('current ({0})', current) : undefined }));
      const chosen = mode ?? (await vscode.window.showQuickPick(items, { placeHolder: t('How "{0}" delivers credentials', session.alias) }))?.mode;
      if (chosen) await service.editor.setDeliveryMode(session.id, chosen);
    }),
    [Commands.changeRegion]: orSelection(
      deps.report,
      t('Change regions'),
      onSession(t('Change region'), t('Session whose region to change'), async (session) => {
        const region = await pickRegion(t('Region for "{0}"', session.alias), session.region);
        if (region) await service.editor.relocate(session.id, { region });
      }),
      many.region,
    ),
    [Commands.copyAccountId]: copyFact(t('Copy account id'), t('Session whose account id to copy'), 'accountId', (alias) => t('Session "{0}" has no known account id.', alias), (id) => t('Copied account id {0}', id)),
    [Commands.copyRoleArn]: copyFact(t('Copy role ARN'), t('Session whose role ARN to copy'), 'roleArn', (alias) => t('Session "{0}" has no role ARN.', alias), (arn) => t('Copied {0}', arn)),
    [Commands.switchTerminalProfile]: guarded(deps.report, t('Switch terminal profile'), async (profileName?: string) => {
      const state = await service.state.read();
      const name = typeof profileName === 'string' ? profileName : await pickProfile(state, t('Profile new terminals use (AWS_PROFILE)'), state.terminalProfile);
      if (name) await service.editor.setTerminalProfile(name);
    }),
    [Commands.openTerminal]: onSession(t('Open terminal'), t('Session for the new terminal'), async (session) => {
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
