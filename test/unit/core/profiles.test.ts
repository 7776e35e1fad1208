import assert from 'node:assert/strict';
import { SessionService } from '../../../src/core/sessionService';
import { ProfileService } from '../../../src/core/profiles';
import { UserFacingError, ValidationError } from '../../../src/core/errors';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

function setup() {
  const clock = new FakeClock();
  const state = new MemoryStateStore();
  const delivery = new MemoryDelivery();
  const logger = new RecordingLogger();
  let n = 0;
  const newId = () => `id-${++n}`;
  const service = new SessionService({ state, secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger, delivery, newId });
  const profiles = new ProfileService({ state, lifecycle: service.lifecycle, logger, newId });
  const user = (alias: string, profile: string) =>
    service.editor.save('iamUser', { alias, profile, region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: '' });
  return { state, delivery, service, profiles, user };
}

describe('named profiles', () => {
  it('creates unique valid names; default cannot be renamed or deleted', async () => {
    const t = setup();
    await t.profiles.create('dev');
    await assert.rejects(t.profiles.create('dev'), (e: unknown) => e instanceof ValidationError && /already exists/.test(e.message));
    await assert.rejects(t.profiles.create('bad name'), /valid ini section name/);
    await assert.rejects(t.profiles.create('[x]'), ValidationError);
    await assert.rejects(t.profiles.rename('default', 'main'), (e: unknown) => e instanceof UserFacingError && /"default" profile cannot be renamed/.test(e.message));
    await assert.rejects(t.profiles.delete('default'), /cannot be deleted/);
    await assert.rejects(t.profiles.rename('dev', 'default'), /already exists/);
    assert.deepEqual((await t.state.read()).profiles.map((p) => p.name), ['default', 'dev']);
  });

  it('"default" in any other letter case is refused as a profile by add, profile create, rename and relocate', async () => {
    const t = setup();
    const reserved = (e: unknown) => e instanceof ValidationError && /"default" is reserved in any letter case: "(DEFAULT|Default|dEfAuLt)"/.test(e.message);
    for (const name of ['DEFAULT', 'Default', 'dEfAuLt']) {
      await assert.rejects(t.profiles.create(name), reserved, `profile create ${name}`);
      await assert.rejects(t.user(`s-${name}`, name), reserved, `add --profile ${name}`);
    }
    await t.profiles.create('dev');
    await assert.rejects(t.profiles.rename('dev', 'DEFAULT'), reserved);
    const s = await t.user('a', 'dev');
    await assert.rejects(t.service.editor.relocate(s.id, { profileName: 'Default' }), reserved);
    await t.service.editor.relocate(s.id, { profileName: 'default' });
    assert.deepEqual((await t.state.read()).profiles.map((p) => p.name), ['default', 'dev']);
  });

  it('aliases with control, bidirectional-override or line-separator characters are refused, naming the character and where', async () => {
    const t = setup();
    const cases: Array<[string, string, number]> = [
      ['evil\u202Egnp.exe', 'U+202E', 5],
      ['a\u2066b', 'U+2066', 2],
      ['line\u2028two', 'U+2028', 5],
      ['par\u2029a', 'U+2029', 4],
      ['nel\u0085x', 'U+0085', 4],
      ['csi\u009B31m', 'U+009B', 4],
      ['tab\tx', 'U+0009', 4],
      ['\u202Astart', 'U+202A', 1],
    ];
    for (const [alias, name, position] of cases) {
      await assert.rejects(
        t.user(alias, 'dev'),
        (e: unknown) => e instanceof ValidationError && e.message.includes(`Aliases cannot contain control, bidirectional-override or line-separator characters (found ${name} at position ${position}).`),
        name,
      );
    }
    assert.deepEqual((await t.state.read()).sessions, []);
    await t.user('café-ünïcödé ✓', 'dev');
  });

  it('renaming moves an active session to the new section', async () => {
    const t = setup();
    const s = await t.user('a', 'dev');
    await t.service.lifecycle.start(s.id);
    await t.profiles.rename('dev', 'development');
    assert.deepEqual([...t.delivery.profiles.keys()], ['development']);
    assert.deepEqual(t.delivery.log, ['deliver dev', 'withdraw dev', 'deliver development']);
    const state = await t.state.read();
    assert.equal(state.active[s.id].status, 'active');
    assert.equal(state.terminalProfile, 'development');
  });

  it('deleting stops its active sessions and moves its sessions to default', async () => {
    const t = setup();
    const a = await t.user('a', 'dev');
    const b = await t.user('b', 'dev');
    await t.service.lifecycle.start(a.id);
    await t.profiles.delete('dev');
    const state = await t.state.read();
    const def = state.profiles.find((p) => p.name === 'default')!;
    assert.deepEqual(state.profiles.map((p) => p.name), ['default']);
    assert.ok(state.sessions.every((s) => s.profileId === def.id), 'sessions moved to default');
    assert.equal(state.active[a.id], undefined);
    assert.equal(t.delivery.profiles.size, 0);
    assert.ok(b);
  });

  it('one active session per profile; different profiles are active together', async () => {
    const t = setup();
    const a = await t.user('a', 'dev');
    const b = await t.user('b', 'dev');
    const c = await t.user('c', 'prod');
    await t.service.lifecycle.start(a.id);
    await t.service.lifecycle.start(c.id);
    await t.service.lifecycle.start(b.id);
    assert.deepEqual(Object.keys((await t.state.read()).active).sort(), [b.id, c.id].sort());
  });
});
