/**
 * One call to the running editor, as every CLI command makes it: finds the IPC folder, sends the request
 * and turns the editor's error codes and an absent editor into documented exit codes.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ENV_CLI_TIMEOUT, ENV_IPC_DIR, EXTENSION_ID, StorageFiles } from '../core/constants';
import { callEditor, IpcClientError } from '../core/ipc/client';
import { ipcPaths, type IpcPaths } from '../core/ipc/paths';
import type { ErrorCode } from '../core/ipc/protocol';
import type { Method, Params } from '../core/ipc/methods';
import { UsageError } from './args';
import { EXIT } from './exitCodes';
import { writeOut } from './io';

const CODE_EXIT: Record<ErrorCode, number> = {
  badRequest: EXIT.usage,
  unauthorized: EXIT.noEditor,
  notFound: EXIT.notFound,
  cancelled: EXIT.cancelled,
  timeout: EXIT.timeout,
  failed: EXIT.failed,
  unsupported: EXIT.unsupported,
  conflict: EXIT.failed,
};

export class Exit extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** The IPC folder: from the shim's variable, else the first global storage of a known VS Code flavour holding a token. */
function locateIpc(): IpcPaths {
  const explicit = process.env[ENV_IPC_DIR];
  if (explicit) return ipcPaths(explicit);
  const home = homedir();
  const userDirs =
    process.platform === 'darwin'
      ? ['Code', 'Code - Insiders', 'VSCodium'].map((n) => join(home, 'Library', 'Application Support', n, 'User'))
      : process.platform === 'win32'
        ? ['Code', 'Code - Insiders', 'VSCodium'].map((n) => join(process.env.APPDATA ?? home, n, 'User'))
        : [
            ...['Code', 'Code - Insiders', 'VSCodium'].map((n) => join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), n, 'User')),
            join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'code-server', 'User'),
          ];
  const candidates = userDirs.map((u) => ipcPaths(join(u, 'globalStorage', EXTENSION_ID, StorageFiles.ipcDir)));
  return candidates.find((c) => existsSync(c.endpoint)) ?? candidates[0];
}

const FAILURE_EXIT = { noServer: EXIT.noEditor, untrusted: EXIT.noEditor, timeout: EXIT.timeout, protocol: EXIT.failed } as const;

/**
 * The result of `method` as the editor sent it (unchecked: `generate` prints it as is and loads no schema;
 * the other commands check it with `parseResult`). `retryAfterSend`: safe to repeat when the serving
 * window went away after the request was sent. `limitMs`: a shorter wait than AWS_SESSIONS_TIMEOUT (shell completion).
 */
export async function request<M extends Method>(method: M, params: Params<M>, retryAfterSend = true, limitMs?: number): Promise<unknown> {
  const timeoutS = Number(process.env[ENV_CLI_TIMEOUT]);
  // One limit for both waits: for the reply (an MFA prompt may be open) and through a hand-over between windows.
  const timeoutMs = limitMs ?? (Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS * 1000 : undefined);
  let reply;
  try {
    reply = await callEditor(locateIpc(), method, params, { replyTimeoutMs: timeoutMs, handOverWaitMs: timeoutMs, retryAfterSend });
  } catch (error) {
    if (error instanceof IpcClientError) throw new Exit(FAILURE_EXIT[error.failure], error.message);
    throw error;
  }
  if (!reply.ok) throw new Exit(CODE_EXIT[reply.code], reply.message);
  return reply.result;
}

/**
 * How every command ends on failure: one `aws-sessions: <reason>` on stderr (a multi-line reason folded
 * into one line unless `keepLines`) and the exit code the error carries, else `fallbackCode`.
 */
export function reportFailure(error: unknown, fallbackCode: number, keepLines = false): void {
  const message = error instanceof Error ? error.message : String(error);
  writeOut(2, `aws-sessions: ${message.replace(/\s*\n\s*/g, keepLines ? '\n' : ' ')}\n`);
  process.exitCode = error instanceof Exit ? error.code : fallbackCode;
}

/** How a command line ends on failure: a usage error exits 2 and keeps its lines (it may list choices), anything else as {@link reportFailure} says. */
export function reportCommandFailure(error: unknown): void {
  reportFailure(error, error instanceof UsageError ? EXIT.usage : EXIT.failed, error instanceof UsageError);
}
