/**
 * `aws-sessions`: the command line of AWS Sessions. Every command is served by the running VS Code
 * (the window holding the IPC lease) over the authenticated local endpoint; the CLI itself loads
 * no AWS SDK and holds no secret of its own, so `generate` costs one Node start and one round trip.
 * The subcommands are the table in commands.ts; this entry wires them to the editor and the terminal.
 */
import { parseResult } from '../core/ipc/methods';
import { escapeUnsafe } from '../core/text';
import { reportCommandFailure, request } from './call';
import { runCli, type CliContext } from './commands';
import { confirm, readSecrets, writeOut } from './io';
import { useLocaleOf } from './locale';

useLocaleOf(process.env);
import { runCommand } from './exec';

/** Standard output; names from older state may hold characters that reorder or break a terminal line: escaped. */
const out = (text: string): void => void writeOut(1, escapeUnsafe(text.endsWith('\n') ? text : `${text}\n`, '\n'));

const context: CliContext = {
  call: async (method, params, options) => parseResult(method, await request(method, params, options?.retryAfterSend ?? true, options?.timeoutMs)),
  out,
  warn: (text) => void writeOut(2, `aws-sessions: ${escapeUnsafe(text)}\n`),
  confirm,
  readSecrets,
  env: process.env,
  exec: (command, env) => runCommand(command, env),
  setExitCode: (code) => void (process.exitCode = code),
};

runCli(process.argv.slice(2), context).then(() => undefined, reportCommandFailure);
