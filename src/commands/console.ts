/** "Open AWS Console" and "Copy Console URL" for any session. */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import type { Session } from '../core/model';
import type { StateStore } from '../core/ports';
import type { ConsoleLink, ConsoleSignIn } from '../core/console/consoleSignIn';
import type { ConsoleOpener } from '../core/ipc/handlers';
import { inform, warn, type Report } from './report';
import { sessionHandler } from './sessionArg';
import type { CommandTable } from './table';

export interface ConsoleCommandDeps {
  state: Pick<StateStore, 'read'>;
  signIn: ConsoleSignIn;
  report: Report;
}

function time(d: Date): string {
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Opens a console sign-in URL as a string, not a Uri: VS Code opens it as is, without re-encoding the sign-in token. */
export function openConsoleUrl(url: string): Thenable<boolean> {
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}

export function consoleCommands(deps: ConsoleCommandDeps) {
  const ctx = { state: deps.state, report: deps.report };
  const link = (session: Session, action: string): Promise<ConsoleLink> =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AWS Sessions: ${action} for "${session.alias}"…` }, () => deps.signIn.link(session.id)),
    );

  return {
    /** Returns the URL opened (signs out of the console first, then in), for tests. */
    [Commands.openConsole]: sessionHandler(ctx, 'Open AWS console', 'Session to open the AWS console with', async (session) => {
      const result = await link(session, 'signing in to the AWS console');
      const opened = await openConsoleUrl(result.openUrl);
      if (!opened) warn(`the browser did not open. Use "Copy Console URL" for "${session.alias}" instead.`);
      return result.openUrl;
    }),
    /** Copies the sign-in URL (no sign-out step: for a browser profile of its own). Returns it, for tests. */
    [Commands.copyConsoleUrl]: sessionHandler(ctx, 'Copy console URL', 'Session whose console sign-in URL to copy', async (session) => {
      const result = await link(session, 'making a console sign-in URL');
      await vscode.env.clipboard.writeText(result.url);
      inform(`console sign-in URL for "${session.alias}" copied. It signs in once, until ${time(result.tokenExpiresAt)}; treat it like a password.`);
      return result.url;
    }),
  } satisfies CommandTable;
}

/** `aws-sessions console`: a sign-in link made and, unless the CLI asked only to print it, opened from this window. */
export function consoleOpener(signIn: ConsoleSignIn): ConsoleOpener {
  return async (sessionId, open) => {
    const link = await signIn.link(sessionId);
    if (!open) return { url: link.url, opened: false };
    return { url: link.openUrl, opened: await openConsoleUrl(link.openUrl) };
  };
}
