/**
 * Starts that come together are delivered together: counted on real files (the credentials and config files
 * under their lock, the shared state file) with a wrapper of node:fs. A batch of N starts writes each AWS file
 * once and the state file twice (the journal of all N before the files change, then all N results); a single
 * start is the batch of one.
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

describe('delivery in batches: one write of each file for the starts that come together', () => {
  let home: string;
  let store: FileStateStore;
  let service: SessionService;
  let files: AwsFiles;
  let ids: string[];
  let io: { credentials: IoCount; config: IoCount; state: IoCount };
  const writes = () => ({ credentials: io.credentials.writes, config: io.config.writes, state: io.state.writes });

  beforeEach(async () => {
    home = tempDir('delivery-batch-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), CREDENTIALS);
    writeFileSync(join(home, '.aws', 'config'), CONFIG);
    store = new FileStateStore({ filePath: join(home, 'sessions.json') });
    files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(join(home, 'aws-files.lock')) });
    // A window long enough that starts begun together are delivered together however slow the machine.
    service = new SessionService({ state: store, secrets: new MemorySecretVault(), sts: new FakeSts(systemClock), prompter: new ScriptedPrompter([]), clock: systemClock, logger: silentLogger, delivery: new CredentialsFileDelivery(files), deliveryWindowMs: 60_000 });
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
