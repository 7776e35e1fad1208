/**
 * The editor's side of the CLI: the shim at a stable path, and the IPC server, served by exactly one
 * window at a time (the holder of the lease; the others stand by and take over when it goes away).
 */
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { StorageFiles } from '../core/constants';
import { t } from '../core/l10n';
import { ipcPaths, type IpcPaths } from '../core/ipc/paths';
import { IpcServer } from '../core/ipc/server';
import { ServingLease, type ServingStatus } from '../core/ipc/lease';
import { describeIpcError, sessionHandler, type ConsoleOpener, type MoreHandlers } from '../core/ipc/handlers';
import { writeShim, shimFileName } from '../core/shim';
import type { SessionService } from '../core/sessionService';
import type { ProfileService } from '../core/profiles';
import type { Logger } from '../core/ports';

export interface CliHostOptions {
  storageDir: string;
  extensionPath: string;
  service: SessionService;
  profiles: ProfileService;
  logger: Logger;
  openConsole?: ConsoleOpener;
  /** What the editor adds beyond the sessions (the credentials endpoint's variables, access-key rotation). */
  more?: MoreHandlers;
  /** Shows a message to the user (once per problem that keeps this window from serving the CLI). */
  notify?: (message: string) => void;
}

/** Where the CLI lives in global storage: known before the host is built (credential_process deliveries name the shim). */
export function cliLocations(storageDir: string): { binDir: string; shimPath: string } {
  const binDir = join(storageDir, StorageFiles.binDir);
  return { binDir, shimPath: join(binDir, shimFileName()) };
}

export class CliHost implements vscode.Disposable {
  readonly paths: IpcPaths;
  readonly binDir: string;
  readonly shimPath: string;
  private readonly server: IpcServer;
  private readonly lease: ServingLease;

  constructor(private readonly opts: CliHostOptions) {
    this.paths = ipcPaths(join(opts.storageDir, StorageFiles.ipcDir));
    ({ binDir: this.binDir, shimPath: this.shimPath } = cliLocations(opts.storageDir));
    this.server = new IpcServer({ paths: this.paths, handler: sessionHandler(opts.service, opts.profiles, opts.openConsole, { logger: opts.logger, ...opts.more }), describeError: describeIpcError, onLog: (m) => opts.logger.warn(m) });
    this.lease = new ServingLease({
      paths: this.paths,
      onAcquire: () => this.server.listen(),
      onRelease: () => this.server.close(),
      whileServing: () => this.server.check(),
      onLog: (m) => opts.logger.info(m),
      onCannotServe: (problem) => {
        opts.logger.error(`The command line (aws-sessions, credential_process) cannot be served from this window: ${problem.reason} (${problem.path}).`);
        opts.notify?.(t('The command line and credential_process profiles cannot be served: {0} ({1}).', problem.reason, problem.path));
      },
    });
  }

  /** Rewrite the shim for this bundle, then join the election for serving the endpoint. */
  async start(): Promise<void> {
    await writeShim(this.binDir, {
      nodePath: process.execPath,
      cliPath: join(this.opts.extensionPath, 'dist', 'cli.js'),
      generatePath: join(this.opts.extensionPath, 'dist', 'generate.js'),
      execPath: join(this.opts.extensionPath, 'dist', 'exec.js'),
      ipcDir: this.paths.dir,
      electron: !!process.versions.electron,
    });
    void this.lease.start();
  }

  get isServing(): boolean {
    return this.lease.isServing;
  }

  /** Serving, standing by, or unable to serve (with the path and the reason): for the doctor. */
  get status(): ServingStatus {
    return this.lease.status;
  }

  /** The socket this window listens on while it serves. */
  get socket(): string | undefined {
    return this.lease.isServing ? this.server.socket : undefined;
  }

  disposeAsync(): Promise<void> {
    return this.lease.dispose();
  }

  dispose(): void {
    void this.lease.dispose();
  }
}
