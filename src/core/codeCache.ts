// l10n-ignore-file: what became of the code cache goes to the log for developers (src/main.ts), never to a user
/**
 * Loads a CommonJS bundle with a V8 code cache, as VS Code loads its own code: the bundle is compiled with
 * `vm.Script` and the cache of a previous load (`cachedData`), so a window neither parses the bundle nor compiles
 * the functions activation runs. After activation `save()` writes the cache when there was none (or V8 refused it).
 *
 * The cache is code this process runs: it is read only from a folder of this user's that nobody else can write
 * (owned by us, not group/other-writable), only from a regular file of ours that nobody else can write, never
 * through a link (O_NOFOLLOW, then fstat of what was opened). Its name carries the bundle's content hash and
 * V8's version: V8 itself checks only the source's length, so a cache of another build is never offered. V8 does
 * not check the cache's bytes either (a damaged one that passes its header check aborts the process): the file
 * starts with a SHA-256 of the bundle key and the bytes, checked before V8 sees them. It is written to a new
 * temporary file (O_EXCL, 0600) and renamed into place: a crash leaves the old file or none.
 * Anything wrong → the bundle loads without the cache, as `require` would.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What became of the cache on this load. */
export type CodeCacheUse = 'accepted' | 'rejected' | 'missing' | 'untrusted' | 'none';

export interface LoadedBundle<T> {
  exports: T;
  cache: CodeCacheUse;
  /** Why the cache was not used (a missing file, a link, another owner…), for the log. */
  reason?: string;
  /** Writes the cache when this load had none to use; once. Returns what happened, for the log; never throws. */
  save(): string;
}

export interface CodeCacheOptions {
  /** The bundle (absolute path): `__filename` of its code, the name in its stack traces. */
  file: string;
  /** Identifies the bundle's content (a hash made by the build). */
  bundleKey: string;
  /** The folder of the cache: the extension's global storage. Undefined: no cache. */
  cacheDir: string | undefined;
  /** The module that loads it (`module.parent` of the bundle). */
  parent?: NodeModule;
}

const PREFIX = 'code-cache-';
/** The file: MAGIC, then the SHA-256 of the bundle key and the cache, then the cache V8 made. */
const MAGIC = Buffer.from('AWSSCC01');
const HEADER = MAGIC.length + 32;
/** Larger than any cache of a bundle this size (a cache is a few times the source): a larger file is not ours. */
const MAX_BYTES = 64 * 1024 * 1024;
// The wrapper on a line of its own, and lineOffset -1: the bundle's own lines and columns in stack traces and source maps.
const WRAP_START = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAP_END = '\n})';

/** The cache file of a bundle for this V8: its name changes with either. */
export function codeCacheName(bundleKey: string): string {
  return `${PREFIX}${`${bundleKey}-${process.versions.v8}-${process.arch}`.replace(/[^A-Za-z0-9.-]/g, '_')}.bin`;
}

function digest(bundleKey: string, data: Uint8Array): Buffer {
  return createHash('sha256').update(bundleKey).update(data).digest();
}

/** The cache V8 made, from the file's bytes: undefined when the header or the digest does not match. */
function unwrap(bundleKey: string, file: Buffer): Buffer | undefined {
  if (file.length <= HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(HEADER);
  return digest(bundleKey, data).equals(file.subarray(MAGIC.length, HEADER)) ? data : undefined;
}

/** Why a folder or file of the cache cannot be trusted, or undefined when it can: ours, and only we can write it. */
function untrusted(stats: Stats, what: string): string | undefined {
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `${what} belongs to another user (uid ${stats.uid})`;
  if (uid !== undefined && (stats.mode & 0o022) !== 0) return `${what} can be written by other users (mode ${(stats.mode & 0o777).toString(8)})`;
  return undefined;
}

/** The folder, when it is a real folder (not a link) that only we can write. */
function checkFolder(dir: string): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(dir);
  } catch {
    return `the folder ${dir} does not exist (yet)`;
  }
  if (!stats.isDirectory()) return `${dir} is not a folder (or is a link)`;
  return untrusted(stats, `the folder ${dir}`);
}

