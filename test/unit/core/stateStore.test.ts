import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { PersistedState } from '../../../src/core/model';
import { FileStateStore, StateFileError } from '../../../src/core/stateStore';
import { tempDir } from '../support/tempDirs';

const child = path.join(__dirname, 'stateStore.child.ts');
const runChild = (file: string, ...names: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', child, file, ...names], { timeout: 60_000 });

function nextChange(store: FileStateStore, pred: (s: PersistedState) => boolean, timeoutMs: number): Promise<PersistedState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error('no change event')); }, timeoutMs);
    const sub = store.onDidChange((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

describe('FileStateStore', () => {
  let dir: string;
  let file: string;
  let store: FileStateStore;
  beforeEach(async () => {
    dir = tempDir('state-');
    file = path.join(dir, 'g', 'sessions.json');
    store = new FileStateStore({ filePath: file, newId: () => 'default-id' });
  });
  afterEach(async () => {
    store.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads a missing file as the empty state without creating it', async () => {
    assert.deepEqual(await store.read(), { version: 1, profiles: [{ id: 'default-id', name: 'default' }], sessions: [], active: {} });
    await assert.rejects(fs.stat(file), /ENOENT/);
  });

  it('updates atomically with mode 0600 and fires once for its own change', async () => {
    const events: PersistedState[] = [];
    const sub = store.onDidChange((s) => events.push(s));
    await store.update((s) => { s.profiles.push({ id: 'p1', name: 'dev' }); });
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.deepEqual((await store.read()).profiles.map((p) => p.name), ['default', 'dev']);
    await store.update(() => undefined); // no change: no write, no event
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(events.length, 1);
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['sessions.json'], 'no temp file left, lock released');
    sub.dispose();
  });

  it('reads and parses the file once when several callers read it at the same time (as at activation)', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const sessions = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, kind: 'iamUser', alias: `a${i}`, profileId: 'p0', region: 'eu-west-1' }));
    await fs.writeFile(file, JSON.stringify({ version: 1, profiles: [{ id: 'p0', name: 'default' }], sessions, active: {} }));
    const watching = store.onDidChange(() => undefined); // its baseline read runs alongside
    const snapshots = await Promise.all([store.read(), store.read(), store.read()]);
    assert.equal(snapshots[0].sessions.length, 200);
    assert.ok(snapshots.every((s) => s === snapshots[0]), 'one shared snapshot');
    await store.read();
    assert.deepEqual({ reads: store.io.reads, parses: store.io.parses }, { reads: 1, parses: 1 });
    watching.dispose();
  });

  it('reads and parses the file once when a read starts while an update of this store is between its read and its write', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const sessions = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, kind: 'iamUser', alias: `a${i}`, profileId: 'p0', region: 'eu-west-1' }));
    await fs.writeFile(file, JSON.stringify({ version: 1, profiles: [{ id: 'p0', name: 'default' }], sessions, active: {} }));
    let during: Promise<PersistedState> | undefined;
    const updated = await store.update((s) => {
      during = store.read(); // e.g. the tree refreshing while a start is under way
      s.profiles.push({ id: 'p1', name: 'dev' });
    });
    assert.deepEqual(updated.profiles.map((p) => p.name), ['default', 'dev']);
    assert.equal(await during, updated, 'the read gives what the update wrote, not the file as it was before');
    assert.equal(await store.read(), updated);
    assert.deepEqual(store.io, { reads: 1, parses: 1, writes: 1 });
  });

  it('refuses a corrupt file and never overwrites it', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"version":1, "profiles": [');
    await assert.rejects(store.read(), StateFileError);
    await assert.rejects(store.update(() => undefined), StateFileError);
    assert.equal(await fs.readFile(file, 'utf8'), '{"version":1, "profiles": [');
    await fs.writeFile(file, '{"version":2}');
    await assert.rejects(store.read(), /unsupported version 2/);
  });

  it('fires when another process writes, and only on real changes', async () => {
    await store.update(() => undefined);
    const events: PersistedState[] = [];
    const sub = store.onDidChange((s) => events.push(s));
    await new Promise((r) => setTimeout(r, 100));
    // The limit only ends a test that would otherwise hang: it includes the child's start (tsx), slow on a busy machine.
    const got = nextChange(store, (s) => s.profiles.some((p) => p.name === 'fromChild'), 60_000);
    await runChild(file, 'fromChild');
    await got;
    // Rewrite the identical content: no event.
    const same = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, same);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(events.length, 1);
    sub.dispose();
  });

  it('loses no update when two processes and this one update concurrently', async () => {
    await Promise.all([
      runChild(file, 'a1', 'a2', 'a3', 'a4', 'a5'),
      runChild(file, 'b1', 'b2', 'b3', 'b4', 'b5'),
      (async () => { for (let i = 0; i < 5; i++) await store.update((s) => { s.profiles.push({ id: `c${i}`, name: `c${i}` }); }); })(),
    ]);
    assert.equal((await store.read()).profiles.length, 16);
  });

  it('stops watching on dispose', async () => {
    await store.update(() => undefined);
    let n = 0;
    store.onDidChange(() => n++);
    store.dispose();
    await runChild(file, 'late');
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(n, 0);
  });
});
