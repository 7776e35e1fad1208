/**
 * The guard before long commands: which command lines are long-running deployments (the
 * awsSessions.guard.longCommands patterns), and what to do when one starts in a terminal — refresh the
 * profile's credentials when they expire too soon, and warn when the profile's account is not one the
 * workspace folder expects (awsSessions.terminal.expectedAccountIds). Plain data in, decisions out; the
 * editor wiring (terminal events, notifications) is src/commandGuard.ts.
 */
import { t } from './l10n';
import type { ActiveSession, PersistedState, Session } from './model';
import { profileOf } from './sessionLookup';
import { sessionType } from './sessions/registry';

/** `terraform apply|destroy`: words in order; `a|b` accepts either word at that place. */
export const DEFAULT_LONG_COMMANDS: readonly string[] = [
  // l10n-ignore: command patterns (data matched against command lines), not words
  'terraform apply|destroy', 'cdk deploy|destroy', 'sam deploy', 'pulumi up|destroy', 'serverless deploy', 'aws cloudformation deploy',
];
export const DEFAULT_GUARD_MINIMUM_MINUTES = 30;

/** Shell words that open a group or a clause before a command (`{ terraform apply; }`, `if …; then terraform apply`). */
const SHELL_KEYWORDS = new Set(['{', '}', '!', 'then', 'do', 'else', 'elif', 'if', 'while', 'until']);
/** Commands that only run what follows them (their own options are skipped too). */
const WRAPPERS = new Set(['sudo', 'time', 'env', 'exec', 'nohup', 'command', 'npx', 'pnpx', 'bunx', 'nice', 'caffeinate']);

export interface CommandMatch {
  /** The pattern that matched, as configured. */
  pattern: string;
  /** A profile the command line names itself (`AWS_PROFILE=x …` or `aws --profile x …`), else undefined. */
  profile?: string;
}

/** One pattern as words, each a set of accepted spellings; undefined for an empty pattern. */
function compile(pattern: string): string[][] | undefined {
  const words = pattern
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.split('|').filter(Boolean));
  return words.length > 0 && words.every((w) => w.length > 0) ? words : undefined;
}

