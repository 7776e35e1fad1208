/**
 * Which extension host serves the IPC endpoint: the one holding the lease file. Every window runs a
 * ServingLease. Nothing polls: every window watches the IPC folder, and standby windows stay connected
 * to the holder's liveness socket (`holderSocket.ts`, named in the lease). They take the lease (under a
 * lock, so only one of them does) when it is missing, when its process is gone (the connection closes),
 * or when the holder does not echo within `staleMs` when probed — on a change of the lease, or when a
 * CLI that gets no answer touches the wake file. A lease of an earlier version (no liveness socket) is
 * judged as before, by its age. A holder that finds the lease taken from it stops serving.
 * So when the serving window closes (or crashes) another takes over at once (≤ 2 s when hung).
 * Every window also keeps its presence record (`presence.ts`), so the CLI waits through a hand-over.
 * A window that cannot serve (its folder is another user's, no private socket folder fits, …) says so once
 * (log and `onCannotServe`), records it for the CLI and the doctor, and tries again only after a pause.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { IpcFiles } from '../constants';
import { HolderWatch, LivenessServer, livenessPathFor } from './holderSocket';
import { withLock } from '../fileLock';
import { ensurePrivateDir, IpcSetupError, readEndpoint, trustProblem, type IpcPaths } from './paths';
import { PROTOCOL_VERSION } from './protocol';
import { pidAlive, processStart, pruneWindows, removeWindow, touchWindow, WINDOW_TOUCH_MS, writeWindow, type ServeProblem } from './presence';

interface LeaseContent {
  pid: number;
  host: string;
  id: string;
  /** The protocol the holder serves (absent before version 2). */
  v?: number;
  /** The holder's liveness socket (absent in leases of earlier versions, which touch the file instead). */
  live?: string;
}

export interface ServingLeaseOptions {
  paths: IpcPaths;
  /** Start serving (listen); a failure gives the lease back. */
  onAcquire: () => Promise<void>;
  /** Stop serving (close). */
  onRelease: () => Promise<void>;
  /** Every poll while serving: keep the endpoint whole (IpcServer.check); a failure gives the lease back. */
  whileServing?: () => Promise<void>;
  /** A poll as well as the watch (default none). */
  pollMs?: number;
  staleMs?: number;
  onLog?: (message: string) => void;
  /** Told once per distinct problem that keeps this window from serving. */
  onCannotServe?: (problem: ServeProblem) => void;
  /** Pause before trying again after a problem (default 2 s), doubling up to `maxRetryMs` (default 60 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

export type ServingStatus = { state: 'serving' } | { state: 'standby' } | { state: 'cannotServe'; problem: ServeProblem };

function problemOf(error: unknown, fallbackPath: string): ServeProblem {
  if (error instanceof IpcSetupError) return { path: error.path, reason: error.reason };
  return { path: fallbackPath, reason: error instanceof Error ? error.message : String(error) };
}

export async function readLease(file: string): Promise<{ content?: LeaseContent; mtimeMs: number } | undefined> {
  try {
    const [raw, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    let content: LeaseContent | undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<LeaseContent>;
      if (typeof parsed.pid === 'number' && typeof parsed.id === 'string' && typeof parsed.host === 'string') content = parsed as LeaseContent;
    } catch {
      content = undefined;
    }
    return { content, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

export class ServingLease {
  private readonly id = randomUUID();
  private timer?: NodeJS.Timeout;
  /** Touches this window's presence record now and then where it has no start time (the CLI then trusts only fresh records). */
  private presence?: NodeJS.Timeout;
  private watcher?: FSWatcher;
  private soon?: NodeJS.Timeout;
  private again = false;
  private live?: LivenessServer;
  private readonly holder = new HolderWatch(() => this.schedule());
  private holding = false;
  private busy = false;
  private disposed = false;
  private problem?: ServeProblem;
  /** The problem last told (path and reason), so each is told once. */
  private told?: string;
  private retryAt = 0;
  private retryDelay = 0;
  private recorded = false;
  private touchedAt = 0;
  /** This process's start time, which the CLI checks instead of a recent touch (undefined: no /proc, touch). */
  private readonly started = processStart(process.pid);
  private lastError?: string;

