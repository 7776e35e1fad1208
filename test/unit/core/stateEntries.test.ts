/** A sessions.json with unusable entries: the good ones are kept, the bad ones moved to a named backup, and nothing downstream throws. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileStateStore } from '../../../src/core/stateStore';
import { buildTreeModel } from '../../../src/core/treeModel';
import { SessionService } from '../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, RecordingLogger, ScriptedPrompter } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const good = { id: 'good-1', kind: 'iamUser', alias: 'alice', profileId: 'p-default', region: 'eu-west-1' };
const chained = { id: 'good-2', kind: 'iamRoleChained', alias: 'dev', profileId: 'p-dev', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Dev', assumerSessionId: 'good-1' };
const BAD_STATE = {
  version: 1,
  profiles: [{ id: 'p-default', name: 'default' }, null, { id: 'p-dev', name: 'dev' }, { id: 'p-3' }],
  sessions: [
    good,
    null,
    { id: 'half', kind: 'iamUser', alias: 'half' },
    { id: 'odd', kind: 'iamDog', alias: 'rex', profileId: 'p-default', region: 'eu-west-1' },
    { ...good, alias: 'copy' },
    { id: 'x', kind: 'iamRoleFederated', alias: 'fed', profileId: 'p-default', region: 'eu-west-1', roleArn: 7, idpUrl: 'https://idp', samlProviderArn: 'arn:aws:iam::1:saml-provider/x' },
    chained,
  ],
  active: { 'good-1': { sessionId: 'good-1', status: 'active', expiration: '2026-11-22T12:00:00.000Z' }, ghost: null },
  pinned: ['good-2', 5],
};

describe('state file with unusable entries', () => {
  let dir: string;
  let file: string;
  let store: FileStateStore;
  let told: string[];
  beforeEach(async () => {
    dir = tempDir('state-entries-');
    file = path.join(dir, 'sessions.json');
    await fs.writeFile(file, JSON.stringify(BAD_STATE, null, 2));
    told = [];
    store = new FileStateStore({ filePath: file, newId: () => 'new-id', pollMs: 0, onSetAside: (m) => told.push(m) });
  });
  afterEach(async () => {
    store.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps the good entries, moves the bad ones to a backup it names, and says so once', async () => {
    const state = await store.read();
    assert.deepEqual(state.sessions, [good, chained]);
    assert.deepEqual(state.profiles, [{ id: 'p-default', name: 'default' }, { id: 'p-dev', name: 'dev' }]);
    assert.deepEqual(Object.keys(state.active), ['good-1']);
    assert.deepEqual(state.pinned, ['good-2']);

    const backups = (await fs.readdir(dir)).filter((n) => /^sessions\.rejected-.+\.json$/.test(n));
    assert.equal(backups.length, 1, `one backup: ${await fs.readdir(dir)}`);
    const backupPath = path.join(dir, backups[0]);
    assert.equal((await fs.stat(backupPath)).mode & 0o777, 0o600);
    const backup = JSON.parse(await fs.readFile(backupPath, 'utf8')) as { file: string; entries: Array<{ where: string; reason: string; value: unknown }> };
    assert.equal(backup.file, file);
    assert.deepEqual(
      backup.entries.map((e) => [e.where, e.reason]),
      [
        ['profiles[1]', 'profiles[1]: Invalid type: Expected Object but received null'],
        ['profiles[3]', 'profiles[3].name: Invalid key: Expected "name" but received undefined'],
        ['sessions[1]', 'sessions[1]: Invalid type: Expected Object but received null'],
        ['sessions[2]', 'sessions[2].profileId: Invalid key: Expected "profileId" but received undefined'],
        ['sessions[3]', 'sessions[3].kind: Invalid type: Expected ("iamUser" | "iamRoleChained" | "iamRoleFederated" | "awsSso") but received "iamDog"'],
        ['sessions[4]', 'sessions[4]: another entry before it has the id "good-1"'],
        ['sessions[5]', 'sessions[5].roleArn: Invalid type: Expected string but received 7'],
        ['active["ghost"]', 'active["ghost"]: Invalid type: Expected Object but received null'],
        ['pinned[1]', 'pinned[1]: not a session id'],
      ],
    );
    assert.deepEqual(backup.entries[3].value, BAD_STATE.sessions[2], 'the entry itself is kept in the backup');

    assert.equal(told.length, 1);
    assert.ok(told[0].includes(file) && told[0].includes(backupPath), told[0]);
    assert.match(told[0], /9 entries .* could not be used and were moved to .*: profiles\[1\]: Invalid type: Expected Object but received null; .*sessions\[2\]\.profileId: Invalid key: Expected "profileId" but received undefined \(alias "half"\)/);

    const rewritten = JSON.parse(await fs.readFile(file, 'utf8')) as typeof BAD_STATE;
    assert.deepEqual(rewritten.sessions, [good, chained], 'the file holds the good entries only');
    await store.read();
    await store.update(() => undefined);
    assert.equal((await fs.readdir(dir)).filter((n) => n.startsWith('sessions.rejected-')).length, 1, 'no second backup');
    assert.equal(told.length, 1);
  });

  it('what reads the state (tree model, session service) works on what is left, with no TypeError', async () => {
    const state = await store.read();
    const model = buildTreeModel(state, { mode: 'grouped', now: Date.parse('2026-11-22T10:00:00Z') });
    assert.equal(model.total, 2);
    const clock = new FakeClock();
    const service = new SessionService({ state: store, secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger: new RecordingLogger(), delivery: new MemoryDelivery() });
    // The resolver follows the state: on the next change it forgets what it held for a session not in it.
    service.resolver.rememberDelivered('gone', { accessKeyId: 'ASIAGONE', secretAccessKey: 's', sessionToken: 't', expiration: new Date(clock.now() + 3600_000) });
    await store.update((s) => void (s.pinned = ['gone']));
    assert.equal(service.resolver.rememberedForProcess('gone'), undefined, 'forgot it, over what is left');
    service.dispose();
    assert.deepEqual((await service.state.read()).sessions.map((s) => s.alias), ['alice', 'dev']);
  });

  it('a missing default profile is added back; the structure of the file itself still has to be sound', async () => {
    await fs.writeFile(file, JSON.stringify({ version: 1, profiles: [null], sessions: [], active: {} }));
    assert.deepEqual((await store.read()).profiles, [{ id: 'new-id', name: 'default' }]);
    await fs.writeFile(file, JSON.stringify({ version: 1, profiles: [], sessions: null, active: {} }));
    await assert.rejects(store.read(), /profiles, sessions or active is missing or malformed/);
  });
});
