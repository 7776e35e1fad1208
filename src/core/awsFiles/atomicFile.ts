/**
 * Atomic file replacement: write a temp file in the same folder, fsync, rename onto the target.
 * Symlinks are followed (the real file is replaced, the link stays). A new file gets `newMode`
 * (0600) inside folders created with 0700; an existing file keeps its mode (and, when we may,
 * its owner).
 *
 * A temp file is 0600 from creation until it has the target's name (the target's mode is applied to
 * it only after the rename), so a crash never leaves a copy of the file readable by others; temp files
 * that writers of this host left when they died are removed on the next write. A write-protected
 * target (e.g. chmod 444) is refused, not replaced. Every failure names the file (fileErrors.ts).
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, Stats } from 'node:fs';
import * as path from 'node:path';
import { describingFileErrors, fileError, ReadOnlyFileError } from '../fileErrors';
import { deadOnThisHost, hostTag } from '../liveness';
import { t } from '../l10n';
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
  throw new Error(t('Too many levels of symbolic links: {0}', p));
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(p: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(p);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw fileError(err, p, 'read');
  }
}

/** Our temp file for `real`: `.<name>.<pid>-<host tag>.<random>.tmp` in the same folder. */
export function tempPathFor(real: string): string {
  return path.join(path.dirname(real), `.${path.basename(real)}.${process.pid}-${hostTag()}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Remove the temp files of `real` that writers of this host left when they died: ours only (our name
 * pattern, with or without the host tag older versions did not write) and only when that pid is gone.
 * Returns how many were removed.
 */
export async function removeStaleTemps(real: string): Promise<number> {
  const dir = path.dirname(real);
  const prefix = `.${path.basename(real)}.`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)(?:-([0-9a-f]{8}))?\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m || (m[2] !== undefined && m[2] !== hostTag()) || !deadOnThisHost(Number(m[1]))) continue;
    await fs.unlink(path.join(dir, name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** Refuse a file its owner write-protected (root may write anything, so the mode bits decide there). */
async function assertWritable(real: string, st: Stats): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    if ((st.mode & 0o222) === 0) throw new ReadOnlyFileError(real, st.mode);
    return;
  }
  try {
    await fs.access(real, constants.W_OK);
  } catch (err) {
    if (isCode(err, 'EACCES') || isCode(err, 'EPERM')) throw new ReadOnlyFileError(real, st.mode);
    throw err; // e.g. EROFS: described as such
  }
}

async function statIfExists(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Delete a file (following symlinks to the real one), unless it is write-protected. */
export async function removeFile(target: string): Promise<void> {
  const real = await describingFileErrors(target, 'remove', () => resolveSymlinks(target));
  await describingFileErrors(real, 'remove', async () => {
    const st = await statIfExists(real);
    if (!st) return;
    await assertWritable(real, st);
    await fs.unlink(real);
  });
}

/** The target changed since it was read (another program wrote it): read again and redo the edit. */
export class ConcurrentChangeError extends Error {
  constructor(readonly file: string) {
    super(t('{0} was changed by another program while it was being edited', file));
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
  const real = await describingFileErrors(target, 'write', () => resolveSymlinks(target));
  await describingFileErrors(real, 'write', () => replace(real, data, options));
}

async function replace(real: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const dir = path.dirname(real);
  await fs.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  const existing = await statIfExists(real);
  if (existing) await assertWritable(real, existing);
  await removeStaleTemps(real);
  const mode = existing ? existing.mode & 0o7777 : (options.newMode ?? 0o600);
  const tmp = tempPathFor(real);
  const fd = await fs.open(tmp, 'wx', 0o600);
  let renamed = false;
  try {
    await fd.writeFile(data);
    if (existing && typeof process.getuid === 'function' && process.getuid() === 0) {
      await fd.chown(existing.uid, existing.gid).catch(() => undefined);
    }
    await fd.sync();
    if (options.expected) {
      const now = await readIfExists(real);
      const before = options.expected.bytes;
      if (now === undefined ? before !== undefined : before === undefined || !now.equals(before)) throw new ConcurrentChangeError(real);
    }
    await fs.rename(tmp, real);
    renamed = true;
    // The target's mode only now that the file has its name; if this fails or we die first, it stays 0600.
    await fd.chmod(mode).catch(() => undefined);
  } catch (err) {
    if (!renamed) await fs.unlink(tmp).catch(() => undefined);
    throw err;
  } finally {
    await fd.close();
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