  constructor(private readonly opts: ServingLeaseOptions) {}

  get isServing(): boolean {
    return this.holding;
  }

  get status(): ServingStatus {
    if (this.holding) return { state: 'serving' };
    return this.problem ? { state: 'cannotServe', problem: this.problem } : { state: 'standby' };
  }

  /** Join the election; resolves after the first poll, which writes this window's presence record. */
  start(): Promise<void> {
    if (this.opts.pollMs) {
      this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
      this.timer.unref?.();
    }
    // A record with this process's start time needs no touching: no timer while nothing happens.
    if (this.started === undefined) {
      this.presence = setInterval(() => void this.keepRecord().catch(() => undefined), WINDOW_TOUCH_MS);
      this.presence.unref?.();
    }
    return this.tick();
  }

  /** Look again soon (a change in the IPC folder, the holder's connection closed, a retry is due). */
  private schedule(ms = 20): void {
    if (this.disposed) return;
    if (this.soon) clearTimeout(this.soon);
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.tick();
    }, ms);
    this.soon.unref?.();
  }

  /** Watch the IPC folder: the lease, the endpoint record, the sockets in it and the wake file. */
  private watchFolder(): void {
    if (this.watcher || this.disposed) return;
    const ignored = new Set([IpcFiles.leaseLock, IpcFiles.windows]);
    try {
      this.watcher = watch(this.opts.paths.dir, { persistent: false }, (_event, name) => {
        const n = name?.toString();
        if (n && (ignored.has(n as never) || n.endsWith('.tmp') || n.startsWith(`${IpcFiles.leaseLock}.`))) return;
        this.schedule();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined; // the folder is not there yet: the next tick watches it
    }
  }

  /** Stop serving and give the lease back at once, so another window takes over on its next poll. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.presence) clearInterval(this.presence);
    if (this.soon) clearTimeout(this.soon);
    this.watcher?.close();
    this.holder.close();
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    await removeWindow(this.opts.paths, this.id);
    if (this.holding) await this.release();
  }

  private async isStale(lease: { content?: LeaseContent; mtimeMs: number } | undefined): Promise<boolean> {
    if (!lease) return true;
    const c = lease.content;
    const staleMs = this.opts.staleMs ?? 1500;
    // A window of an older version (before an update reloaded it) serves a protocol this version's CLI does not speak.
    if (c && (c.v ?? 1) < PROTOCOL_VERSION) return true;
    if (c && c.host === os.hostname() && c.pid !== process.pid && !pidAlive(c.pid)) return true;
    if (!c?.live) return Date.now() - lease.mtimeMs > staleMs; // an earlier version's holder touches its lease
    // Its folder and socket must be ours and private (as the CLI checks the IPC socket): an echo from a stand-in means nothing.
    if (!trustProblem(dirname(c.live), 'folder').ok || !trustProblem(c.live, 'socket').ok) return true;
    return !(await this.holder.answers(c.live, staleMs));
  }

  /** The holder's liveness socket: listen, then name it in the lease. */
  private async startLive(): Promise<void> {
    const { paths } = this.opts;
    // Beside the socket onAcquire just published (a folder where such a name fits), else in the IPC folder.
    const socket = readEndpoint(paths)?.socket;
    const path = socket ? livenessPathFor(socket) : join(paths.dir, `${IpcFiles.livePrefix}${randomUUID().slice(0, 6)}.sock`);
    const live = new LivenessServer(path);
    await live.listen();
    this.live = live;
    const content: LeaseContent = { pid: process.pid, host: os.hostname(), id: this.id, v: PROTOCOL_VERSION, live: path };
    const tmp = `${paths.lease}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(content), { mode: 0o600 });
    await fs.rename(tmp, paths.lease);
  }

  /** Say it once per distinct problem; record it for the CLI; try again after a growing pause. */
  private cannotServe(problem: ServeProblem): void {
    this.problem = problem;
    this.retryDelay = this.retryDelay ? Math.min(this.retryDelay * 2, this.opts.maxRetryMs ?? 60_000) : (this.opts.retryMs ?? 2000);
    this.retryAt = Date.now() + this.retryDelay;
    const key = `${problem.path}\0${problem.reason}`;
    if (key !== this.told) {
      this.told = key;
      this.opts.onLog?.(`IPC: this window cannot serve the command line (aws-sessions, credential_process): ${problem.reason} (${problem.path}).`);
      this.opts.onCannotServe?.(problem);
    }
    this.recorded = false;
  }

  /** This window's presence record: written when its state changes; touched every WINDOW_TOUCH_MS only without a start time. */
  private async keepRecord(): Promise<void> {
    const { paths } = this.opts;
    if (!this.recorded) {
      await pruneWindows(paths);
      await writeWindow(paths, this.id, { pid: process.pid, host: os.hostname(), start: this.started, problem: this.problem });
      this.recorded = true;
      this.touchedAt = Date.now();
    } else if (this.started === undefined && Date.now() - this.touchedAt >= WINDOW_TOUCH_MS - 50) {
      this.touchedAt = Date.now();
      await touchWindow(paths, this.id).catch(() => (this.recorded = false));
    }
  }

  private async tick(): Promise<void> {
    if (this.disposed) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      const { lease: file, dir } = this.opts.paths;
      if (!this.holding) {
        if (Date.now() < this.retryAt) {
          await this.keepRecord().catch(() => undefined); // still alive, still unable: the CLI reads why
          this.schedule(this.retryAt - Date.now());
          return;
        }
        try {
          ensurePrivateDir(dir);
        } catch (error) {
          this.cannotServe(problemOf(error, dir));
          return;
        }
      }
      await this.keepRecord();
      if (this.holding) {
        const lease = await readLease(file);
        if (lease?.content?.id !== this.id) {
          this.opts.onLog?.('IPC: another window took over serving the CLI.');
          this.holding = false;
          await this.live?.close();
          this.live = undefined;
          await this.opts.onRelease();
          return;
        }
        try {
          await this.opts.whileServing?.();
        } catch (error) {
          await this.release();
          this.cannotServe(problemOf(error, dir));
        }
        return;
      }
      if (!(await this.isStale(await readLease(file)))) return;
      const won = await withLock(
        this.opts.paths.leaseLock,
        async () => {
          if (!(await this.isStale(await readLease(file)))) return false;
          const content: LeaseContent = { pid: process.pid, host: os.hostname(), id: this.id, v: PROTOCOL_VERSION };
          const tmp = `${file}.${process.pid}.tmp`;
          await fs.writeFile(tmp, JSON.stringify(content), { mode: 0o600 });
          await fs.rename(tmp, file);
          return true;
        },
        { timeoutMs: 1000, staleMs: 3000 },
      ).catch(() => false);
      if (!won || this.disposed) return;
      this.holding = true;
      this.holder.close();
      try {
        await this.opts.onAcquire();
        await this.startLive();
      } catch (error) {
        await this.release();
        this.cannotServe(problemOf(error, dir));
        await this.keepRecord().catch(() => undefined);
        return;
      }
      this.opts.onLog?.(`IPC: this window ${this.problem ? 'serves the CLI again' : 'now serves the CLI'} (process ${process.pid}).`);
      if (this.problem) this.recorded = false;
      this.problem = undefined;
      this.retryDelay = 0;
      await this.keepRecord().catch(() => undefined);
    } catch (error) {
      // Once per distinct message: a poll every 300 ms must not fill the log.
      // l10n-ignore: for the log only
      const message = `IPC lease: ${error instanceof Error ? error.message : String(error)}`;
      if (message !== this.lastError) this.opts.onLog?.(message);
      this.lastError = message;
    } finally {
      this.busy = false;
      this.watchFolder();
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  private async release(): Promise<void> {
    this.holding = false;
    await this.live?.close();
    this.live = undefined;
    await this.opts.onRelease().catch(() => undefined);
    const lease = await readLease(this.opts.paths.lease);
    if (lease?.content?.id === this.id) await fs.unlink(this.opts.paths.lease).catch(() => undefined);
  }
}
