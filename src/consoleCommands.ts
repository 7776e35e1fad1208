/** "Open AWS Console" and "Copy Console URL" for any session (kept apart from commands.ts). */
import * as vscode from 'vscode';
import { Commands } from './core/constants';
import type { Session } from './core/model';
import type { SessionService } from './core/sessionService';
import type { ConsoleLink, ConsoleSignIn } from './core/console/consoleSignIn';
import { pickSession } from './pickers';
import type { TreeNode } from './tree/sessionTree';

export interface ConsoleCommandDeps {
  service: SessionService;
  signIn: ConsoleSignIn;
  report(what: string, error: unknown): Promise<void>;
}

type SessionArg = TreeNode | string | undefined;

/** The session a command acts on: a tree node, an id or alias, else a quick pick. */
export async function resolveSession(service: SessionService, arg: SessionArg, placeHolder: string): Promise<Session | undefined> {
  const state = await service.state();
  if (arg && typeof arg === 'object' && arg.type === 'session') return state.sessions.find((s) => s.id === arg.session.id) ?? arg.session;
  if (typeof arg === 'string') {
    const found = state.sessions.find((s) => s.id === arg) ?? state.sessions.find((s) => s.alias.toLowerCase() === arg.toLowerCase());
    if (!found) throw new Error(`No session named or with id "${arg}".`);
    return found;
  }
  return pickSession(state, state.sessions, placeHolder);
}

function time(d: Date): string {
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Opens a console sign-in URL as a string, not a Uri: VS Code opens it as is, without re-encoding the sign-in token. */
export function openConsoleUrl(url: string): Thenable<boolean> {
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}

export function registerConsoleCommands(deps: ConsoleCommandDeps): vscode.Disposable[] {
  const link = (session: Session, action: string): Promise<ConsoleLink> =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AWS Sessions: ${action} for "${session.alias}"…` }, () => deps.signIn.link(session.id)),
    );

  const handlers: Record<string, (...args: never[]) => unknown> = {
    /** Returns the URL opened (signs out of the console first, then in), for tests. */
    [Commands.openConsole]: async (arg?: SessionArg): Promise<string | undefined> => {
      try {
        const session = await resolveSession(deps.service, arg, 'Session to open the AWS console with');
        if (!session) return undefined;
        const result = await link(session, 'signing in to the AWS console');
        const opened = await openConsoleUrl(result.openUrl);
        if (!opened) void vscode.window.showWarningMessage(`AWS Sessions: the browser did not open. Use "Copy Console URL" for "${session.alias}" instead.`);
        return result.openUrl;
      } catch (error) {
        await deps.report('Open AWS console', error);
        return undefined;
      }
    },
    /** Copies the sign-in URL (no sign-out step: for a browser profile of its own). Returns it, for tests. */
    [Commands.copyConsoleUrl]: async (arg?: SessionArg): Promise<string | undefined> => {
      try {
        const session = await resolveSession(deps.service, arg, 'Session whose console sign-in URL to copy');
        if (!session) return undefined;
        const result = await link(session, 'making a console sign-in URL');
        await vscode.env.clipboard.writeText(result.url);
        void vscode.window.showInformationMessage(
          `AWS Sessions: console sign-in URL for "${session.alias}" copied. It signs in once, until ${time(result.tokenExpiresAt)}; treat it like a password.`,
        );
        return result.url;
      } catch (error) {
        await deps.report('Copy console URL', error);
        return undefined;
      }
    },
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}
