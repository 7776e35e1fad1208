/**
 * What a subcommand of `aws-sessions` is (one entry of the table in commands.ts) and what it may do,
 * with the small helpers every entry uses.
 */
import type { Method, Params, Result } from '../core/ipc/methods';
import { t } from '../core/l10n';
import { parseOptions, UsageError, type OptionsSpec } from './args';
import type { CompletionSpec } from './completion';

/** What a subcommand may do: call the editor, print, ask. `main.ts` wires the real ones, tests fakes. */
export interface CliContext {
  call<M extends Method>(method: M, params: Params<M>, options?: { retryAfterSend?: boolean; timeoutMs?: number }): Promise<Result<M>>;
  /** A line (or lines) on stdout. */
  out(text: string): void;
  /** A line on stderr, prefixed `aws-sessions: `. */
  warn(text: string): void;
  confirm(question: string): Promise<boolean>;
  readSecrets(labels: readonly string[]): Promise<string[]>;
  env: Readonly<Record<string, string | undefined>>;
  /** Runs a command with this environment, sharing stdio and passing signals on; resolves with its exit code. */
  exec?(command: readonly string[], env: Record<string, string | undefined>): Promise<number>;
  /** The exit code of this run (exec: the command's). */
  setExitCode?(code: number): void;
}

type Parsed<O extends OptionsSpec> = ReturnType<typeof parseOptions<O>>;

export interface Subcommand<O extends OptionsSpec = OptionsSpec> {
  name: string;
  /** How the overview shows it: `start <session>`. */
  synopsis: string;
  summary: string;
  help: string;
  /** A paragraph several subcommands share, shown after `help` (l10nText). */
  extraHelp?: string;
  options: O;
  /** What shell completion offers for its arguments and option values (completion.ts). */
  complete?: CompletionSpec;
  /** Left out of the overview help (the completion helper). */
  hidden?: boolean;
  /** false: options not in `options` are passed on to `run` in `argv` (add: the fields of the chosen type). */
  strict?: boolean;
  /** Named first, its run gets every word after its name untouched, with no option parsing before (exec: the command's words are the command's, its --version too). */
  rawArgs?: boolean;
  run(args: Parsed<O> & { argv: readonly string[] }, ctx: CliContext): Promise<void>;
}

export const command = <const O extends OptionsSpec>(c: Subcommand<O>): Subcommand<O> => c;

export function need(positionals: readonly string[], index: number, what: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(t('missing {0}', what));
  return value;
}

export const json = { json: { type: 'boolean' } } as const;