/**
 * The simple commands of a command line: split at `;`, `&`, `|`, newlines and parentheses outside quotes,
 * each into words with quotes removed. Good enough for recognising a command; never executed.
 */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/[;&|\n()`]/.test(c)) {
      endCommand();
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** `terraform`, also written `/usr/local/bin/terraform`, `./node_modules/.bin/cdk` or `terraform.exe`. */
function programName(word: string): string {
  return (word.split(/[\\/]/).pop() ?? word).replace(/\.(exe|cmd|bat)$/i, '').toLowerCase();
}

/** Whether the words after the program name contain the pattern's words in order (options and their values between). */
function followsPattern(args: readonly string[], rest: readonly string[][]): boolean {
  let at = 0;
  for (const accepted of rest) {
    let found = false;
    while (at < args.length) {
      const word = args[at++];
      if (accepted.includes(word.toLowerCase())) {
        found = true;
        break;
      }
      if (word.startsWith('-')) continue;
      // A word right after an option without `=` may be its value (`--profile prod`); anything else is another subcommand.
      const previous = args[at - 2];
      if (previous?.startsWith('-') && !previous.includes('=')) continue;
      return false;
    }
    if (!found) return false;
  }
  return true;
}

/** The first pattern a command line runs, with the profile it names itself; undefined when none. */
export function matchLongCommand(commandLine: string, patterns: readonly string[]): CommandMatch | undefined {
  const compiled = patterns.map((p) => ({ pattern: p, words: compile(p) })).filter((p): p is { pattern: string; words: string[][] } => !!p.words);
  for (const words of simpleCommands(commandLine)) {
    let i = 0;
    let profile: string | undefined;
    for (; i < words.length; i++) {
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(words[i]);
      if (assignment) {
        if (assignment[1] === 'AWS_PROFILE') profile = assignment[2];
        continue;
      }
      if (SHELL_KEYWORDS.has(words[i]) || WRAPPERS.has(programName(words[i])) || (i > 0 && words[i].startsWith('-') && WRAPPERS.has(programName(words[i - 1])))) continue;
      break;
    }
    if (i >= words.length) continue;
    const program = programName(words[i]);
    const args = words.slice(i + 1);
    const profileFlag = args.findIndex((a) => a === '--profile' || a.startsWith('--profile='));
    if (profileFlag >= 0) profile = args[profileFlag].includes('=') ? args[profileFlag].slice('--profile='.length) : (args[profileFlag + 1] ?? profile);
    for (const { pattern, words: [first, ...rest] } of compiled) {
      if (first.includes(program) && followsPattern(args, rest)) return { pattern, profile };
    }
  }
  return undefined;
}

/** The session whose credentials a named profile holds now (active or expired, not failed). */
export function sessionOfProfile(state: PersistedState, profileName: string): { session: Session; active: ActiveSession } | undefined {
  for (const session of state.sessions) {
    const active = state.active[session.id];
    if (active && (active.status === 'active' || active.status === 'expired') && profileOf(state, session).name === profileName) return { session, active };
  }
  return undefined;
}

/** The AWS account a session's credentials belong to, when the session says (an IAM User without an MFA ARN does not). */
export function accountOf(state: PersistedState, session: Session): string | undefined {
  return sessionType(session.kind).describe?.(session, state).accountId;
}

export interface AccountCheck {
  /** ok: in the list (or no list, or no active session); wrong: another account; unknown: the session does not say. */
  verdict: 'ok' | 'wrong' | 'unknown';
  profile: string;
  alias?: string;
  accountId?: string;
  expected: readonly string[];
}

/** Whether a profile's active session is in one of the expected accounts (an empty list expects nothing). */
export function checkAccount(state: PersistedState, profileName: string, expected: readonly string[]): AccountCheck {
  const found = expected.length > 0 ? sessionOfProfile(state, profileName) : undefined;
  if (!found) return { verdict: 'ok', profile: profileName, expected };
  const accountId = accountOf(state, found.session);
  const verdict = !accountId ? 'unknown' : expected.includes(accountId) ? 'ok' : 'wrong';
  return { verdict, profile: profileName, alias: found.session.alias, accountId, expected };
}

/** The reason in words, naming both accounts (for the status bar and the modal warning). */
export function describeAccountCheck(check: AccountCheck, folderName: string): string {
  const expected = check.expected.join(', ');
  return check.verdict === 'wrong'
    ? t('Folder "{0}" expects AWS account {1}, but its terminal profile "{2}" holds session "{3}" in account {4}.', folderName, expected, check.profile, check.alias, check.accountId)
    : t('Folder "{0}" expects AWS account {1}, but the account of session "{2}" (profile "{3}") is not known to AWS Sessions (an IAM User session without an MFA device ARN).', folderName, expected, check.alias, check.profile);
}

export type GuardDecision =
  | { action: 'none'; reason: string }
  | { action: 'refresh'; sessionId: string; alias: string; minutesLeft: number }
  | { action: 'cannot'; reason: string };

/**
 * What to do when a long command starts in a terminal on `profileName`: nothing when its credentials last
 * long enough or a tool fetches its own (credential_process), a refresh when they expire within
 * `minimumMinutes`, else why not.
 */
export function guardDecision(input: {
  state: PersistedState;
  profileName: string;
  nowMs: number;
  minimumMinutes: number;
  /** The session's effective delivery mode (its own, else the setting). */
  deliveryModeOf: (session: Session) => string;
}): GuardDecision {
  const { state, profileName, nowMs, minimumMinutes } = input;
  const found = sessionOfProfile(state, profileName);
  if (!found) {
    const failed = state.sessions.find((s) => state.active[s.id]?.status === 'error' && profileOf(state, s).name === profileName);
    const error = failed && state.active[failed.id]?.error;
    return {
      action: 'cannot',
      reason: !failed
        ? t('no session of AWS Sessions is active for profile "{0}". Start one for it before the command needs AWS.', profileName)
        : error !== undefined
          ? t('profile "{0}" has no credentials: session "{1}" failed to start ({2}). Start it again.', profileName, failed.alias, error)
          : t('profile "{0}" has no credentials: session "{1}" failed to start (see the log). Start it again.', profileName, failed.alias),
    };
  }
  const { session, active } = found;
  // l10n-ignore: a 'none' reason is only logged (the log stays English), never shown
  if (input.deliveryModeOf(session) === 'credentialProcess') return { action: 'none', reason: `session "${session.alias}" uses credential_process: the command asks for fresh credentials itself` };
  const expiry = active.expiration ? Date.parse(active.expiration) : NaN;
  const minutesLeft = Number.isNaN(expiry) ? 0 : Math.max(0, Math.floor((expiry - nowMs) / 60_000));
  // l10n-ignore: a 'none' reason is only logged (the log stays English), never shown
  if (minutesLeft >= minimumMinutes) return { action: 'none', reason: `session "${session.alias}" has ${minutesLeft} minutes left` };
  return { action: 'refresh', sessionId: session.id, alias: session.alias, minutesLeft };
}

/** The patterns a setting value gives: strings only, blanks dropped; not an array → the defaults. */
export function longCommandPatterns(setting: unknown): string[] {
  return Array.isArray(setting) ? setting.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [...DEFAULT_LONG_COMMANDS];
}

/** Account ids from a setting value: 12-digit strings only. */
export function expectedAccounts(setting: unknown): string[] {
  return Array.isArray(setting) ? setting.filter((a): a is string => typeof a === 'string' && /^\d{12}$/.test(a.trim())).map((a) => a.trim()) : [];
}

/**
 * The accounts a folder expects of `profile`: the folder's setting (any profile) and what its declared-sessions file
 * (`expectedAccountIds`, per profile) says, together.
 */
export function expectedAccountsFor(setting: unknown, profile: string, declared: Readonly<Record<string, readonly string[]>> = {}): string[] {
  return [...new Set([...expectedAccounts(setting), ...expectedAccounts(declared[profile])])];
}
