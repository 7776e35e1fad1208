import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LockTimeoutError, withLock } from '../../../src/core/fileLock';
import { tempDir } from '../support/tempDirs';

const child = path.join(__dirname, 'fileLock.child.ts');
const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', child, ...args], { timeout: 60_000 });

describe('fileLock', () => {
  let dir: string;
  beforeEach(async () => (dir = tempDir('lock-')));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('two processes incrementing 200 times each lose no update', async () => {
    const counter = path.join(dir, 'counter');
    await fs.writeFile(counter, '0');
    const lock = path.join(dir, 'sub', 'c.lock');
    await Promise.all([run([lock, counter, '200']), run([lock, counter, '200'])]);
    assert.equal(await fs.readFile(counter, 'utf8'), '400');
    await assert.rejects(fs.stat(lock), /ENOENT/, 'lock released');
  });

  it('a holder killed while creating the lock never leaves an empty lock: the next writer does not stall', async () => {
    const lock = path.join(dir, 'k.lock');
    const holder = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fileLock.kill.child.ts'), lock], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => holder.on('exit', r));
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('created') && resolve()));
    holder.kill('SIGKILL');
    await exited;
    const content = JSON.parse(await fs.readFile(lock, 'utf8')) as { pid: number };
    assert.equal(content.pid, holder.pid, 'the lock names its (dead) holder from the moment it exists');
    // Judged by age alone, an empty lock would hold for a minute; a dead holder's lock is broken at once.
    assert.equal(await withLock(lock, async () => 'acquired', { timeoutMs: 5_000, staleMs: 60_000 }), 'acquired');
    assert.deepEqual((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temp file of the lock left');
  });

  it('queues concurrent calls in one process and excludes them mutually', async () => {
    const lock = path.join(dir, 'q.lock');
    let inside = 0;
    let max = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withLock(lock, async () => {
          inside++;
          max = Math.max(max, inside);
          await new Promise((r) => setTimeout(r, 1));
          order.push(i);
          inside--;
        }),
      ),
    );
    assert.equal(max, 1);
    assert.deepEqual(order, Array.from({ length: 30 }, (_, i) => i));
  });

  it('releases the lock when fn throws, and is re-entrant within one call chain', async () => {
    const lock = path.join(dir, 'r.lock');
    await assert.rejects(withLock(lock, async () => { throw new Error('boom'); }), /boom/);
    await assert.rejects(fs.stat(lock), /ENOENT/);
    assert.equal(await withLock(lock, () => withLock(lock, async () => 7)), 7);
  });

  it('breaks a lock whose owner process is dead', async () => {
    const lock = path.join(dir, 'd.lock');
    const p = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => p.on('exit', r));
    await fs.writeFile(lock, JSON.stringify({ pid: p.pid, host: os.hostname(), token: 'x', acquiredAt: Date.now() }));
    // Not broken, the holder would be waited for until the timeout, which rejects naming it.
    assert.equal(await withLock(lock, async () => 'ok', { timeoutMs: 2000, staleMs: 60_000 }), 'ok');
  });

  it('waits for a live holder, then times out naming it', async () => {
    const lock = path.join(dir, 'l.lock');
    await fs.writeFile(lock, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'x', acquiredAt: Date.now() }));
    await assert.rejects(withLock(lock, async () => 1, { timeoutMs: 300, staleMs: 60_000 }), (e: unknown) => e instanceof LockTimeoutError && e.message.includes(String(process.ppid)));
    assert.ok(await fs.stat(lock), 'a live lock is not removed');
  });

  it('breaks a lock untouched for longer than staleMs', async () => {
    const lock = path.join(dir, 's.lock');
    await fs.writeFile(lock, 'garbage');
    const old = new Date(Date.now() - 5000);
    await fs.utimes(lock, old, old);
    assert.equal(await withLock(lock, async () => 'ok', { timeoutMs: 2000, staleMs: 1000 }), 'ok');
  });

  it('keeps a long-held lock fresh with a heartbeat', async () => {
    const lock = path.join(dir, 'h.lock');
    let stolen = false;
    await withLock(lock, async () => {
      await new Promise((r) => setTimeout(r, 700));
      const st = await fs.stat(lock);
      stolen = Date.now() - st.mtimeMs > 300;
    }, { staleMs: 300 });
    assert.equal(stolen, false);
  });
});
