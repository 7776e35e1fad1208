/**
 * The SAML sign-in window: a Chrome, Chromium or Edge already installed (found on the usual paths, or the
 * awsSessions.samlBrowserPath setting), driven over the DevTools protocol on a pipe (./cdp), with a
 * persistent profile folder of the extension's own, so IdP cookies survive and a rotation usually
 * completes without a login. The POST of the SAMLResponse to the AWS sign-in URL is intercepted in the
 * browser (Fetch) and never reaches AWS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, UserFacingError } from '../core/errors';
import { t } from '../core/l10n';
import type { Logger } from '../core/ports';
import type { SamlCapture, SamlCaptureRequest } from '../core/saml/capture';
import { Chromium } from './cdp/chromium';
import { CdpClosedError } from './cdp/pipe';
import { interceptSignIn } from './cdp/signInInterception';

/** Where Chrome, Chromium and Edge usually live, per platform. */
export function browserCandidates(platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    // l10n-ignore: application names in paths
    return ['Google Chrome', 'Chromium', 'Microsoft Edge'].map((name) => `/Applications/${name}.app/Contents/MacOS/${name}`);
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((root) => [join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'), join(root, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable'];
}

export function findBrowser(configured: string | undefined): string | undefined {
  if (configured) return configured;
  return browserCandidates().find((path) => existsSync(path));
}

export interface BrowserSamlCaptureOptions {
  profileDir: string;
  browserPath: () => string | undefined;
  /** Read at each sign-in (tests override them through the environment). */
  signInUrls: () => readonly string[];
  /** Never show a window (tests on machines without a display); read at each sign-in. */
  headless: () => boolean;
  /** When no browser can be used: ask the user to paste a SAMLResponse (undefined = cancelled). */
  askPaste(request: SamlCaptureRequest, reason: string): Promise<string | undefined>;
  /** Wraps a sign-in in cancellable progress; the signal aborts it. */
  withProgress<T>(title: string, run: (signal: AbortSignal) => Promise<T>): Promise<T>;
  logger: Logger;
  interactiveTimeoutMs?: number;
  backgroundTimeoutMs?: number;
}

const donePage = (): string => `<!DOCTYPE html><title>${t('AWS Sessions')}</title><p>${t('AWS Sessions received your sign-in. You can close this window.')}</p>`;

export class BrowserSamlCapture implements SamlCapture {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly options: BrowserSamlCaptureOptions) {}

  get signInUrls(): readonly string[] {
    return this.options.signInUrls();
  }

  /** One sign-in at a time: they share the browser profile folder. */
  capture(request: SamlCaptureRequest): Promise<string> {
    const run = this.queue.then(() => this.captureNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async captureNow(request: SamlCaptureRequest): Promise<string> {
    const executablePath = findBrowser(this.options.browserPath());
    if (!executablePath || !existsSync(executablePath)) {
      return this.paste(request, executablePath ? t('the browser {0} (awsSessions.samlBrowserPath) does not exist', executablePath) : t('no Chrome, Chromium or Edge was found (set awsSessions.samlBrowserPath)'));
    }
    const title = t('AWS Sessions: signing in to "{0}" in the browser window…', request.sessionAlias);
    try {
      return await this.options.withProgress(title, async (signal) => {
        if (request.background || this.options.headless()) {
          try {
            return await this.viaBrowser(executablePath, request, true, this.options.backgroundTimeoutMs ?? 20_000, signal);
          } catch (error) {
            if (this.options.headless() || error instanceof CancelledError) throw error;
            this.options.logger.info(`Session "${request.sessionAlias}": no sign-in without a window (${error instanceof Error ? error.message : error}); opening one.`);
          }
        }
        return this.viaBrowser(executablePath, request, false, this.options.interactiveTimeoutMs ?? 300_000, signal);
      });
    } catch (error) {
      if (error instanceof CancelledError || error instanceof UserFacingError) throw error;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      this.options.logger.warn(`Session "${request.sessionAlias}": the browser sign-in failed: ${reason}`);
      return this.paste(request, t('the browser could not be used ({0})', reason));
    }
  }

  private async paste(request: SamlCaptureRequest, reason: string): Promise<string> {
    const value = await this.options.askPaste(request, reason);
    if (!value) throw new CancelledError(t('The SAML sign-in for "{0}"', request.sessionAlias));
    return value.trim();
  }

  private async viaBrowser(executablePath: string, request: SamlCaptureRequest, headless: boolean, timeoutMs: number, signal: AbortSignal): Promise<string> {
    const logger = this.options.logger;
    const browser = await Chromium.launch({
      executablePath,
      profileDir: this.options.profileDir,
      headless,
      isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
      onLog: (problem) => logger.warn(`SAML sign-in: DevTools protocol: ${problem}`),
    });
    const closed = () => new CancelledError(t('The SAML sign-in for "{0}" (browser window closed)', request.sessionAlias));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(t('no SAMLResponse within {0} s', Math.round(timeoutMs / 1000)))), timeoutMs);
        onAbort = () => reject(new CancelledError(t('The SAML sign-in for "{0}"', request.sessionAlias)));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        void browser.whenExited().then(() => reject(closed()));
      });
      const posted = interceptSignIn(browser.cdp, { signInUrls: this.options.signInUrls(), idpUrl: request.idpUrl, donePage: donePage(), onLog: (line) => logger.debug(line) });
      return await Promise.race([posted, stop]).catch((error: unknown) => {
        // Whatever failed once the browser is gone failed because it went (the user closed it).
        throw error instanceof CdpClosedError || browser.cdp.closed ? closed() : error;
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      await browser.close();
    }
  }
}
