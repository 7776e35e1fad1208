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
 * After `after` calls, this method of `files` never returns: the process stops there as if killed.
 * Resolves when it has stopped there.
 */
function dieAt(files: AwsFiles, method: 'applyCredentials' | 'applyConfig' | 'revert', after = 0): Promise<void> {
  const original = files[method].bind(files) as (...args: unknown[]) => Promise<unknown>;
  let calls = 0;
  return new Promise((died) => {
    (files as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (calls++ < after) return original(...args);
      died();
      return new Promise(() => undefined);
    };
  });
}

describe('crash recovery: an interrupted start, refresh or stop is finished or undone', () => {
  let dir: string;
  let home: string;
  let storage: string;
  let credentialsFile: string;
  let configFile: string;
  let first: Wired;
  let id: string;

  const read = () => [readFileSync(credentialsFile, 'utf8'), readFileSync(configFile, 'utf8')];
  /** The first window died: its in-flight entry now names a pid that is gone. */
  const killFirst = () =>
    first.state.update((s) => {
      for (const a of Object.values(s.active)) if (a.inFlight) a.inFlight.pid = deadPid();
    });

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
    first = wire(home, storage, []);
    id = (await first.service.editor.save('iamUser', { alias: 'dev', profile: 'dev', region: 'eu-west-1', accessKeyId: LONG_TERM.accessKeyId, secretAccessKey: LONG_TERM.secretAccessKey, mfaSerial: '' })).id;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a start killed after writing the credentials file is undone at activation: original bytes, and Start works', async () => {
    const died = dieAt(first.files, 'applyConfig');
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
    const died = dieAt(first.files, 'applyConfig');
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
    const died = dieAt(first.files, 'applyConfig');
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
    const died = dieAt(first.files, 'applyConfig'); // first is alive, just slow
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
    const died = dieAt(first.files, 'applyConfig');
    void first.service.lifecycle.start(id);
    await died;
    await first.state.update((s) => {
      s.active[id].inFlight!.token = 'of-the-process-that-had-this-pid-before';
    });
    const second = wire(home, storage, [id]);
    assert.deepEqual(await second.service.lifecycle.recoverInterrupted(), [id]);
    assert.deepEqual(read(), [CREDENTIALS, CONFIG]);
  });

  it('records the intent before writing: digests of the values, never a value', async () => {
    const died = dieAt(first.files, 'applyConfig');
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
});
