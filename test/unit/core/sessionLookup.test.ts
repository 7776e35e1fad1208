/** One answer to "which session did the user name" and "which session holds this profile", for every caller. */
import * as assert from 'node:assert/strict';
import { emptyState, type PersistedState, type Session } from '../../../src/core/model';
import { activeSessionOfProfile, AmbiguousNameError, integrationByRef, sessionById, sessionByRef } from '../../../src/core/sessionLookup';
import { countingSnapshot } from '../support/countReads';
import { sessionType } from '../../../src/core/sessions/registry';
import { deepFreeze } from '../../../src/core/stateStore';
import { describeIpcError, sessionMethods } from '../../../src/core/ipc/handlers';
import { ProfileService } from '../../../src/core/profiles';
import { SessionService } from '../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

const user = (id: string, alias: string, profileId = 'profile-default'): Session => ({ id, kind: 'iamUser', alias, profileId, region: 'eu-west-1' });

function state(): PersistedState {
  const s = emptyState('profile-default');
  s.profiles.push({ id: 'p-dev', name: 'dev' });
  s.sessions.push(user('id-1', 'Alpha', 'p-dev'), user('id-2', 'beta', 'p-dev'), user('id-3', 'BETA'), user('alpha', 'gamma'));
  return s;
}

describe('session lookup', () => {
  it('by id first, then by alias in any letter case; none is undefined', () => {
    const s = state();
    assert.equal(sessionByRef(s, 'id-1')?.alias, 'Alpha');
    assert.equal(sessionByRef(s, 'ALPHA')?.id, 'id-1');
    assert.equal(sessionByRef(s, 'alpha')?.id, 'alpha', 'an id that equals another session’s alias names the session with that id');
    assert.equal(sessionByRef(s, 'nobody'), undefined);
    s.integrations = [{ id: 'i-1', alias: 'Corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'eu-west-1' }];
    assert.equal(integrationByRef(s, 'corp')?.id, 'i-1');
  });

  it('by id: the first session with it, in a snapshot (indexed) and in a draft that changes (searched)', () => {
    const draft = state();
    draft.sessions.push(user('id-1', 'second with id-1'));
    assert.equal(sessionById(draft, 'id-1')?.alias, 'Alpha');
    draft.sessions.splice(0, 1);
    assert.equal(sessionById(draft, 'id-1')?.alias, 'second with id-1', 'a draft is searched as it is now');
    const snapshot = deepFreeze(state());
    assert.equal(sessionById(snapshot, 'id-3')?.alias, 'BETA');
    assert.equal(sessionById(snapshot, 'id-2')?.alias, 'beta');
    assert.equal(sessionById(snapshot, 'nobody'), undefined);
  });

  it('an alias several sessions answer to is an error that lists them and asks for the id', () => {
    assert.throws(
      () => sessionByRef(state(), 'Beta'),
      (e: Error) => e instanceof AmbiguousNameError && e.message === '2 sessions are named "Beta" (in some letter case): "beta" (id id-2), "BETA" (id id-3).' && e.fix === 'Name the one you mean by its id.',
    );
    assert.equal(sessionByRef(state(), 'id-3')?.alias, 'BETA', 'the id still names either');
  });

  it('the CLI gets the same answer: an ambiguous alias is refused (usage error), not the first match started', async () => {
    const clock = new FakeClock();
    const store = new MemoryStateStore();
    const logger = new RecordingLogger();
    let n = 0;
    const service = new SessionService({ state: store, secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger, delivery: new MemoryDelivery(), newId: () => `id-${++n}` });
    await service.editor.save('iamUser', { alias: 'beta', profile: 'dev', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'a'.repeat(40), mfaSerial: '' });
    // A second window (or an older version) wrote the same alias in another case.
    await store.update((s) => void s.sessions.push({ ...s.sessions[0], id: 'other', alias: 'BETA' }));
    const methods = sessionMethods(service, new ProfileService({ state: store, lifecycle: service.lifecycle, logger }));
    const refused = await methods.start({ session: 'Beta' }).then(
      () => undefined,
      (e: unknown) => describeIpcError(e),
    );
    assert.deepEqual(refused, { code: 'badRequest', message: '2 sessions are named "Beta" (in some letter case): "beta" (id id-1), "BETA" (id other). Name the one you mean by its id.' });
    assert.deepEqual((await store.read()).active, {}, 'nothing was started');
  });

  it('the active session of a profile: failed ones only when asked', () => {
    const s = state();
    assert.equal(activeSessionOfProfile(s, 'dev'), undefined);
    s.active['id-1'] = { sessionId: 'id-1', status: 'error', error: 'expired' };
    assert.equal(activeSessionOfProfile(s, 'dev'), undefined);
    assert.equal(activeSessionOfProfile(s, 'dev', true)?.session.id, 'id-1');
    s.active['id-2'] = { sessionId: 'id-2', status: 'active' };
    assert.deepEqual(activeSessionOfProfile(s, 'dev'), { session: s.sessions[1], active: s.active['id-2'], profile: 'dev' });
    assert.equal(activeSessionOfProfile(s, 'default'), undefined);
    assert.equal(activeSessionOfProfile(s, undefined), undefined);
  });

  it('by id on a snapshot: an index built once, so describing every chain reads each session a bounded number of times', () => {
    const chains = 2000;
    const s = emptyState('profile-default');
    s.sessions.push(user('root', 'root'));
    for (let i = 0; i < chains; i++) s.sessions.push({ id: `c-${i}`, kind: 'iamRoleChained', alias: `chain-${i}`, profileId: 'profile-default', region: 'eu-west-1', roleArn: `arn:aws:iam::111111111111:role/R${i}`, assumerSessionId: i === 0 ? 'root' : `c-${i - 1}` } as Session);
    const { snapshot, reads } = countingSnapshot(s);
    const described = s.sessions.slice(1).map((c) => sessionType(c.kind).details?.(c, snapshot)?.[0]);
    assert.equal(described[0], 'Assumer: root');
    assert.equal(described[chains - 1], `Assumer: chain-${chains - 2}`);
    assert.ok(reads() <= 2 * (chains + 1), `${reads()} reads of ${chains + 1} sessions for ${chains} lookups (a search each: about ${(chains * chains) / 2})`);
    assert.equal(sessionById(snapshot, 'nobody'), undefined);

    // A state being changed (an update's draft) is searched: what changed since is found.
    const draft = { sessions: [user('a', 'a')] };
    assert.equal(sessionById(draft, 'a')?.alias, 'a');
    draft.sessions.push(user('b', 'b'));
    draft.sessions[0] = user('a', 'renamed');
    assert.equal(sessionById(draft, 'b')?.alias, 'b');
    assert.equal(sessionById(draft, 'a')?.alias, 'renamed');
  });
});
