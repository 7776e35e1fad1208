/**
 * The persisted, non-secret state (sessions, profiles, active sessions) in one JSON file shared by
 * every VS Code window and the CLI.
 *
 * - `read()`: a missing file is an empty state (not written until the first update); a file that
 *   is not valid state throws {@link StateFileError} and is never overwritten. Entries that cannot be
 *   used (`stateCheck.ts`) are moved to a backup next to the file, which is named to the user; the good
 *   ones are kept.
 * - `update()`: re-reads inside the inter-process lock, writes atomically (temp + rename, 0600).
 * - `onDidChange`: fired for this process's updates at once, and for other processes' writes
 *   through `fs.watch` on the folder (debounced) backed by a cheap stat poll; only when the
 *   content actually changed.
 */
import { watch, promises as fs, FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { newId } from './ids';
import { readIfExists, writeFileAtomic } from './awsFiles/atomicFile';
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
  /** Fallback stat poll for other processes' writes (default 500 ms; 0 disables). */
  pollMs?: number;
  /** Debounce of fs.watch events (default 50 ms). */
  debounceMs?: number;
  /** Tell the user that unusable entries were moved to a backup (the message names both files). */
  onSetAside?: (message: string) => void;
}

type Listener = (state: PersistedState) => void;

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
  /** Last content seen (read, written or observed); undefined = file missing. */
  private lastRaw?: string;
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private lastStat = '';
  private checking = false;
  private disposed = false;
  /** What was set aside inside the lock, told once the lock is released. */
  private setAsideReport?: string;

  constructor(private readonly opts: FileStateStoreOptions) {
    this.filePath = path.resolve(opts.filePath);
    this.lockPath = opts.lockPath ?? path.join(path.dirname(this.filePath), 'state.lock');
    this.newId = opts.newId ?? newId;
  }

  async read(): Promise<PersistedState> {
    const raw = await this.readRaw();
    if (raw === undefined) return structuredClone(this.emptyState());
    const checked = parseStateEntries(raw, this.filePath, this.newId);
    if (!checked.changed) return checked.state;
    // Move the unusable entries aside and write the rest back, under the lock (another process may be at it too).
    return this.update(() => undefined).catch(() => checked.state);
  }

  async update(mutate: (state: PersistedState) => PersistedState | void): Promise<PersistedState> {
    const { state, changed } = await withLock(
      this.lockPath,
      async () => {
        const raw = await this.readRaw();
        const current = raw === undefined ? structuredClone(this.emptyState()) : await this.parseInLock(raw);
        const next = mutate(current) ?? current;
        const text = JSON.stringify(next, null, 2) + '\n';
        if (text === raw) return { state: next, changed: false };
        const before = this.lastRaw;
        this.lastRaw = text; // set first so our own watcher never reports our write
        try {
          await writeFileAtomic(this.filePath, text, { newMode: 0o600 });
        } catch (err) {
          this.lastRaw = before;
          throw err;
        }
        this.lastStat = await this.statKey();
        return { state: next, changed: true };
      },
      this.opts.lock,
    );
    this.tellSetAside();
    if (changed) this.emit(state);
    return structuredClone(state);
  }

  /** Inside the lock: the usable state; unusable entries are first written to a backup (kept even if the update then fails). */
  private async parseInLock(raw: string): Promise<PersistedState> {
    const checked = parseStateEntries(raw, this.filePath, this.newId);
    if (checked.rejected.length === 0) return checked.state;
    const backup = await writeSetAside(this.filePath, checked.rejected, new Date());
    const n = checked.rejected.length;
    const listed = checked.rejected.slice(0, 5).map(describeEntry).join('; ');
    this.setAsideReport =
      (n > 1 ? t('{0} entries of the AWS Sessions state file {1} could not be used and were moved to {2}: ', n, this.filePath, backup) : t('1 entry of the AWS Sessions state file {0} could not be used and was moved to {1}: ', this.filePath, backup)) +
      t('{0}{1}. Everything else is kept. Add those sessions again, or fix the entries in that file and put them back.', listed, n > 5 ? t('; and {0} more', n - 5) : '');
    return checked.state;
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

  private async readRaw(): Promise<string | undefined> {
    const bytes = await readIfExists(this.filePath);
    return bytes?.toString('utf8');
  }

  private emit(state: PersistedState): void {
    for (const l of [...this.listeners]) {
      try {
        l(structuredClone(state));
      } catch {
        /* a listener's failure must not break the store or other listeners */
      }
    }
  }

  private startWatching(): void {
    if (this.watcher || this.poll || this.disposed) return;
    // Baseline: what this process considers current, so only real changes fire.
    void (async () => {
      this.lastRaw ??= await this.readRaw();
      this.lastStat = await this.statKey();
    })();
    const dir = path.dirname(this.filePath);
    const base = path.basename(this.filePath);
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name && name.toString() !== base) return;
        this.schedule();
      });
      this.watcher.on('error', () => this.stopWatcherOnly());
    } catch {
      this.watcher = undefined; // folder missing or watching unsupported: the poll still works
    }
    const pollMs = this.opts.pollMs ?? 500;
    if (pollMs > 0) {
      this.poll = setInterval(() => {
        void this.statKey().then((k) => {
          if (k !== this.lastStat) this.schedule();
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

  private async check(): Promise<void> {
    if (this.checking) return this.schedule();
    this.checking = true;
    try {
      this.lastStat = await this.statKey();
      const raw = await this.readRaw();
      if (raw === this.lastRaw || raw === undefined || this.disposed) return;
      let state: PersistedState;
      try {
        const checked = parseStateEntries(raw, this.filePath, this.newId);
        state = checked.state;
        if (checked.changed) void this.update(() => undefined).catch(() => undefined); // set the bad entries aside
      } catch {
        return; // a partial or broken file: read()/update() report it; wait for a valid write
      }
      this.lastRaw = raw;
      this.emit(state);
    } finally {
      this.checking = false;
    }
  }

  private async statKey(): Promise<string> {
    try {
      const st = await fs.stat(this.filePath);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }
}
