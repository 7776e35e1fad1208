/**
 * Argument parsing of the `aws-sessions` CLI: `node:util` `parseArgs` per subcommand, its errors in the
 * CLI's words (the option, the subcommand, where to find its help). No other dependency: the CLI must start fast.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { t } from '../core/l10n';

export { EXIT } from './exitCodes';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/** What every subcommand takes besides its own options. */
export const GLOBAL_OPTIONS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } } as const satisfies OptionsSpec;

/** `--name value`, `--name=value`, booleans without a value, `-h`; `--` ends the options. An option not in `options` is a usage error. */
export function parseOptions<const O extends OptionsSpec>(argv: readonly string[], options: O, command: string) {
  try {
    return parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(usageProblem(error, command));
  }
}

/** As parseOptions, but options not in `options` are taken as they come (a boolean, or a value after `=`). */
export function parseLoose(argv: readonly string[], options: OptionsSpec) {
  return parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: false, tokens: true });
}

/** Node's parseArgs error as one line naming the option and where its help is. */
function usageProblem(error: unknown, command: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /'(-{1,2}[^' <=]+)/.exec(message)?.[1] ?? t('an option');
  const help = t('aws-sessions {0} --help', command);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return t('unknown option {0} for "aws-sessions {1}" (see: {2})', option, command, help);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return /does not take an argument/.test(message) ? t('{0} takes no value (see: {1})', option, help) : t('{0} needs a value (see: {1})', option, help);
  return t('{0} (see: {1})', message, help);
}

/** `--mfa-serial` → `mfaSerial`. */
export function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The exit codes in words (the overview help ends with them). */
export const exitHelp = (): string =>
  t('Exit codes:\n  0  success\n  1  the editor reported a failure (AWS refused, login needed, file problem); the reason is on stderr\n  2  usage error (unknown command or option, missing argument, a secret given on the command line)\n  3  no VS Code window with AWS Sessions is running, or its endpoint could not be trusted (nothing was sent)\n  4  no such session or profile\n  5  cancelled: an MFA code or login prompt was dismissed or refused\n  6  timed out waiting for the editor (an open prompt, or a hand-over between windows; AWS_SESSIONS_TIMEOUT, seconds, default 300)\n  7  not supported by this version');
