/**
 * An inter-process lock for read-modify-write of shared files (several VS Code windows, i.e.
 * several extension host processes, plus the CLI).
 *
 * The lock is a file holding `{pid, host, token, acquiredAt}`, created with its content in one step:
 * the content goes into a 0600 temp file first, which is then hard-linked to the lock's name (`link`
 * fails when the lock exists, atomically), so an empty lock never exists and a holder killed at any
 * point leaves a lock naming its dead pid. The holder touches it every `staleMs / 3`, so a lock is
 * stale when its owner process is gone (same host) or when it has not been touched for `staleMs`.
 * Breaking a stale lock is itself guarded by a `<lock>.break` file (made the same way) so two waiters
 * cannot both break it and then delete each other's fresh lock. Waiters retry with small jittered sleeps.
 * Within one process, calls for the same path queue behind each other instead of spinning; a
 * nested call for a path the current async context already holds runs directly (re-entrant).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeStaleTemps, tempPathFor } from './awsFiles/atomicFile';
import { fileError } from './fileErrors';
import { pidAlive } from './liveness';
import { t } from './l10n';

export interface LockOptions {
  /** Give up waiting after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock untouched for this long is abandoned (default 15 s). */
  staleMs?: number;
}

export type LockRunner = <T>(fn: () => Promise<T>) => Promise<T>;

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string, readonly holder: string | undefined, waitedMs: number) {
    super(t('Timed out after {0} ms waiting for the lock {1}{2}. If no other AWS Sessions window or CLI is busy, delete that file.', waitedMs, lockPath, holder ? t(' (held by {0})', holder) : ''));
    this.name = 'LockTimeoutError';
  }
}

interface LockContent {
  pid: number;
  host: string;
  token: string;
  acquiredAt: number;
}

const queues = new Map<string, Promise<void>>();
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** A runner bound to one lock path, for classes that take a lock as a dependency. */
export function fileLock(lockPath: string, options?: LockOptions): LockRunner {
  return (fn) => withLock(lockPath, fn, options);
}

export async function withLock<T>(lockPath: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const key = path.resolve(lockPath);
  const mine = held.getStore();
  if (mine?.has(key)) return fn();
  const before = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const tail = before.then(() => gate);
  queues.set(key, tail);
  await before;
  try {
    const inner = new Set(mine ?? []);
    inner.add(key);
    return await held.run(inner, () => acquireAndRun(key, fn, options));
  } finally {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function acquireAndRun<T>(lockPath: string, fn: () => Promise<T> | T, options: LockOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 15_000;
  const content: LockContent = { pid: process.pid, host: os.hostname(), token: randomUUID(), acquiredAt: Date.now() };
  const started = Date.now();
  const body = JSON.stringify(content);
  for (let attempt = 0; ; attempt++) {
    try {
      await createWithContent(lockPath, body);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await fs.mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
          // l10n-ignore: a FileAction id (fileErrors.ts words it)
          throw fileError(e, lockPath, 'create the lock');
        });
        continue;
      }
      // l10n-ignore: a FileAction id (fileErrors.ts words it)
      if (code !== 'EEXIST') throw fileError(err, lockPath, 'create the lock');
      if (await breakIfStale(lockPath, staleMs)) continue;
      if (Date.now() - started > timeoutMs) throw new LockTimeoutError(lockPath, await describeHolder(lockPath), Date.now() - started);
      await sleep(1 + Math.random() * Math.min(25, 2 + attempt));
    }
  }
  // Temp files of processes killed between writing a lock's content and linking it (the guard's too).
  await removeStaleTemps(lockPath);
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(50, Math.floor(staleMs / 3)));
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await releaseLock(lockPath, content.token);
  }
}

async function readLock(lockPath: string): Promise<{ content?: LockContent; raw: string; mtimeMs: number; ino: number } | undefined> {
  try {
    const [raw, st] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    let content: LockContent | undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<LockContent>;
      if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') content = parsed as LockContent;
    } catch {
      content = undefined; // being written right now, or garbage: judged by age only
    }
    return { content, raw, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Create `file` holding `body`, or fail with EEXIST when it exists: the body is written to a 0600 temp
 * file (named after `tempFor`) that is then hard-linked to `file`, so `file` never exists without its
 * content. Where hard links are not supported, an exclusive create followed by the write.
 */
async function createWithContent(file: string, body: string, tempFor = file): Promise<void> {
  const tmp = tempPathFor(tempFor);
  const fd = await fs.open(tmp, 'wx', 0o600);
  try {
    await fd.writeFile(body);
  } finally {
    await fd.close();
  }
  try {
    await fs.link(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    const h = await fs.open(file, 'wx', 0o600);
    try {
      await h.writeFile(body);
    } finally {
      await h.close();
    }
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
}

function isStale(info: { content?: LockContent; mtimeMs: number }, staleMs: number): boolean {
  if (Date.now() - info.mtimeMs > staleMs) return true;
  const c = info.content;
  return c !== undefined && c.host === os.hostname() && c.pid !== process.pid && !pidAlive(c.pid);
}

/** Remove the lock if it is stale; true when it was removed (or vanished) so the caller retries now. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  const info = await readLock(lockPath);
  if (!info) return true;
  if (!isStale(info, staleMs)) return false;
  const guard = `${lockPath}.break`;
  try {
    await createWithContent(guard, JSON.stringify({ pid: process.pid, host: os.hostname(), token: randomUUID(), acquiredAt: Date.now() }), lockPath);
  } catch (err) {
    // l10n-ignore: a FileAction id (fileErrors.ts words it)
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(err, guard, 'create the lock');
    const g = await readLock(guard).catch(() => undefined);
    if (g && isStale(g, staleMs)) await fs.unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    const again = await readLock(lockPath);
    if (again && again.raw === info.raw && again.ino === info.ino && isStale(again, staleMs)) {
      await fs.unlink(lockPath).catch(() => undefined);
    }
    return true;
  } finally {
    await fs.unlink(guard).catch(() => undefined);
  }
}

async function releaseLock(lockPath: string, token: string): Promise<void> {
  const info = await readLock(lockPath).catch(() => undefined);
  // Only remove our own lock: if it was broken as stale, the file is someone else's now.
  if (info?.content?.token === token) await fs.unlink(lockPath).catch(() => undefined);
}

async function describeHolder(lockPath: string): Promise<string | undefined> {
  const info = await readLock(lockPath).catch(() => undefined);
  const c = info?.content;
  return c ? t('process {0} on {1} since {2}', c.pid, c.host, new Date(c.acquiredAt).toISOString()) : undefined;
}
