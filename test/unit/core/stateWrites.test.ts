/**
 * What a start, stop and refresh cost in the shared state file: counted with a wrapper of node:fs, on the
 * real FileStateStore watching its file as every window does. One write for the intent (with the
 * delivery's first journal entry) and one for the result; the store never reads back a file it wrote.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, systemClock } from '../../../src/core/ports';
import { SessionService } from '../../../src/core/sessionService';
import { FileStateStore } from '../../../src/core/stateStore';
import { countIo, type IoCount } from '../support/countIo';
import { FakeSts, MemoryDelivery, MemorySecretVault, ScriptedPrompter } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const settle = () => new Promise((r) => setTimeout(r, 200)); // the watcher's debounce, and what it then does

describe('state file: writes and reads per operation', () => {
  let file: string;
  let store: FileStateStore;
  let service: SessionService;
  let io: IoCount;
  let id: string;

  beforeEach(async () => {
    file = join(tempDir('state-writes-'), 'sessions.json');
    store = new FileStateStore({ filePath: file });
    const secrets = new MemorySecretVault();
    service = new SessionService({ state: store, secrets, sts: new FakeSts(systemClock), prompter: new ScriptedPrompter([]), clock: systemClock, logger: silentLogger, delivery: new MemoryDelivery() });
    const saved = await service.editor.save('iamUser', { alias: 'dev', profile: 'default', region: 'eu-west-1', accessKeyId: 'AKIAWRITES0000000001', secretAccessKey: 'writesSecret0000000000000000000000000000', mfaSerial: '' });
    id = saved.id;
    await settle();
    io = countIo(file);
  });
  afterEach(() => {
    io?.restore();
    service.dispose();
    store.dispose();
  });

  it('a start writes the file twice (intent with the journal entry, then the record) and reads it never', async () => {
    await service.lifecycle.start(id);
    await settle();
    assert.deepEqual({ writes: io.writes, reads: io.reads }, { writes: 2, reads: 0 });
    assert.equal((await store.read()).active[id]?.status, 'active');
  });

  it('a stop writes it twice, a refresh three times (claim, journal entry, record); none reads it', async () => {
    await service.lifecycle.start(id);
    await settle();
    io.reset();
    assert.ok(await service.lifecycle.refresh(id));
    await settle();
    assert.deepEqual({ writes: io.writes, reads: io.reads }, { writes: 3, reads: 0 }, 'refresh');
    io.reset();
    await service.lifecycle.stop(id);
    await settle();
    assert.deepEqual({ writes: io.writes, reads: io.reads }, { writes: 2, reads: 0 }, 'stop');
  });

  it('is compact JSON, and a write by another process is read once', async () => {
    await service.lifecycle.start(id);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(!text.includes('\n  '), 'not pretty-printed');
    io.reset();
    const other = new FileStateStore({ filePath: file });
    await other.update((s) => {
      s.profiles.push({ id: 'p-other', name: 'other' });
    });
    other.dispose();
    await settle();
    assert.equal(io.reads, 2, 'the other store reads it once, this one once (the watcher)');
    assert.ok((await store.read()).profiles.some((p) => p.name === 'other'));
    assert.equal(io.reads, 2);
  });
});