/** The cache's bytes, or why there are none to use. */
function readCache(dir: string, path: string): { data: Buffer } | { missing: boolean; reason: string } {
  const folder = checkFolder(dir);
  if (folder) return { missing: folder.endsWith('(yet)'), reason: folder };
  let fd: number;
  try {
    // O_NOFOLLOW: a link in the cache's place fails to open (ELOOP) instead of being followed. Windows has no such flag: lstat first.
    if (constants.O_NOFOLLOW === undefined && lstatSync(path).isSymbolicLink()) return { missing: false, reason: `${path} is a link` };
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { missing: true, reason: `no cache yet (${path})` } : { missing: false, reason: code === 'ELOOP' ? `${path} is a link` : `${path} cannot be opened (${code})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { missing: false, reason: `${path} is not a regular file` };
    const foreign = untrusted(stats, path) ?? (stats.nlink > 1 ? `${path} has other hard links` : stats.size > MAX_BYTES ? `${path} is too large` : undefined);
    if (foreign) return { missing: false, reason: foreign };
    const data = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { data: data.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}

/** Writes the cache atomically beside the old one and removes the caches of other builds; returns what happened. */
function writeCache(dir: string, name: string, bundleKey: string, cache: Buffer): string {
  const folder = checkFolder(dir);
  if (folder) return `code cache not written: ${folder}`;
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const data = Buffer.concat([MAGIC, digest(bundleKey, cache), cache]);
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // not created
    }
    return `code cache not written to ${target}: ${(error as Error).message}`;
  }
  for (const old of readdirSync(dir)) {
    if (old.startsWith(PREFIX) && old !== name) {
      try {
        unlinkSync(join(dir, old));
      } catch {
        // another window removed it
      }
    }
  }
  return `code cache written: ${target} (${data.length} bytes)`;
}

/** Loads the bundle, with the cache when there is a trusted one V8 accepts. */
export function loadBundle<T>(options: CodeCacheOptions): LoadedBundle<T> {
  const { file, cacheDir } = options;
  const source = readFileSync(file, 'utf8');
  const name = codeCacheName(options.bundleKey);
  const found = cacheDir ? readCache(cacheDir, join(cacheDir, name)) : { missing: false, reason: 'no cache folder' };
  const cachedData = 'data' in found ? unwrap(options.bundleKey, found.data) : undefined;
  const script = new Script(`${WRAP_START}${source}${WRAP_END}`, { filename: file, lineOffset: -1, cachedData });
  const damaged = 'data' in found && !cachedData;
  const cache: CodeCacheUse = cachedData ? (script.cachedDataRejected ? 'rejected' : 'accepted') : damaged ? 'rejected' : !cacheDir ? 'none' : 'missing' in found && found.missing ? 'missing' : 'untrusted';
  const reason = damaged ? 'the cache file is damaged (its checksum does not match)' : cache === 'rejected' ? 'V8 refused the cache (made by another V8 or with other flags)' : 'reason' in found ? found.reason : undefined;

  // As `require` would: a Module in the cache of modules, its own require (relative to the bundle), then the code.
  const bundle = new Module(file, options.parent);
  bundle.filename = file;
  (bundle as unknown as { paths: string[] }).paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const cacheOfModules = (Module as unknown as { _cache: Record<string, NodeModule> })._cache;
  cacheOfModules[file] = bundle;
  try {
    const wrapper = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;
    wrapper.call(bundle.exports, bundle.exports, createRequire(file), bundle, file, dirname(file));
  } catch (error) {
    delete cacheOfModules[file];
    throw error;
  }
  bundle.loaded = true;

  let saved: string | undefined;
  const save = (): string => {
    if (saved) return saved;
    if (cache === 'accepted') return (saved = 'code cache used');
    if (!cacheDir) return (saved = 'no code cache: no folder for it');
    try {
      saved = writeCache(cacheDir, name, options.bundleKey, script.createCachedData());
    } catch (error) {
      saved = `code cache not made: ${(error as Error).message}`;
    }
    return saved;
  };
  return { exports: bundle.exports as T, cache, reason, save };
}
