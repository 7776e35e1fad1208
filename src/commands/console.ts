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

const { t } = vscode.l10n;

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
  const link = (session: Session, action: (alias: string) => string): Promise<ConsoleLink> =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: action(session.alias) }, () => deps.signIn.link(session.id)),
    );

  return {
    /** Returns the URL opened (signs out of the console first, then in), for tests. */
    [Commands.openConsole]: sessionHandler(ctx, t('Open AWS console'), t('Session to open the AWS console with'), async (session) => {
      const result = await link(session, (alias) => t('AWS Sessions: signing in to the AWS console for "{0}"…', alias));
      const opened = await openConsoleUrl(result.openUrl);
      if (!opened) warn(t('the browser did not open. Use "Copy Console URL" for "{0}" instead.', session.alias));
      return result.openUrl;
    }),
    /** Copies the sign-in URL (no sign-out step: for a browser profile of its own). Returns it, for tests. */
    [Commands.copyConsoleUrl]: sessionHandler(ctx, t('Copy console URL'), t('Session whose console sign-in URL to copy'), async (session) => {
      const result = await link(session, (alias) => t('AWS Sessions: making a console sign-in URL for "{0}"…', alias));
      await vscode.env.clipboard.writeText(result.url);
      inform(t('console sign-in URL for "{0}" copied. It signs in once, until {1}; treat it like a password.', session.alias, time(result.tokenExpiresAt)));
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
