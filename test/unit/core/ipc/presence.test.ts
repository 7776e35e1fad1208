/**
 * The windows' presence records the CLI reads when no window answers: a record names its process by pid
 * and start time, so a window that idles needs no heartbeat, and a later process given a crashed window's
 * pid is not taken for it.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ServingLease } from '../../../../src/core/ipc/lease';
import { ipcPaths } from '../../../../src/core/ipc/paths';
import { handOverState, processStart, pruneWindows, windowFile, WINDOW_RECORD_FRESH_MS } from '../../../../src/core/ipc/presence';
import { tempDir } from '../../support/tempDirs';

const record = (pid: number, start?: string) => JSON.stringify({ pid, host: hostname(), start });

function windowsFolder() {
  const paths = ipcPaths(join(tempDir('aws-sessions-presence-'), 'ipc'));
  mkdirSync(paths.windows, { recursive: true, mode: 0o700 });
  return paths;
}

/** A record written `ageMs` ago. */
function writeRecord(file: string, text: string, ageMs: number): void {
  writeFileSync(file, text, { mode: 0o600 });
  const then = new Date(Date.now() - ageMs);
  utimesSync(file, then, then);
}

describe('presence records of the windows', () => {
  it('a process start time: the same for the same process, another for another process, none once it is gone', async () => {
    const mine = processStart(process.pid);
    assert.match(mine ?? '', /^\d+$/);
    assert.equal(processStart(process.pid), mine);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const theirs = processStart(child.pid!);
    assert.match(theirs ?? '', /^\d+$/);
    child.kill();
    await new Promise((r) => child.once('exit', r));
    assert.equal(processStart(child.pid!), undefined);
  });

  it('a window idle for longer than a minute is still waited for: its start time says it runs, no touch needed', () => {
    const paths = windowsFolder();
    writeRecord(windowFile(paths, 'idle'), record(process.pid, processStart(process.pid)), 10 * WINDOW_RECORD_FRESH_MS);
    assert.deepEqual(handOverState(paths), { waiting: true });
  });

  it('a record of a crashed window whose pid another process now has is not waited for, fresh as it looks, and is pruned', async () => {
    const paths = windowsFolder();
    const file = windowFile(paths, 'crashed');
    const mine = processStart(process.pid)!;
    // The pid lives (this process) but started at another time than the window that wrote the record.
    writeRecord(file, record(process.pid, String(Number(mine) - 1)), 0);
    assert.deepEqual(handOverState(paths), { waiting: false, problem: undefined });
    await pruneWindows(paths);
    assert.throws(() => readFileSync(file), /ENOENT/);
  });

  it('a record without a start time (a system without /proc) is trusted only while touched', () => {
    const paths = windowsFolder();
    const file = windowFile(paths, 'old');
    writeRecord(file, record(process.pid), 0);
    assert.deepEqual(handOverState(paths), { waiting: true });
    writeRecord(file, record(process.pid), 2 * WINDOW_RECORD_FRESH_MS);
    assert.equal(handOverState(paths).waiting, false);
  });

  it('a window writes its start time and keeps no presence timer', async () => {
    const paths = ipcPaths(join(tempDir('aws-sessions-presence-'), 'ipc'));
    const lease = new ServingLease({ paths, onAcquire: async () => undefined, onRelease: async () => undefined });
    // Intervals made while it starts and still running after (a lock's heartbeat while held comes and goes).
    const running = new Map<NodeJS.Timeout, number>();
    const setIntervalBefore = global.setInterval;
    const clearIntervalBefore = global.clearInterval;
    global.setInterval = ((fn: () => void, ms?: number) => {
      const timer = setIntervalBefore(fn, ms);
      running.set(timer, ms ?? 0);
      return timer;
    }) as typeof setInterval;
    global.clearInterval = ((timer?: NodeJS.Timeout) => (running.delete(timer!), clearIntervalBefore(timer))) as typeof clearInterval;
    let written: { pid?: number; start?: string } = {};
    try {
      await lease.start();
      const [name] = readdirSync(paths.windows).filter((n) => n.endsWith('.json'));
      written = JSON.parse(readFileSync(join(paths.windows, name), 'utf8')) as typeof written;
      assert.deepEqual([...running.values()], [], 'no interval left running');
    } finally {
      global.setInterval = setIntervalBefore;
      global.clearInterval = clearIntervalBefore;
      await lease.dispose();
    }
    assert.equal(written.pid, process.pid);
    assert.equal(written.start, processStart(process.pid));
  });
});
