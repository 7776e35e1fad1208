/**
 * Which extension host serves the IPC endpoint: the one holding the lease file. Every window runs a
 * ServingLease; the holder touches the file every poll, the others read it every poll and take the
 * lease (under a lock, so only one of them does) when it is missing, when its process is gone, or
 * when it has not been touched for `staleMs`. A holder that finds the lease taken from it stops serving.
 * So when the serving window closes (or crashes) another takes over within one poll (≤ 2 s when hung).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { withLock } from '../fileLock';
import type { IpcPaths } from './paths';

interface LeaseContent {
  pid: number;
  host: string;
  id: string;
}

export interface ServingLeaseOptions {
  paths: IpcPaths;
  /** Start serving (listen); a failure gives the lease back. */
  onAcquire: () => Promise<void>;
  /** Stop serving (close). */
  onRelease: () => Promise<void>;
  pollMs?: number;
  staleMs?: number;
  onLog?: (message: string) => void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  private holding = false;
  private busy = false;
  private disposed = false;

  constructor(private readonly opts: ServingLeaseOptions) {}

  get isServing(): boolean {
    return this.holding;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs ?? 300);
    this.timer.unref?.();
  }

  /** Stop serving and give the lease back at once, so another window takes over on its next poll. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    if (this.holding) await this.release();
  }

  private isStale(lease: { content?: LeaseContent; mtimeMs: number } | undefined): boolean {
    if (!lease) return true;
    if (Date.now() - lease.mtimeMs > (this.opts.staleMs ?? 1500)) return true;
    const c = lease.content;
    return !!c && c.host === os.hostname() && c.pid !== process.pid && !pidAlive(c.pid);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.disposed) return;
    this.busy = true;
    try {
      const { lease: file } = this.opts.paths;
      if (this.holding) {
        const lease = await readLease(file);
        if (lease?.content?.id !== this.id) {
          this.opts.onLog?.('IPC: another window took over serving the CLI.');
          this.holding = false;
          await this.opts.onRelease();
          return;
        }
        const now = new Date();
        await fs.utimes(file, now, now).catch(() => undefined);
        return;
      }
      if (!this.isStale(await readLease(file))) return;
      const won = await withLock(
        this.opts.paths.leaseLock,
        async () => {
          if (!this.isStale(await readLease(file))) return false;
          const content: LeaseContent = { pid: process.pid, host: os.hostname(), id: this.id };
          const tmp = `${file}.${process.pid}.tmp`;
          await fs.writeFile(tmp, JSON.stringify(content), { mode: 0o600 });
          await fs.rename(tmp, file);
          return true;
        },
        { timeoutMs: 1000, staleMs: 3000 },
      ).catch(() => false);
      if (!won || this.disposed) return;
      this.holding = true;
      try {
        await this.opts.onAcquire();
        this.opts.onLog?.(`IPC: this window now serves the CLI (process ${process.pid}).`);
      } catch (error) {
        this.opts.onLog?.(`IPC: could not start serving: ${error instanceof Error ? error.message : String(error)}`);
        await this.release();
      }
    } catch (error) {
      this.opts.onLog?.(`IPC lease: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy = false;
    }
  }

  private async release(): Promise<void> {
    this.holding = false;
    await this.opts.onRelease().catch(() => undefined);
    const lease = await readLease(this.opts.paths.lease);
    if (lease?.content?.id === this.id) await fs.unlink(this.opts.paths.lease).catch(() => undefined);
  }
}
