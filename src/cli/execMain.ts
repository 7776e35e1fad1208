/**
 * Entry of dist/exec.js: `aws-sessions exec <session> [--] <command…>`, loaded by the JavaScript shim instead
 * of the whole CLI (help texts, every command, the reply schemas) so that exec costs little more than the
 * command it runs. The same code as the full CLI's `exec` (exec.ts); a command line it does not run as is
 * (help, a usage error) is handed to the full CLI beside it, unchanged, which answers it.
 */
import { join } from 'node:path';
import type { SessionEnvironment } from '../core/ipc/methods';
import { reportCommandFailure, request } from './call';
import { execSession, runCommand, runnableExec } from './exec';
import { useLocaleOf } from './locale';

const args = runnableExec(process.argv.slice(2));
if (args) {
  useLocaleOf(process.env);
  execSession(args, {
    // Unchecked, as `generate` prints its reply: the protocol version check of the call stands for the schema.
    environment: async (session, delivery) => (await request('environment', { session, delivery })) as SessionEnvironment,
    env: process.env,
    exec: runCommand,
  }).then((code) => void (process.exitCode = code), reportCommandFailure);
} else {
  require(join(__dirname, 'cli.js'));
}
