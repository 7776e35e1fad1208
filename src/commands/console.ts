/** "Open AWS Console" and "Copy Console URL" for any session. */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import type { Session } from '../core/model';
import type { StateStore } from '../core/ports';
import type { ConsoleLink, ConsoleSignIn } from '../core/console/consoleSignIn';
import type { ConsoleOpener } from '../core/ipc/handlers';
import type { IsolatedConsoleBrowser } from '../platform/consoleBrowser';
import { inform, warn, type Report } from './report';
import { sessionHandler } from './sessionArg';
import type { CommandTable } from './table';

const { t } = vscode.l10n;

export interface ConsoleCommandDeps {
  state: Pick<StateStore, 'read'>;
  signIn: ConsoleSignIn;
  report: Report;
  /** Consoles side by side: each session's in a browser profile of its own. */
  isolatedConsole: IsolatedConsoleBrowser;
  /** The awsSessions.console.browser setting, read at each open. */
  consoleBrowser: () => 'default' | 'isolated';
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
    /** Returns the URL opened (default browser: signs out of the console first, then in; isolated: the login URL), for tests. */
    [Commands.openConsole]: sessionHandler(ctx, t('Open AWS console'), t('Session to open the AWS console with'), async (session) => {
      const result = await link(session, (alias) => t('AWS Sessions: signing in to the AWS console for "{0}"…', alias));
      if (deps.consoleBrowser() === 'isolated') {
        // Its own profile holds only this session's console: no sign-out first.
        await deps.isolatedConsole.open(session, result.url);
        return result.url;
      }
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

/**
 * `aws-sessions console`: a sign-in link made and, unless the CLI asked only to print it, opened from this window;
 * in the session's own browser profile when the CLI asks (`--isolated`) or the setting says so.
 */
export function consoleOpener(signIn: ConsoleSignIn, isolatedConsole: IsolatedConsoleBrowser, consoleBrowser: () => 'default' | 'isolated'): ConsoleOpener {
  return async (sessionId, open, isolated) => {
    const link = await signIn.link(sessionId);
    if (!open) return { url: link.url, opened: false };
    if (isolated || consoleBrowser() === 'isolated') {
      const state = await signIn.session(sessionId);
      await isolatedConsole.open(state, link.url);
      // The URL is in the browser already; the CLI prints it only when nothing opened.
      return { url: link.url, opened: true };
    }
    return { url: link.openUrl, opened: await openConsoleUrl(link.openUrl) };
  };
}
