/**
 * Opens a session's console in a browser profile of its own (awsSessions.console.browser = isolated): the
 * browser the SAML sign-in finds (Chrome, Chromium or Edge; awsSessions.samlBrowserPath), started detached with
 * `--user-data-dir=<the session's folder>` and the file: URL of a one-use redirect page (core/console/isolated.ts),
 * so the sign-in token never appears on a command line. If that profile's browser already runs, it opens the
 * new window itself and the process started here exits at once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { consoleProfileDir, isolatedBrowserArgs, REDIRECT_PAGE_LIFETIME_MS, removeStalePages, seedProfileColour, writeRedirectPage } from '../core/console/isolated';
import { UserFacingError } from '../core/errors';
import { t } from '../core/l10n';
import type { Logger } from '../core/ports';
import { findBrowser } from './samlBrowser';

export interface IsolatedConsoleOptions {
  storageDir: string;
  browserPath: () => string | undefined;
  /** More browser arguments (tests: headless and remote debugging); read at each launch. */
  extraArgs: () => readonly string[];
  logger: Logger;
  pageLifetimeMs?: number;
}

export interface IsolatedLaunch {
  profileDir: string;
  pid: number | undefined;
  /** Settles once the redirect page is removed. */
  pageRemoved: Promise<void>;
}

export class IsolatedConsoleBrowser {
  constructor(private readonly options: IsolatedConsoleOptions) {}

  /** Opens `url` (a sign-in URL: never logged) in the session's own profile. */
  async open(session: { id: string; alias: string }, url: string): Promise<IsolatedLaunch> {
    const executable = findBrowser(this.options.browserPath());
    if (!executable || !existsSync(executable)) {
      throw new UserFacingError(
        executable ? t('The browser {0} (awsSessions.samlBrowserPath) does not exist.', executable) : t('No Chrome, Chromium or Edge was found for a console of its own.'),
        t('Install one or set awsSessions.samlBrowserPath, or set awsSessions.console.browser to "default".'),
      );
    }
    const profileDir = consoleProfileDir(this.options.storageDir, session.id);
    await seedProfileColour(profileDir, session.id);
    const lifetime = this.options.pageLifetimeMs ?? REDIRECT_PAGE_LIFETIME_MS;
    await removeStalePages(profileDir, Date.now(), lifetime);
    const title = t('AWS: {0}', session.alias);
    const page = await writeRedirectPage(profileDir, url, title);
    const args = isolatedBrowserArgs(profileDir, page, title, this.options.extraArgs());
    const child = spawn(executable, args, { detached: true, stdio: 'ignore' });
    const started = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) => reject(error));
    });
    try {
      await started;
    } catch (error) {
      await unlink(page).catch(() => undefined);
      throw new UserFacingError(t('The browser {0} could not be started ({1}).', executable, error instanceof Error ? error.message : String(error)), t('Check awsSessions.samlBrowserPath, or set awsSessions.console.browser to "default".'));
    }
    child.unref();
    this.options.logger.info(`Session "${session.alias}": console opened in its own browser profile (${profileDir}, pid ${child.pid ?? '?'}).`);
    // One timer per launch, not kept alive for it: the page has done its work once the browser loaded it.
    const pageRemoved = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void unlink(page).catch(() => undefined).then(() => resolve()), lifetime);
      timer.unref();
    });
    return { profileDir, pid: child.pid, pageRemoved };
  }
}
