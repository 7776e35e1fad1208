/**
 * Which windows could serve the CLI. Every running window keeps a small record `windows/<id>.json`
 * (`{pid, host, start?, problem?}`, removed when it closes); the lease names the one serving. `start` is
 * the process's start time, which tells the window from a later process given its pid after a crash; where
 * the system does not tell it (no /proc), the window touches its record now and then instead, and a record
 * untouched for a minute is a leftover.
 * The CLI reads both only when it cannot reach a server: while the lease holder lives, or another window
 * lives that has not said it cannot serve, a hand-over is under way and it keeps waiting; otherwise no window
 * will answer and it stops at once (with the reason a window gave, if one did).
 */
import { closeSync, constants, futimesSync, openSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { IpcPaths } from './paths';
import { PROTOCOL_VERSION } from './protocol';
import { t } from '../l10n';

/** Why a window cannot serve: the path at fault and the reason in words (with what to do). */
export interface ServeProblem {
  path: string;
  reason: string;
}

export interface WindowRecord {
  pid: number;
  host: string;
  /** The process's start time (processStart); absent where the system does not tell it. */
  start?: string;
  problem?: ServeProblem;
}

/** A window record without a start time untouched for this long is a leftover (its pid may have been reused). */
export const WINDOW_RECORD_FRESH_MS = 60_000;
/** How often a window whose record has no start time touches it. */
export const WINDOW_TOUCH_MS = 10_000;

/**
 * When process `pid` started, in the kernel's clock ticks since boot (field 22 of /proc/<pid>/stat), as
 * text; undefined when the process is gone or the system has no /proc. Two processes given the same pid
 * one after the other have different start times.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; the fields after its last ')' start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[22 - 3];
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process of a record (of this host) has ended: its pid is dead, or taken by a process that started at another time. */
function processGone(record: WindowRecord): boolean {
  return !pidAlive(record.pid) || (record.start !== undefined && processStart(record.pid) !== record.start);
}

/** True while the window of a record (of this host) runs: its process lives and, without a start time, it touched the record within the last minute. */
function windowRuns(record: WindowRecord, mtimeMs: () => number, now: number): boolean {
  return !processGone(record) && (record.start !== undefined || now - mtimeMs() <= WINDOW_RECORD_FRESH_MS);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseWindow(text: string): WindowRecord | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (!isRecord(v) || typeof v.pid !== 'number' || typeof v.host !== 'string') return undefined;
    const p = v.problem;
    const problem = isRecord(p) && typeof p.path === 'string' && typeof p.reason === 'string' ? { path: p.path, reason: p.reason } : undefined;
    return { pid: v.pid, host: v.host, start: typeof v.start === 'string' ? v.start : undefined, problem };
  } catch {
    return undefined;
  }
}

export function windowFile(paths: IpcPaths, id: string): string {
  return join(paths.windows, `${id}.json`);
}

/** Write this window's record (0600, atomically). */
export async function writeWindow(paths: IpcPaths, id: string, record: WindowRecord): Promise<void> {
  await fs.mkdir(paths.windows, { recursive: true, mode: 0o700 });
  const file = windowFile(paths, id);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  await fs.rename(tmp, file);
}

export async function touchWindow(paths: IpcPaths, id: string): Promise<void> {
  const now = new Date();
  await fs.utimes(windowFile(paths, id), now, now);
}

export async function removeWindow(paths: IpcPaths, id: string): Promise<void> {
  await fs.unlink(windowFile(paths, id)).catch(() => undefined);
}

/** Remove the records of windows of this host whose process is gone (a crash leaves its record). */
export async function pruneWindows(paths: IpcPaths): Promise<void> {
  const host = hostname();
  for (const name of await fs.readdir(paths.windows).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const file = join(paths.windows, name);
    const record = parseWindow(await fs.readFile(file, 'utf8').catch(() => ''));
    if (record && record.host === host && processGone(record)) await fs.unlink(file).catch(() => undefined);
  }
}

export interface HandOverState {
  /** A window of this host lives that holds the lease or may take it: keep waiting. */
  waiting: boolean;
  /** When none may serve: what a living window reported. */
  problem?: ServeProblem;
}

/** The CLI's view (synchronous: it runs only when no server answered). */
export function handOverState(paths: IpcPaths, now = Date.now()): HandOverState {
  const host = hostname();
  let problem: ServeProblem | undefined;
  try {
    const lease = JSON.parse(readFileSync(paths.lease, 'utf8')) as { pid?: unknown; host?: unknown; v?: unknown };
    if (lease.host === host && typeof lease.pid === 'number' && pidAlive(lease.pid)) {
      if (lease.v === PROTOCOL_VERSION) return { waiting: true };
      if (typeof lease.v === 'number' && lease.v > PROTOCOL_VERSION) {
        // Newer windows keep the lease from this version's: none this CLI can talk to will serve.
        return { waiting: false, problem: { path: paths.lease, reason: t('the serving window (process {0}) runs a newer version of AWS Sessions (protocol {1}) than this command line (protocol {2}); run the aws-sessions shim that window installs, or reload the window', lease.pid, lease.v, PROTOCOL_VERSION) } };
      }
      // A window of this version takes the lease from it; without one, nothing this CLI can talk to will come.
      problem = { path: paths.lease, reason: t('the serving window (process {0}) runs an older version of AWS Sessions; reload it (Developer: Reload Window)', lease.pid) };
    }
  } catch {
    /* no lease: look at the windows */
  }
  let names: string[] = [];
  try {
    names = readdirSync(paths.windows);
  } catch {
    return { waiting: false, problem };
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(paths.windows, name);
    try {
      const record = parseWindow(readFileSync(file, 'utf8'));
      if (!record || record.host !== host || !windowRuns(record, () => statSync(file).mtimeMs, now)) continue;
      if (!record.problem) return { waiting: true };
      if (!problem || problem.path === paths.lease) problem = record.problem;
    } catch {
      /* removed meanwhile */
    }
  }
  return { waiting: false, problem };
}

/** The CLI got no answer: touch the wake file, so the windows look at the serving one now (best effort). */
export function pokeWindows(paths: IpcPaths): void {
  try {
    // Never through a link, never truncating: created 0600 if missing, else only its times change.
    const fd = openSync(paths.wake, constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      const now = new Date();
      futimesSync(fd, now, now);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* no IPC folder (no window ever ran) or not ours: nothing to wake */
  }
}
