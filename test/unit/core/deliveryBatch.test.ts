/**
 * Starts of one selection are delivered together: counted on real files (the credentials and config files
 * under their lock, the shared state file) with a wrapper of node:fs. A batch of N starts writes each AWS file
 * once and the state file twice (the journal of all N before the files change, then all N results), however far
 * apart their credentials come; a single start is a group of one, written at once.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsFiles } from '../../../src/core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from '../../../src/core/fileDelivery';
import { fileLock } from '../../../src/core/fileLock';
import { silentLogger, systemClock } from '../../../src/core/ports';
import { runBatch } from '../../../src/core/sessionBatch';
import { SessionService } from '../../../src/core/sessionService';
import { FileStateStore } from '../../../src/core/stateStore';
import { countIo, type IoCount } from '../support/countIo';
import { FakeSts, MemorySecretVault, ScriptedPrompter } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const CREDENTIALS = '[theirs]\naws_access_key_id = AKIATHEIRS0000000001\naws_secret_access_key = theirSecret000000000000000000000000000000\n';
const CONFIG = '[default]\nregion = eu-central-1\n';
const N = 6;

describe('delivery in batches: one write of each file for the starts of one selection', () => {
  let home: string;
  let store: FileStateStore;
  let service: SessionService;
  let files: AwsFiles;
  let ids: string[];
  let sts: FakeSts;
  let io: { credentials: IoCount; config: IoCount; state: IoCount };
  const writes = () => ({ credentials: io.credentials.writes, config: io.config.writes, state: io.state.writes });

  beforeEach(async () => {
    home = tempDir('delivery-batch-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), CREDENTIALS);
    writeFileSync(join(home, '.aws', 'config'), CONFIG);
    store = new FileStateStore({ filePath: join(home, 'sessions.json') });
    files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(join(home, 'aws-files.lock')) });
    sts = new FakeSts(systemClock);
    service = new SessionService({ state: store, secrets: new MemorySecretVault(), sts, prompter: new ScriptedPrompter([]), clock: systemClock, logger: silentLogger, delivery: new CredentialsFileDelivery(files) });
    ids = [];
    for (let i = 0; i < N; i++) {
      const saved = await service.editor.save('iamUser', { alias: `u${i}`, profile: `p${i}`, region: 'eu-west-1', accessKeyId: 'AKIABATCH00000000001', secretAccessKey: 'batchSecret00000000000000000000000000000', mfaSerial: '' });
      ids.push(saved.id);
    }
    io = { credentials: countIo(files.credentialsPath), config: countIo(files.configPath), state: countIo(join(home, 'sessions.json')) };
  });
  afterEach(() => {
    io.state.restore();
    io.config.restore();
    io.credentials.restore();
    service.dispose();
    store.dispose();
  });

  it(`a batch of ${N} starts: the credentials and the config file written once each, the state file twice`, async () => {
    const result = await runBatch({ ...service, logger: silentLogger }, ids, { kind: 'start' });
    assert.deepEqual(result.outcomes.map((o) => o.status), ids.map(() => 'done'));
    assert.deepEqual(writes(), { credentials: 1, config: 1, state: 2 }, 'one read-modify-write of the AWS files; one journal write and one result write');
    const state = await store.read();
    for (const id of ids) assert.equal(state.active[id]?.status, 'active');
    const credentials = readFileSync(files.credentialsPath, 'utf8');
    const config = readFileSync(files.configPath, 'utf8');
    for (let i = 0; i < N; i++) {
      assert.match(credentials, new RegExp(`\\[p${i}\\]\\naws_access_key_id = ASIA`));
      assert.ok(config.includes(`[profile p${i}]\nregion = eu-west-1\n`));
    }
    assert.ok(credentials.startsWith(CREDENTIALS) && config.startsWith(CONFIG), 'nothing else touched');

    io.credentials.reset();
    io.config.reset();
    io.state.reset();
    const stopped = await runBatch({ ...service, logger: silentLogger }, ids, { kind: 'stop' });
    assert.deepEqual(stopped.outcomes.map((o) => o.status), ids.map(() => 'done'));
    assert.deepEqual([readFileSync(files.credentialsPath, 'utf8'), readFileSync(files.configPath, 'utf8')], [CREDENTIALS, CONFIG]);
  });

  it('a single start is the batch of one: each AWS file written once, the state file twice', async () => {
    await service.lifecycle.start(ids[0]);
    assert.deepEqual(writes(), { credentials: 1, config: 1, state: 2 });
    assert.equal((await store.read()).active[ids[0]]?.status, 'active');
  });

  it('a single start is not held back by a group still getting credentials: written at once, the group after', async () => {
    let letGo = () => {};
    const held = new Promise<void>((resolve) => (letGo = resolve));
    let asked = 0;
    const issue = sts.getSessionToken.bind(sts);
    // The first member's credentials come at once; the second's only when the test lets go.
    sts.getSessionToken = async (r) => (++asked === 2 ? held.then(() => issue(r)) : issue(r));
    const slots = service.lifecycle.deliveryGroup(2);
    const group = Promise.all([service.lifecycle.start(ids[0], slots[0]), service.lifecycle.start(ids[1], slots[1])]);
    while (asked < 2) await new Promise((r) => setImmediate(r));
    await service.lifecycle.start(ids[2]);
    let state = await store.read();
    assert.equal(state.active[ids[2]]?.status, 'active', 'the single start is written while the group waits');
    assert.equal(state.active[ids[0]], undefined);
    assert.equal(state.active[ids[1]], undefined, 'the group member with credentials waits for the other');
    letGo();
    await group;
    state = await store.read();
    assert.deepEqual([ids[0], ids[1]].map((id) => state.active[id]?.status), ['active', 'active']);
    assert.deepEqual(writes(), { credentials: 2, config: 2, state: 4 }, 'the single start and the group: two writes each');
  });

  it('50 roles of a selection whose credentials come one at a time (a paced portal): one write of each file, two of the state', async () => {
    for (let i = N; i < 50; i++) {
      const saved = await service.editor.save('iamUser', { alias: `u${i}`, profile: `p${i}`, region: 'eu-west-1', accessKeyId: 'AKIABATCH00000000001', secretAccessKey: 'batchSecret00000000000000000000000000000', mfaSerial: '' });
      ids.push(saved.id);
    }
    // As the portal's limiter hands out GetRoleCredentials: one call at a time, a pause between.
    let turn = Promise.resolve();
    const issue = sts.getSessionToken.bind(sts);
    sts.getSessionToken = (r) => {
      const mine = turn.then(() => new Promise<void>((resolve) => setTimeout(resolve, 25)));
      turn = mine;
      return mine.then(() => issue(r));
    };
    const writes0 = store.io.writes;
    io.credentials.reset();
    io.config.reset();
    const result = await runBatch({ ...service, logger: silentLogger }, ids, { kind: 'start' });
    assert.deepEqual(result.outcomes.filter((o) => o.status !== 'done'), []);
    assert.equal(store.io.writes - writes0, 2, 'the journal of all 50, then their results');
    assert.deepEqual([io.credentials.writes, io.config.writes], [1, 1]);
    const state = await store.read();
    assert.equal(ids.filter((id) => state.active[id]?.status === 'active').length, 50);
  });

  it('a start the files refuse (keys it did not write in its profile) fails alone; the others are written together', async () => {
    writeFileSync(files.credentialsPath, `${CREDENTIALS}\n[p2]\naws_access_key_id = AKIAUSERSOWN00000001\naws_secret_access_key = usersOwnSecret0000000000000000000000000\n`);
    const before = readFileSync(files.credentialsPath, 'utf8');
    io.credentials.reset();
    const result = await runBatch({ ...service, logger: silentLogger }, ids, { kind: 'start' });
    assert.deepEqual(result.outcomes.filter((o) => o.status !== 'done').map((o) => o.alias), ['u2']);
    assert.match(result.outcomes[2].cause ?? '', /did not write/);
    assert.deepEqual(writes(), { credentials: 1, config: 1, state: 3 }, 'one journal and one result write, and the failed start recorded');
    const state = await store.read();
    assert.equal(state.active[ids[2]]?.status, 'error');
    assert.equal(state.active[ids[2]]?.inFlight, undefined);
    assert.ok(readFileSync(files.credentialsPath, 'utf8').startsWith(before), 'the user’s keys untouched');
  });
});
