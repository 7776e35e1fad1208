/**
 * A crash between writing an AWS file and recording it, at chosen points: the process "dies" by never
 * going on (its next file operation hangs), its in-flight entry is handed to a pid that has exited, and a
 * second service on the same files and state — a new window — recovers at activation, or on Start or Stop.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsFiles } from '../../../../src/core/awsFiles/awsFiles';
import { StorageFiles } from '../../../../src/core/constants';
import { withLock, type LockRunner } from '../../../../src/core/fileLock';
import { LONG_TERM, wire, type Wired } from './wiring';
import { tempDir } from '../../support/tempDirs';

const CREDENTIALS = '[work]\naws_access_key_id = AKIAWORK000000000001\naws_secret_access_key = workSecretOfAnotherProfile00000000000000\n';
const CONFIG = '[profile dev]\nregion = eu-central-1\noutput = json\n';

/** A pid that existed on this host and has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/**
 * The process stops as if killed at a step of `files` and never goes on: at the write of the credentials or the
 * config file (`finished`: just after it), at a revert, or just after a whole `applyAll` (outside the lock); the
 * first `after` such steps still run. Resolves when it has stopped there.
 */
function dieAt(files: AwsFiles, step: 'credentials' | 'config' | 'revert' | 'applyAll', after = 0, finished = false): Promise<void> {
  const method = step === 'revert' || step === 'applyAll' ? step : 'write';
  const hooked = files as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = hooked[method].bind(files);
  let calls = 0;
  return new Promise((died) => {
    hooked[method] = async (...args: unknown[]) => {
      if ((method === 'write' && args[0] !== step) || calls++ < after) return original(...args);
      if (finished || step === 'applyAll') await original(...args);
      died();
      return new Promise(() => undefined);
    };
  });
}

/**
 * The AWS files lock of a window that can be killed inside it: `kill()` releases the lock at once (as a dead
 * holder's is broken) and whatever held it, or asks for it later, never goes on.
 */
function killableLock(lockPath: string): { run: LockRunner; kill: () => void } {
  const KILLED = new Error('killed');
  let kill: () => void = () => undefined;
  const killed = new Promise<never>((_, reject) => (kill = () => reject(KILLED)));
  killed.catch(() => undefined);
  const run: LockRunner = <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      withLock(lockPath, () => Promise.race([fn(), killed])).then(resolve, (error: unknown) => {
        if (error !== KILLED) reject(error);
      });
    });
  return { run, kill: () => kill() };
}

