/**
 * The persisted, non-secret state (sessions, profiles, active sessions) in one JSON file shared by
 * every VS Code window and the CLI.
 *
 * - `read()`: a missing file is an empty state (not written until the first update); a file that
 *   is not valid state throws {@link StateFileError} and is never overwritten. Entries that cannot be
 *   used (`stateCheck.ts`) are moved to a backup next to the file, which is named to the user; the good
 *   ones are kept.
 * - `update()`: re-reads inside the inter-process lock, writes atomically (temp + rename, 0600), as
 *   compact JSON. Reads, updates and the watcher's checks of one store run one at a time (`oneAtATime`).
 * - The file is read and checked only when it is not what this store last read or wrote: each read and
 *   write keeps the file's identity (device, inode, size, mtime and ctime in ns), and a file with the same
 *   identity is not read again. Snapshots (what `read`, `update` and `onDidChange` give) are frozen and
 *   shared: nobody copies 10,000 sessions to look at them.
 * - `onDidChange`: fired for this process's updates at once, and for other processes' writes
 *   through `fs.watch` on the folder (debounced); only when the content actually changed. No timer runs:
 *   the optional stat poll (`pollMs`) is off unless asked for.
 */
import { watch, promises as fs, FSWatcher, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { newId } from './ids';
import { writeFileAtomic } from './awsFiles/atomicFile';
import { fileError } from './fileErrors';
import { LockOptions, withLock } from './fileLock';
import { emptyState, PersistedState } from './model';
import type { Disposable, StateStore } from './ports';
import { checkState, describeEntry, type CheckedState, type RejectedEntry } from './stateCheck';
import { migrateDocument } from './stateSchema';
import { t } from './l10n';

export class StateFileError extends Error {
  constructor(readonly filePath: string, reason: string, options?: { cause?: unknown }) {
    super(t('The AWS Sessions state file {0} cannot be used: {1}. It was left as it is; fix or remove it, then reload the window.', filePath, reason), options);
    this.name = 'StateFileError';
  }
}

export interface FileStateStoreOptions {
  /** e.g. `<globalStorage>/sessions.json`. */
  filePath: string;
  /** Default: `state.lock` next to the file. */
  lockPath?: string;
  lock?: LockOptions;
  /** Id generator for the default profile of an empty state (default a v4 UUID, ids.ts). */
  newId?: () => string;
  /** A stat poll for other processes' writes, for file systems whose changes fs.watch misses (default 0: none). */
  pollMs?: number;
  /** Debounce of fs.watch events (default 50 ms). */
  debounceMs?: number;
  /** Tell the user that unusable entries were moved to a backup (the message names both files). */
  onSetAside?: (message: string) => void;
}

type Listener = (state: PersistedState) => void;

/** What this store last saw of the file: its identity and the usable state it held. */
interface Seen {
  /** `dev:ino:size:mtimeNs:ctimeNs`, or 'missing'. */
  key: string;
  raw?: string;
  state: PersistedState;
}

/** Counts of the store's file work, for tests and benchmarks. */
export interface StateStoreIo {
  reads: number;
  parses: number;
  writes: number;
}

const identity = (st: BigIntStats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;

/**
 * Freeze a snapshot all the way down (it is shared by every reader): every own enumerable property of objects,
 * every element of arrays. Indexed loops and for-in rather than Object.values: at activation this runs once, not
 * yet optimised, on 10,000 sessions, where Object.values of each frozen object cost about as much as parsing the file.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' && v !== null) deepFreeze(v);
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const v = record[key];
      if (typeof v === 'object' && v !== null && Object.hasOwn(record, key)) deepFreeze(v);
    }
  }
  return value;
}

export function parseState(raw: string, filePath: string): PersistedState {
  return parseStateEntries(raw, filePath, newId).state;
}

/** The usable state in `raw` and the entries taken out of it; throws StateFileError when nothing can be used. */
export function parseStateEntries(raw: string, filePath: string, newId: () => string): CheckedState {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new StateFileError(filePath, t('it is not valid JSON'), { cause: err });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new StateFileError(filePath, t('it is not a JSON object'));
  const migrated = migrateDocument(data as Record<string, unknown>);
  if (!migrated.ok) throw new StateFileError(filePath, migrated.reason);
  const s = migrated.document as Partial<PersistedState>;
  if (!Array.isArray(s.profiles) || !Array.isArray(s.sessions) || !s.active || typeof s.active !== 'object' || Array.isArray(s.active)) {
    throw new StateFileError(filePath, t('profiles, sessions or active is missing or malformed'));
  }
  return checkState(s as PersistedState, newId);
}

/** Write the entries taken out of the state file to a new 0600 file next to it; returns its path. */
async function writeSetAside(filePath: string, rejected: readonly RejectedEntry[], now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const body = {
    note: t('Entries of {0} that AWS Sessions could not use, taken out on {1}. To restore one, fix it and put it back in the same list of {2} while no VS Code window runs, or add the session again.', path.basename(filePath), now.toISOString(), path.basename(filePath)),
    file: filePath,
    entries: rejected,
  };
  for (let n = 1; ; n++) {
    const target = path.join(path.dirname(filePath), `${path.basename(filePath, '.json')}.rejected-${stamp}${n > 1 ? `-${n}` : ''}.json`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(target, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && n < 100) continue;
      throw err;
    }
    try {
      await handle.writeFile(JSON.stringify(body, null, 2) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return target;
  }
}

export class FileStateStore implements StateStore, Disposable {
  private readonly filePath: string;
  private readonly lockPath: string;
  private readonly newId: () => string;
  private readonly listeners = new Set<Listener>();
  private empty?: PersistedState;
  /** Last content seen (read, written or observed). */
  private seen?: Seen;
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private checking = false;
  /** The last file work queued: reads, the watcher's checks and updates run one at a time (see oneAtATime). */
  private fileWork: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** What was set aside inside the lock, told once the lock is released. */
  private setAsideReport?: string;
  readonly io: StateStoreIo = { reads: 0, parses: 0, writes: 0 };

  constructor(private readonly opts: FileStateStoreOptions) {
    this.filePath = path.resolve(opts.filePath);
    this.lockPath = opts.lockPath ?? path.join(path.dirname(this.filePath), 'state.lock');
    this.newId = opts.newId ?? newId;
  }

  async read(): Promise<PersistedState> {
    const read = await this.oneAtATime(() => this.readNow());
    if (!read.unusable) return read.state;
    // Move the unusable entries aside and write the rest back, under the lock (another process may be at it too).
    return this.update(() => undefined).catch(() => deepFreeze(read.state));
  }

  /**
   * The one mechanism that keeps this store from reading, decoding and parsing the file twice: every piece of file
   * work (a read, the watcher's check, an update's read-modify-write inside the inter-process lock) runs after the
   * one before it. At activation several callers read at once: the first reads and parses the file, the others find
   * it unchanged (a stat). A read that comes while an update is under way gets what the update wrote.
   */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.fileWork.then(work);
    this.fileWork = run.catch(() => undefined);
    return run;
  }

  /** The state (`unusable`: entries must be moved aside first, which takes an update). */
  private async readNow(): Promise<{ state: PersistedState; unusable?: true }> {
    const file = await this.load();
    if (file.seen) return { state: file.seen.state };
    if (file.raw === undefined) return { state: this.remember(file.key, undefined, structuredClone(this.emptyState())) };
    const checked = this.parse(file.raw);
    if (!checked.changed) return { state: this.remember(file.key, file.raw, checked.state) };
    return { state: checked.state, unusable: true };
  }

  async update(mutate: (state: PersistedState) => PersistedState | void): Promise<PersistedState> {
    // The lock first, then this store's queue: reads never wait for another process, only for this one's update.
    const { state, changed } = await withLock(
      this.lockPath,
      () => this.oneAtATime(async () => {
        const file = await this.load();
        let current: PersistedState;
        if (file.seen) current = file.seen.raw === undefined ? structuredClone(file.seen.state) : (JSON.parse(file.seen.raw) as PersistedState);
        else current = file.raw === undefined ? structuredClone(this.emptyState()) : await this.parseInLock(file.raw);
        const raw = file.seen ? file.seen.raw : file.raw;
        const next = mutate(current) ?? current;
        const text = JSON.stringify(next) + '\n';
        if (text === raw) return { state: file.seen?.state ?? this.remember(file.key, raw, next), changed: false };
        await writeFileAtomic(this.filePath, text, { newMode: 0o600 });
        this.io.writes++;
        // Inside the lock nobody else writes: what is there now is what we wrote.
        return { state: this.remember(await this.statKey(), text, next), changed: true };
      }),
      this.opts.lock,
    );
    this.tellSetAside();
    if (changed) this.emit(state);
    return state;
  }

  /** Inside the lock: the usable state; unusable entries are first written to a backup (kept even if the update then fails). */
  private async parseInLock(raw: string): Promise<PersistedState> {
    const checked = this.parse(raw);
    if (checked.rejected.length === 0) return checked.state;
    const backup = await writeSetAside(this.filePath, checked.rejected, new Date());
    const n = checked.rejected.length;
    const listed = checked.rejected.slice(0, 5).map(describeEntry).join('; ');
    this.setAsideReport =
      (n > 1 ? t('{0} entries of the AWS Sessions state file {1} could not be used and were moved to {2}: ', n, this.filePath, backup) : t('1 entry of the AWS Sessions state file {0} could not be used and was moved to {1}: ', this.filePath, backup)) +
      t('{0}{1}. Everything else is kept. Add those sessions again, or fix the entries in that file and put them back.', listed, n > 5 ? t('; and {0} more', n - 5) : '');
    return checked.state;
  }

  private parse(raw: string): CheckedState {
    this.io.parses++;
    return parseStateEntries(raw, this.filePath, this.newId);
  }

  /** Keep `state` (frozen) as what the file with identity `key` holds. */
  private remember(key: string, raw: string | undefined, state: PersistedState): PersistedState {
    this.seen = { key, raw, state: deepFreeze(state) };
    return this.seen.state;
  }

  private tellSetAside(): void {
    const message = this.setAsideReport;
    this.setAsideReport = undefined;
    if (message) this.opts.onSetAside?.(message);
  }

  onDidChange(listener: Listener): Disposable {
    this.listeners.add(listener);
    this.startWatching();
    return {
      dispose: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.stopWatching();
      },
    };
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.stopWatching();
  }

  private emptyState(): PersistedState {
    this.empty ??= emptyState(this.newId());
    return this.empty;
  }

  /**
   * The file as it is now: `seen` when it is still what this store last saw (not read again), else its
   * text (undefined: missing) and identity, read through one handle so that both belong to the same file.
   */
  private async load(): Promise<{ key: string; seen?: Seen; raw?: string }> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.filePath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(err, this.filePath, 'read');
      return this.seen?.key === 'missing' ? { key: 'missing', seen: this.seen } : { key: 'missing' };
    }
    let file: { key: string; seen?: Seen; raw?: string };
    try {
      const key = identity(await handle.stat({ bigint: true }));
      if (this.seen?.key === key) file = { key, seen: this.seen };
      else {
        this.io.reads++;
        file = { key, raw: (await handle.readFile()).toString('utf8') };
      }
    } catch (err) {
      throw fileError(err, this.filePath, 'read');
    } finally {
      await handle.close();
    }
    return file;
  }

  private emit(state: PersistedState): void {
    for (const l of [...this.listeners]) {
      try {
        l(state);
      } catch {
        /* a listener's failure must not break the store or other listeners */
      }
    }
  }

  private startWatching(): void {
    if (this.watcher || this.poll || this.disposed) return;
    // Baseline: what this process considers current, so only real changes fire.
    if (!this.seen) void this.check(false);
    const dir = path.dirname(this.filePath);
    const base = path.basename(this.filePath);
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name && name.toString() !== base) return;
        this.schedule();
      });
      this.watcher.on('error', () => this.stopWatcherOnly());
    } catch {
      this.watcher = undefined; // folder missing or watching unsupported: only the poll, if asked for, sees changes
    }
    const pollMs = this.opts.pollMs ?? 0;
    if (pollMs > 0) {
      this.poll = setInterval(() => {
        void this.statKey().then((k) => {
          if (k !== this.seen?.key) this.schedule();
        });
      }, pollMs);
      this.poll.unref();
    }
  }

  private stopWatcherOnly(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private stopWatching(): void {
    this.stopWatcherOnly();
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.poll = undefined;
    this.debounce = undefined;
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(), this.opts.debounceMs ?? 50);
    this.debounce.unref();
  }

  /** Another process may have written the file: read it if it is not what we saw, and tell the listeners. */
  private async check(tell = true): Promise<void> {
    if (this.checking) return this.schedule();
    this.checking = true;
    try {
      await this.oneAtATime(() => this.checkNow(tell));
    } finally {
      this.checking = false;
    }
  }

  private async checkNow(tell: boolean): Promise<void> {
    const file = await this.load().catch(() => undefined);
    if (!file || file.seen || file.raw === undefined || this.disposed) return;
    if (file.raw === this.seen?.raw) {
      this.seen = { ...this.seen, key: file.key }; // the same content (touched, or copied back)
      return;
    }
    let checked: CheckedState;
    try {
      checked = this.parse(file.raw);
    } catch {
      return; // a partial or broken file: read()/update() report it; wait for a valid write
    }
    if (checked.changed) {
      // Not remembered: the update reads the file again and moves the bad entries to a backup.
      void this.update(() => undefined).catch(() => undefined);
      if (tell) this.emit(deepFreeze(checked.state));
      return;
    }
    const state = this.remember(file.key, file.raw, checked.state);
    if (tell) this.emit(state);
  }

  private async statKey(): Promise<string> {
    try {
      return identity(await fs.stat(this.filePath, { bigint: true }));
    } catch {
      return 'missing';
    }
  }
}
