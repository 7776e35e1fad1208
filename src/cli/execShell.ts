/**
 * `aws-sessions exec` through a POSIX sh shim: no Node process stays to hold the command as its child. Node
 * (dist/exec.js, run by the shim inside `$(…)`) asks the editor for the session's variables and prints them
 * as sh — `unset`/`export NAME='value'`, every value single-quoted, then `shift <n>` and `exec "$@"` — to the
 * shim's pipe; the shim `eval`s that text and so becomes the command. Nothing secret is ever on a command line
 * or in a file: the values pass through the pipe and the shell's memory into the command's environment, where
 * exec puts them anyway; the command's words never pass through `eval` (they stay the shim's own "$@").
 * Signals and the exit code are the command's by construction, and stdin is never read on the way.
 */
import { statSync, writeSync, type Stats } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SHIM_EXEC_VARIABLE } from '../core/constants';
import { t } from '../core/l10n';
import { commandEnvironment, planExec, type ExecArgs, type ExecDeps, type ExecPlan } from './exec';
import { formatExport } from './exportFormat';

/** Exit code of a command that is not found, as sh and the child route give it. */
const NOT_FOUND = 127;

/**
 * The text the shim `eval`s: its own variable unset (so that it never reaches the command's environment), the
 * session's variables, the shim's arguments before the command shifted away, and the shell replaced by the
 * command. `argc`: how many arguments the shim got (`exec` and ours included).
 */
export function shellHandOver(plan: ExecPlan, argc: number): string {
  const assignments = formatExport('sh', plan.variables, plan.clear);
  // l10n-ignore: sh commands, not words
  return `unset ${SHIM_EXEC_VARIABLE}\n${assignments ? `${assignments}\n` : ''}shift ${argc - plan.command.length}\nexec "$@"\n`;
}

/**
 * Whether `name` would not be found, as execvp searches: a name with a slash as it is, else each folder of
 * `searchPath`. Unknown (no PATH): not missing, the shell decides. Only "not found" is told apart here (127 and
 * the message the child route gives); a file found but not runnable is left to the shell's own message (126).
 */
export function commandMissing(name: string, searchPath: string | undefined): boolean {
  if (name === '') return true;
  if (name.includes('/')) return statOf(name) === undefined;
  if (searchPath === undefined) return false;
  return !searchPath.split(delimiter).some((dir) => statOf(join(dir || '.', name))?.isDirectory() === false);
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * dist/exec.js under a sh shim: the session's variables for the shim to `eval`, written to stdout (the shim's
 * pipe) in one piece only when everything succeeded; on any failure nothing is written, the reason goes to
 * stderr and the exit code (the shim exits with it) is the one the child route gives.
 */
export async function printShellHandOver(args: ExecArgs, argc: number, environment: ExecDeps['environment'], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const plan = await planExec(args, environment);
  if (commandMissing(plan.command[0], commandEnvironment(plan, env).PATH)) {
    process.stderr.write(`${t('aws-sessions: could not run "{0}": command not found', plan.command[0])}\n`);
    return NOT_FOUND;
  }
  const text = Buffer.from(shellHandOver(plan, argc));
  for (let at = 0; at < text.length; ) at += writeSync(1, text, at);
  return 0;
}