describe('crash recovery: an interrupted start, refresh or stop is finished or undone', () => {
  let dir: string;
  let home: string;
  let storage: string;
  let credentialsFile: string;
  let configFile: string;
  let first: Wired;
  let firstLock: ReturnType<typeof killableLock>;
  let id: string;

  const read = () => [readFileSync(credentialsFile, 'utf8'), readFileSync(configFile, 'utf8')];
  /** The first window died: its lock is free, its in-flight entry now names a pid that is gone. */
  const killFirst = () => {
    firstLock.kill();
    return first.state.update((s) => {
      for (const a of Object.values(s.active)) if (a.inFlight) a.inFlight.pid = deadPid();
    });
  };

  beforeEach(async () => {
    dir = tempDir('recovery-');
    home = join(dir, 'home');
    storage = join(dir, 'storage');
    mkdirSync(join(home, '.aws'), { recursive: true });
    mkdirSync(storage);
    credentialsFile = join(home, '.aws', 'credentials');
    configFile = join(home, '.aws', 'config');
    writeFileSync(credentialsFile, CREDENTIALS);
    writeFileSync(configFile, CONFIG);
    firstLock = killableLock(join(storage, StorageFiles.awsFilesLock));
    first = wire(home, storage, [], firstLock.run);
    id = (await first.service.editor.save('iamUser', { alias: 'dev', profile: 'dev', region: 'eu-west-1', accessKeyId: LONG_TERM.accessKeyId, secretAccessKey: LONG_TERM.secretAccessKey, mfaSerial: '' })).id;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a start killed after writing the credentials file is undone at activation: original bytes, and Start works', async () => {
    const died = dieAt(first.files, 'config');
    void first.service.lifecycle.start(id);
    await died;
    assert.match(read()[0], /\[dev\]\naws_access_key_id = ASIA/, 'the keys were written');
    await killFirst();

    const second = wire(home, storage, [id]);
    assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [id]);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
    assert.equal((await second.state.read()).active[id], undefined, 'inactive, not "starting"');
    await second.service.lifecycle.start(id);
    await second.service.lifecycle.stop(id);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
  });

  it('the same crash is undone by the next Start, which then succeeds (no ForeignCredentialsError)', async () => {
    const died = dieAt(first.files, 'config');
    void first.service.lifecycle.start(id);
    await died;
    await killFirst();
    const second = wire(home, storage, [id]);
    await second.service.lifecycle.start(id);
    const state = await second.state.read();
    assert.equal(state.active[id].status, 'active');
    assert.equal(state.active[id].inFlight, undefined);
    await second.service.lifecycle.stop(id);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
  });

  it('a refresh killed after writing the new keys is finished at activation: they are recorded, and Stop removes them', async () => {
    await first.service.lifecycle.start(id);
    const before = (await first.state.read()).active[id];
    const died = dieAt(first.files, 'credentials', 0, true); // the region is the same: the config file is not written again
    void first.service.lifecycle.refresh(id);
    await died;
    await killFirst();
    const keyWritten = /aws_access_key_id = (\S+)/.exec(read()[0])?.[1];

    const second = wire(home, storage, [id]);
    assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [id]);
    const after = (await second.state.read()).active[id];
    assert.equal(after.status, 'active');
    assert.equal(after.inFlight, undefined);
    assert.notDeepEqual(after.delivery, before.delivery, 'the record names the new keys');
    assert.ok(Date.parse(after.expiration!) >= Date.parse(before.expiration!));
    assert.ok(await second.files.holds((after.delivery as { credentials: Parameters<AwsFiles['holds']>[0] }).credentials), `the record matches the file (${keyWritten?.slice(0, 4)}…)`);
    await second.service.lifecycle.stop(id);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG], 'Stop removed the keys the interrupted refresh wrote');
  });

  it('a stop killed between its two files is finished: original bytes, session inactive', async () => {
    await first.service.lifecycle.start(id);
    const died = dieAt(first.files, 'revert', 1); // the config file is reverted, the credentials file never
    void first.service.lifecycle.stop(id);
    await died;
    assert.equal(read()[1], CONFIG);
    assert.match(read()[0], /\[dev\]/);
    await killFirst();

    const second = wire(home, storage, [id]);
    assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [id]);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
    assert.equal((await second.state.read()).active[id], undefined);
  });

  it('leaves the operation of a live window alone; a Stop there takes it over and removes what it wrote', async () => {
    const died = dieAt(first.files, 'applyAll'); // first is alive, just slow: both files written, the result not yet recorded
    void first.service.lifecycle.start(id);
    await died;
    const second = wire(home, storage, [id]);
    assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [], 'not abandoned: its owner runs');
    assert.match(read()[0], /\[dev\]/);
    assert.equal((await second.state.read()).active[id].inFlight?.op, 'start');

    await second.service.lifecycle.stop(id);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
    assert.equal((await second.state.read()).active[id], undefined);
  });

  it('an entry with this process’s pid from an earlier process (pid reused after a restart) is recovered', async () => {
    const died = dieAt(first.files, 'config');
    void first.service.lifecycle.start(id);
    await died;
    firstLock.kill();
    await first.state.update((s) => {
      s.active[id].inFlight!.token = 'of-the-process-that-had-this-pid-before';
    });
    const second = wire(home, storage, [id]);
    assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [id]);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
  });

  it('records the intent before writing: digests of the values, never a value', async () => {
    const died = dieAt(first.files, 'config');
    void first.service.lifecycle.start(id);
    await died;
    const raw = readFileSync(join(storage, 'sessions.json'), 'utf8');
    const secret = /aws_secret_access_key = (\S+)/.exec(read()[0])![1];
    const token = /aws_session_token = (\S+)/.exec(read()[0])![1];
    assert.ok(!raw.includes(secret) && !raw.includes(token), 'no secret in the state file');
    const pending = JSON.parse(raw).active[id].inFlight.pending;
    assert.equal(pending.credentials.profile, 'dev');
    assert.deepEqual(Object.keys(pending.credentials.keys).sort(), ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
    for (const rec of Object.values(pending.credentials.keys) as Array<{ written: string }>) assert.match(rec.written, /^sha256:[0-9a-f]{64}$/);
  });

  describe('a batch of starts, delivered together, killed in the middle', () => {
    const profiles = ['dev', 'stage', 'prod'];
    let ids: string[];
    beforeEach(async () => {
      ids = [id];
      for (const profile of profiles.slice(1)) {
        ids.push((await first.service.editor.save('iamUser', { alias: profile, profile, region: 'eu-west-1', accessKeyId: LONG_TERM.accessKeyId, secretAccessKey: LONG_TERM.secretAccessKey, mfaSerial: '' })).id);
      }
    });
    /** Started together: one group, delivered together. */
    const startAll = (w: Wired) => {
      const slots = w.service.lifecycle.deliveryGroup(ids.length);
      return Promise.all(ids.map((i, k) => w.service.lifecycle.start(i, slots[k])));
    };
    const journalled = async () => Object.values((await first.state.read()).active).filter((a) => a.inFlight?.op === 'start' && a.inFlight.pending).length;

    for (const [step, finished, what] of [
      ['credentials', false, 'before any file changed (the journal written)'],
      ['config', false, 'between the credentials file (all three sessions’ keys) and the config file'],
      ['config', true, 'after both files, before the result was recorded'],
    ] as const) {
      it(`${what}: undone at activation for all three (original bytes), and starting them again works`, async () => {
        const died = dieAt(first.files, step, 0, finished);
        void startAll(first);
        await died;
        assert.equal(await journalled(), 3, 'one journal entry per session, written before the files');
        const [credentials, config] = read();
        for (const profile of profiles) {
          assert.equal(new RegExp(`\\[${profile}\\]\\naws_access_key_id = ASIA`).test(credentials), step !== 'credentials', `[${profile}] keys in the credentials file`);
          assert.equal(config.includes(`[profile ${profile === 'dev' ? 'dev]\nregion = eu-west-1' : `${profile}]`}`), finished, `[profile ${profile}] region in the config file`);
        }
        await killFirst();

        const second = wire(home, storage, ids);
        assert.deepEqual((await second.service.lifecycle.recoverInterrupted()).sort(), [...ids].sort());
        assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
        assert.deepEqual((await second.state.read()).active, {}, 'inactive, none "starting"');
        await startAll(second);
        for (const i of ids) assert.equal((await second.state.read()).active[i]?.status, 'active');
        await Promise.all(ids.map((i) => second.service.lifecycle.stop(i)));
        assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
      });
    }

    it('a live window’s batch, its files written but not its result: a Stop elsewhere takes one session over and removes its keys only', async () => {
      const died = dieAt(first.files, 'applyAll');
      void startAll(first);
      await died;
      const second = wire(home, storage, ids);
      assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [], 'not abandoned: its owner runs');
      await second.service.lifecycle.stop(ids[1]);
      const state = await second.state.read();
      assert.equal(state.active[ids[1]], undefined);
      const [credentials, config] = read();
      assert.ok(!credentials.includes('[stage]') && !config.includes('[profile stage]'), 'the stopped session’s keys and region were removed');
      assert.ok(credentials.includes('[prod]') && config.includes('[profile prod]'), 'the others’ stay');
      assert.equal(state.active[ids[2]]?.inFlight?.op, 'start', 'the others are still its');
    });
  });
});
