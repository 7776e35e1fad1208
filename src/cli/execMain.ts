/**
 * Entry of dist/exec.js: `aws-sessions exec <session> [--] <command…>`, loaded by the shim instead of the whole
 * CLI (help texts, every command, the reply schemas) so that exec costs little more than the command it runs.
 * The same code as the full CLI's `exec` (exec.ts). Under a POSIX sh shim (its first argument is EXEC_SHELL_ARG) the
 * shell becomes the command (execShell.ts); under the JavaScript or .cmd shim the command runs as our child.
 * A command line it does not run as is (help, a usage error) is handed to the full CLI, unchanged, which answers
 * it: the sh shim runs the full CLI itself when this prints nothing and succeeds.
 */
import { join } from 'node:path';
import { EXEC_SHELL_ARG } from '../core/constants';
import type { SessionEnvironment } from '../core/ipc/methods';
import { reportCommandFailure, request } from './call';
import { execSession, prepareCommand, runCommand, runnableExec, type ExecDeps } from './exec';
import { printShellHandOver } from './execShell';
import { useLocaleOf } from './locale';

const viaShell = process.argv[2] === EXEC_SHELL_ARG;
const argv = process.argv.slice(viaShell ? 3 : 2);
const args = runnableExec(argv);
// Unchecked, as `generate` prints its reply: the protocol version check of the call stands for the schema.
const environment: ExecDeps['environment'] = async (session, delivery) => {
  const reply = request('environment', { session, delivery });
  // The request is on its way (the hello goes out as the connection opens): load what starting the command
  // needs while the editor answers, rather than after.
  if (!viaShell) setImmediate(prepareCommand);
  return (await reply) as SessionEnvironment;
};
if (args) {
  useLocaleOf(process.env);
  const done = viaShell ? printShellHandOver(args, argv.length, environment, process.env) : execSession(args, { environment, env: process.env, exec: runCommand });
  // Everything is written (synchronously) or the command has ended: exit now, without the orderly teardown of the
  // heap and handles that the sh shim (waiting for our end before it becomes the command) or the caller would wait for.
  done.then((code) => process.exit(code), reportCommandFailure);
} else if (!viaShell) {
  require(join(__dirname, 'cli.js'));
}
