/**
 * `aws-sessions exec`: the command runs as a child with the session's variables in its environment only
 * (never in its arguments), stdin/stdout/stderr shared, signals passed on, and its exit code (or 128 + the
 * signal that ended it) as ours.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { UsageError } from './args';
import { Exit } from './call';
import { EXIT } from './exitCodes';
import { t } from '../core/l10n';
import { lazy, nodeChildProcess } from '../core/lazy';

const nodeTty = lazy(() => require('node:tty') as typeof import('node:tty'));

/**
 * Loads what {@link runCommand} needs. The lean entry calls it while the editor prepares its answer (another
 * process), so that the child starts as soon as the answer is in instead of after these modules load.
 */
export function prepareCommand(): void {
  nodeChildProcess();
  nodeTty();
}

export interface ExecArgs {
  session?: string;
  command: string[];
  profileOnly: boolean;
  endpoint: boolean;
  help: boolean;
}

/**
 * `exec [--profile-only|--endpoint] <session> [--] <command…>`: our flags only before the command; everything
 * from the command on (after `--`, or from the first word after the session) is the command's, untouched.
 */
export function parseExecArgs(argv: readonly string[]): ExecArgs {
  const out: ExecArgs = { command: [], profileOnly: false, endpoint: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.command = argv.slice(i + 1);
      break;
    }
    if (out.session !== undefined && !a.startsWith('-')) {
      out.command = argv.slice(i);
      break;
    }
    if (a === '--profile-only') out.profileOnly = true;
    else if (a === '--endpoint') out.endpoint = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a.startsWith('-')) throw new UsageError(t('unknown option {0} for "aws-sessions exec" (put the command after --; see: aws-sessions exec --help)', a));
    else out.session = a;
  }
  if (out.profileOnly && out.endpoint) throw new UsageError(t('--profile-only and --endpoint exclude each other'));
  return out;
}

/** What `exec` needs from its surroundings: the editor's `environment` reply, our environment, a way to run the command. */
export interface ExecDeps {
  environment(session: string, delivery: 'credentials' | 'profile' | 'endpoint'): Promise<{ variables: Record<string, string>; clear: readonly string[] }>;
  env: Readonly<Record<string, string | undefined>>;
  exec?(command: readonly string[], env: Record<string, string | undefined>): Promise<number>;
}

/** What `exec` runs: the command, the session's variables and the credential variables to remove first. */
export interface ExecPlan {
  command: readonly string[];
  variables: Readonly<Record<string, string>>;
  clear: readonly string[];
}

/**
 * The one place the environment of `exec` is decided, whichever way the command is then started: the arguments
 * checked, the editor asked for the session's variables (credentials, profile or endpoint, and the region).
 */
export async function planExec(args: ExecArgs, environment: ExecDeps['environment']): Promise<ExecPlan> {
  const session = sessionOf(args);
  const delivery = args.profileOnly ? 'profile' : args.endpoint ? 'endpoint' : 'credentials';
  const { variables, clear } = await environment(session, delivery);
  return { command: args.command, variables, clear };
}

/** The session named, once the arguments have a session and a command. */
function sessionOf(args: ExecArgs): string {
  if (!args.session) throw new UsageError(t('missing session'));
  if (args.command.length === 0) throw new UsageError(t('missing command (aws-sessions exec <session> -- <command>)'));
  return args.session;
}

/** The plan's variables over `env` without the credential variables the editor names. */
export function commandEnvironment(plan: ExecPlan, env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of plan.clear) delete out[name];
  return { ...out, ...plan.variables };
}

/**
 * `exec` once its arguments are parsed (and it is not `--help`): the session's variables over our environment
 * without the credential variables the editor names, then the command as our child. Resolves with the command's
 * exit code. The full CLI and the lean entry (dist/exec.js) run this where no shell takes the command over.
 */
export async function execSession(args: ExecArgs, deps: ExecDeps): Promise<number> {
  sessionOf(args);
  if (!deps.exec) throw new Exit(EXIT.unsupported, t('exec is not available here'));
  const plan = await planExec(args, deps.environment);
  return deps.exec(plan.command, commandEnvironment(plan, deps.env));
}

/**
 * The arguments of `aws-sessions exec …` when this command line is one the lean entry runs as is: `exec` first,
 * arguments that parse, a session and a command, no `--help`. Anything else (help, usage errors): undefined, and
 * the full CLI answers it.
 */
export function runnableExec(argv: readonly string[]): ExecArgs | undefined {
  if (argv[0] !== 'exec') return undefined;
  try {
    const args = parseExecArgs(argv.slice(1));
    return !args.help && args.session !== undefined && args.command.length > 0 ? args : undefined;
  } catch {
    return undefined;
  }
}

/** The signals passed on to the child. SIGINT/SIGQUIT from a terminal reach the whole process group already. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Runs the command; resolves with the exit code to use. */
export function runCommand(command: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    // Not process.stdin.isTTY: that makes a stream for descriptor 0, start-up time the command does not need.
    const interactive = nodeTty().isatty(0);
    // Listening before the spawn: a signal that comes while the child starts is passed on, not fatal to us alone.
    let child: ChildProcess | undefined;
    const pending: NodeJS.Signals[] = [];
    const handlers = FORWARDED.map((signal) => {
      const handler = () => {
        // A Ctrl+C or Ctrl+\ in a terminal was sent to the child too: passing it on would deliver it twice.
        if (interactive && (signal === 'SIGINT' || signal === 'SIGQUIT')) return;
        if (child) child.kill(signal);
        else pending.push(signal);
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    let finished = false;
    const done = (code: number) => {
      if (finished) return;
      finished = true;
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(code);
    };
    child = nodeChildProcess().spawn(command[0], command.slice(1), { stdio: 'inherit', env });
    for (const signal of pending.splice(0)) child.kill(signal);
    child.on('error', (error: NodeJS.ErrnoException) => {
      const message = error.code === 'ENOENT' ? t('aws-sessions: could not run "{0}": command not found', command[0]) : t('aws-sessions: could not run "{0}": {1}', command[0], error.message);
      process.stderr.write(`${message}\n`);
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}
