/**
 * Atomic file replacement: write a temp file in the same folder, fsync, rename onto the target.
 * Symlinks are followed (the real file is replaced, the link stays). A new file gets `newMode`
 * (0600) inside folders created with 0700; an existing file keeps its mode (and, when we may,
 * its owner).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException | undefined)?.code === code;

/** Follow a chain of symlinks to the final path, which may not exist yet. */
export async function resolveSymlinks(p: string): Promise<string> {
  let current = path.resolve(p);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = await fs.lstat(current);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return current;
      throw err;
    }
    if (!st.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await fs.readlink(current));
  }
  throw new Error(`Too many levels of symbolic links: ${p}`);
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(p: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(p);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** The target changed since it was read (another program wrote it): read again and redo the edit. */
export class ConcurrentChangeError extends Error {
  constructor(readonly file: string) {
    super(`${file} was changed by another program while it was being edited`);
    this.name = 'ConcurrentChangeError';
  }
}

export interface AtomicWriteOptions {
  /**
   * What the target held when it was read (undefined: it did not exist). Checked just before the
   * rename: a program that does not take our lock and wrote meanwhile is not overwritten.
   */
  expected?: { bytes: Buffer | undefined };
  /** Mode of a file we create (default 0600). */
  newMode?: number;
  /** Mode of folders we create (default 0700). */
  dirMode?: number;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const real = await resolveSymlinks(target);
  const dir = path.dirname(real);
  await fs.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  const existing = await fs.stat(real).catch((err: unknown) => {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  });
  const mode = existing ? existing.mode & 0o7777 : (options.newMode ?? 0o600);
  const tmp = path.join(dir, `.${path.basename(real)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = await fs.open(tmp, 'wx', 0o600);
  try {
    try {
      await fd.writeFile(data);
      await fd.chmod(mode);
      if (existing && typeof process.getuid === 'function' && process.getuid() === 0) {
        await fd.chown(existing.uid, existing.gid).catch(() => undefined);
      }
      await fd.sync();
    } finally {
      await fd.close();
    }
    if (options.expected) {
      const now = await readIfExists(real);
      const before = options.expected.bytes;
      if (now === undefined ? before !== undefined : before === undefined || !now.equals(before)) throw new ConcurrentChangeError(real);
    }
    await fs.rename(tmp, real);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable; not supported everywhere (e.g. Windows), so best effort.
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* best effort */
  }
}
