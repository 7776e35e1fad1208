/**
 * MFA codes from a YubiKey's OATH application through Yubico's `ykman` (YubiKey Manager CLI):
 * `ykman oath accounts list` finds the account of a session's MFA device, `ykman oath accounts code
 * --single <name>` reads its code (the key blinks and ykman says "Touch your YubiKey" when the account
 * needs a touch). Plain TypeScript with an injectable runner; a code never reaches a log.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { CancelledError } from './errors';
import { t } from './l10n';
import { lookupExecutable, refusedProgramsText } from './pathLookup';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; `onStderr` sees its error output as it comes; the signal kills it. */
export type Runner = (file: string, args: readonly string[], options: { env?: Readonly<Record<string, string | undefined>>; signal?: AbortSignal; onStderr?: (text: string) => void }) => Promise<RunResult>;

/** What went wrong with the YubiKey, in words (no key, no such account, ykman missing, a password…). */
export class YubiKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YubiKeyError';
  }
}

const notFound = (refused = '') =>
  new YubiKeyError([t('ykman (YubiKey Manager) was not found. Install it (https://developers.yubico.com/yubikey-manager/) and make sure it is on PATH.'), refused].filter(Boolean).join(' '));

export const runProgram: Runner = (file, args, { env, signal, onStderr }) =>
  new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = execFile(file, [...args], { env: env ? { ...env } : undefined, signal, timeout: 120_000, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(notFound());
        if (error?.name === 'AbortError') return reject(new CancelledError(t('Reading the YubiKey')));
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    } catch (error) {
      return reject(error);
    }
    // Nothing to read: ykman asking for the OATH password gets an end of input and stops, instead of waiting
    // for an answer nobody can give until the timeout.
    child.stdin?.end();
    child.stderr?.on('data', (chunk: string | Buffer) => onStderr?.(String(chunk)));
  });

/** The account of `names` that answers for the MFA device: the name the user set, else one naming the device. */
export function matchAccount(names: readonly string[], mfaSerial: string, oathAccount?: string): string | undefined {
  if (oathAccount) return names.find((n) => n === oathAccount) ?? names.find((n) => n.toLowerCase() === oathAccount.toLowerCase());
  const exact = names.find((n) => n === mfaSerial || n.endsWith(`:${mfaSerial}`));
  if (exact) return exact;
  // A virtual MFA device added from AWS's QR code: "Amazon Web Services:<device name>@<account id>".
  const arn = /^arn:[\w-]+:iam::(\d{12}):mfa\/(?:.*\/)?([^/]+)$/.exec(mfaSerial);
  if (!arn) return undefined;
  const label = `${arn[2]}@${arn[1]}`.toLowerCase();
  const matches = names.filter((n) => n.toLowerCase() === label || n.toLowerCase().endsWith(`:${label}`));
  return matches.length === 1 ? matches[0] : undefined;
}

/** ykman's error output as one sentence that says what to do. */
function problemOf(stderr: string, account: string): YubiKeyError {
  const text = stderr.replace(/^ERROR:\s*/im, '').trim();
  if (/no yubikey/i.test(text)) return new YubiKeyError(t('No YubiKey was found. Insert your YubiKey and try again.'));
  if (/no matching account/i.test(text)) return new YubiKeyError(t('Your YubiKey has no OATH account "{0}". Check the session\'s YubiKey OATH account (ykman oath accounts list shows the names).', account));
  if (/multiple matches/i.test(text)) return new YubiKeyError(t('More than one OATH account on your YubiKey matches "{0}". Set the full account name as the session\'s YubiKey OATH account.', account));
  if (/password/i.test(text)) return new YubiKeyError(t('The OATH application of your YubiKey is protected by a password. Let ykman remember it (ykman oath access remember) and try again.'));
  if (/touch/i.test(text) && /timed? ?out/i.test(text)) return new YubiKeyError(t('The YubiKey was not touched in time. Try again and touch it when it blinks.'));
  return new YubiKeyError(t('ykman could not read the code: {0}', text.split('\n').pop() || t('it ended without a reason')));
}

export interface YubiKeyDeps {
  env: Readonly<Record<string, string | undefined>>;
  run?: Runner;
  /** The program; default `ykman`. */
  program?: string;
}

export class YubiKeyOath {
  private readonly run: Runner;
  private readonly program: string;

  constructor(private readonly deps: YubiKeyDeps) {
    this.run = deps.run ?? runProgram;
    this.program = deps.program ?? 'ykman';
  }

  /** Whether ykman is on PATH (checked without starting it). */
  installed(): boolean {
    return this.executable() !== undefined;
  }

  /** Why a ykman on PATH is not used (another user could have put it there), in words; '' when none was passed over. */
  refusedText(): string {
    const lookup = lookupExecutable(this.program, this.deps.env);
    return lookup.path ? '' : refusedProgramsText(lookup.refused);
  }

  /** ykman's path on the PATH of `env` (the editor's, not whatever PATH the child would search); none another user could have planted. */
  private executable(): string | undefined {
    return lookupExecutable(this.program, this.deps.env).path;
  }

  /**
   * The OATH account that answers for the MFA device, or undefined when ykman is missing, no key is
   * inserted, the key is locked, or no account matches: then the prompt simply offers no YubiKey.
   */
  async accountFor(mfaSerial: string, oathAccount?: string, signal?: AbortSignal): Promise<string | undefined> {
    const exe = this.executable();
    if (!exe) return undefined;
    try {
      const listed = await this.run(exe, ['oath', 'accounts', 'list'], { env: this.deps.env, signal });
      if (listed.code !== 0) return undefined;
      return matchAccount(listed.stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean), mfaSerial, oathAccount);
    } catch {
      return undefined;
    }
  }

  /** The current code of `account`; `onTouch` is called when the key waits for a touch. Throws YubiKeyError or CancelledError. */
  async code(account: string, options: { signal?: AbortSignal; onTouch?: () => void } = {}): Promise<string> {
    let touched = false;
    // Never the bare name: the child's own PATH search would take the ykman refused here.
    const exe = this.executable();
    if (!exe) throw notFound(this.refusedText());
    const result = await this.run(exe, ['oath', 'accounts', 'code', '--single', '--', account], {
      env: this.deps.env,
      signal: options.signal,
      onStderr: (text) => {
        if (!touched && /touch/i.test(text)) {
          touched = true;
          options.onTouch?.();
        }
      },
    });
    if (options.signal?.aborted) throw new CancelledError(t('Reading the YubiKey'));
    if (result.code !== 0) throw problemOf(result.stderr, account);
    const code = result.stdout.trim();
    if (!/^\d{6}$/.test(code)) throw new YubiKeyError(t('ykman printed no 6-digit code for "{0}" (is it a TOTP account with 6 digits?).', account));
    return code;
  }
}
