/**
 * Starts an installed Chrome, Chromium or Edge with a profile folder of our own and the DevTools protocol
 * on a pipe (fd 3: to the browser, fd 4: from it), and closes it again: Browser.close, then a kill if it
 * has not exited a few seconds later.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ensurePrivateDir } from '../../core/ipc/paths';
import { t } from '../../core/l10n';
import { CdpPipe } from './pipe';

export interface ChromiumLaunch {
  executablePath: string;
  profileDir: string;
  headless: boolean;
  /** Running as root: Chrome refuses to start without --no-sandbox. */
  isRoot: boolean;
  /** Problems of the protocol itself (logged). */
  onLog?: (problem: string) => void;
}

/** How long Browser.close may take before the process is killed. */
const CLOSE_GRACE_MS = 5_000;
/** The end of the browser's stderr kept for a launch error. */
const STDERR_TAIL = 2_000;

/**
 * The command line: the profile folder, the pipe, no first-run or default-browser questions, no
 * popup blocking (IdPs open windows), no keychain prompt for the profile's own passwords, and about:blank
 * as the first page (navigated once the interception is in place).
 */
export function chromiumArgs(options: Pick<ChromiumLaunch, 'profileDir' | 'headless' | 'isRoot'>): string[] {
  return [
    `--user-data-dir=${options.profileDir}`,
    '--remote-debugging-pipe',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-search-engine-choice-screen',
    '--disable-popup-blocking',
    '--disable-component-update',
    '--disable-background-networking',
    '--password-store=basic',
    '--use-mock-keychain',
    ...(options.headless ? ['--headless', '--hide-scrollbars', '--mute-audio'] : []),
    ...(options.isRoot ? ['--no-sandbox'] : []),
    'about:blank',
  ];
}

export class Chromium {
  private exitInfo: string | undefined;
  private gone = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly cdp: CdpPipe,
    private readonly stderrTail: () => string,
  ) {
    this.exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ? t('it was ended by {0}', signal) : t('it exited with code {0}', String(code));
        cdp.close();
        resolve();
      });
      // Not started at all (ENOENT, EACCES): no exit event follows.
      child.once('error', () => {
        this.gone = true;
        cdp.close();
        resolve();
      });
    });
  }

  /** Starts the browser and waits until it answers on the pipe. */
  static async launch(options: ChromiumLaunch): Promise<Chromium> {
    // The profile keeps the IdP's cookies: a folder of ours only, never a link or a folder another user made first.
    ensurePrivateDir(options.profileDir);
    const child = spawn(options.executablePath, chromiumArgs(options), { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], env: process.env });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    const toBrowser = child.stdio[3] as Writable | null;
    const fromBrowser = child.stdio[4] as Readable | null;
    if (!toBrowser || !fromBrowser) {
      child.kill('SIGKILL');
      throw new Error(t('{0} started without the DevTools pipe', options.executablePath));
    }
    const spawnFailed = new Promise<never>((_, reject) => child.once('error', (error) => reject(error)));
    const browser = new Chromium(child, new CdpPipe(toBrowser, fromBrowser, options.onLog), () => stderr.trim());
    try {
      await Promise.race([browser.cdp.send('Browser.getVersion'), spawnFailed]);
    } catch (error) {
      await browser.close();
      const tail = browser.stderrTail().split('\n').slice(-3).join(' ');
      const why = error instanceof Error && 'code' in error ? error.message : (browser.exitInfo ?? t('it did not answer on the DevTools pipe'));
      const message = tail ? t('{0} could not be started: {1}. It wrote: {2}', options.executablePath, why, tail) : t('{0} could not be started: {1}', options.executablePath, why);
      throw new Error(message, { cause: error });
    }
    return browser;
  }

  /** Resolves when the browser process has exited (closed by the user or by close()). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Asks the browser to close, kills it if it has not exited within a few seconds; never rejects. */
  async close(): Promise<void> {
    if (this.gone || this.child.exitCode !== null || this.child.signalCode !== null) return;
    void this.cdp.send('Browser.close').catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, CLOSE_GRACE_MS);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    this.cdp.close();
  }
}
