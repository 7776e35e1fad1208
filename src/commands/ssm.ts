/** "Start SSM Session…" on an active session: a quick pick of its region's managed instances, then a terminal. */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import { findSsmTools, instanceLabel, missingToolsMessage, type ManagedInstance, type SsmSessions } from '../core/ssm/ssmSessions';
import type { StateStore } from '../core/ports';
import { inform, warn, type Report } from './report';
import { sessionHandler } from './sessionArg';
import type { CommandTable } from './table';

const { t } = vscode.l10n;

export interface SsmCommandDeps {
  state: Pick<StateStore, 'read'>;
  ssmSessions: SsmSessions;
  report: Report;
}

function pingIcon(status: string): string {
  return status === 'Online' ? '$(vm-running)' : status === 'ConnectionLost' ? '$(vm-outline)' : '$(vm)';
}

/** What the command did, for tests: the instance and the terminal's name and environment (never a credential). */
export interface SsmSessionStarted {
  instanceId: string;
  terminalName: string;
  command: string[];
  env: Record<string, string>;
}

export function ssmCommands(deps: SsmCommandDeps) {
  const ctx = { state: deps.state, report: deps.report };
  return {
    /** Args: the session (node, id or alias), then optionally the instance id (tests, links). */
    [Commands.startSsmSession]: sessionHandler(
      ctx,
      t('Start SSM session'),
      t('Active session to start an SSM session with'),
      async (session, instanceId?: string): Promise<SsmSessionStarted | undefined> => {
        const pathValue = process.env.PATH;
        const tools = await findSsmTools(pathValue);
        const missing = missingToolsMessage(tools);
        if (missing || !tools.aws) {
          warn(missing ?? '');
          return undefined;
        }
        const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('AWS Sessions: listing the managed instances of "{0}"…', session.alias), cancellable: true }, (_p, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return deps.ssmSessions.instances(session.id, controller.signal);
        });
        let instance: ManagedInstance | undefined;
        if (instanceId) {
          instance = found.instances.find((i) => i.instanceId === instanceId);
          if (!instance) throw new Error(t('Session "{0}": no managed instance {1} in {2}.', session.alias, instanceId, found.region));
        } else {
          if (found.instances.length === 0) {
            inform(t('Session "{0}" sees no managed instances in {1}. Instances need the SSM agent and an instance profile that allows Systems Manager.', session.alias, found.region));
            return undefined;
          }
          const picked = await vscode.window.showQuickPick(
            found.instances.map((i) => ({ label: `${pingIcon(i.pingStatus)} ${instanceLabel(i)}`, description: i.pingStatus, detail: [i.platform, i.ipAddress].filter(Boolean).join(' · '), instance: i })),
            { title: t('Start SSM Session: {0} ({1})', session.alias, found.region), placeHolder: t('Managed instance to connect to'), matchOnDescription: true, matchOnDetail: true },
          );
          instance = picked?.instance;
        }
        if (!instance) return undefined;
        const plan = deps.ssmSessions.plan(found, instance, tools.aws);
        // The checked PATH goes with it, so the CLI finds the plugin that was found; names only, no credential.
        const env = { ...plan.env, ...(pathValue ? { PATH: pathValue } : {}) };
        const terminal = vscode.window.createTerminal({ name: plan.name, shellPath: plan.command[0], shellArgs: plan.command.slice(1), env, isTransient: true, iconPath: new vscode.ThemeIcon('terminal') });
        terminal.show();
        return { instanceId: instance.instanceId, terminalName: plan.name, command: plan.command, env: plan.env };
      },
      (s, state) => state.active[s.id] !== undefined && state.active[s.id].status !== 'error',
    ),
  } satisfies CommandTable;
}
