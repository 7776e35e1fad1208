import assert from 'node:assert/strict';
import { SessionService } from '../../../src/core/sessionService';
import { refreshMargin, RotationScheduler } from '../../../src/core/rotation';
import { AwsCallError } from '../../../src/core/aws/awsErrors';
import { emptyState, type Session } from '../../../src/core/model';
import { countingSnapshot } from '../support/countReads';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

const KEY = 'AKIAABCDEFGHIJKLMNOP';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const MIN = 60_000;

function setup(lifetimeMs: number, roleLifetimeMs = 3600_000, answers: string[] = []) {
  const clock = new FakeClock();
  const state = new MemoryStateStore();
  const sts = new FakeSts(clock, lifetimeMs, roleLifetimeMs);
  const delivery = new MemoryDelivery();
  const logger = new RecordingLogger();
  const prompter = new ScriptedPrompter(answers);
  let n = 0;
  const service = new SessionService({ state, secrets: new MemorySecretVault(), sts, prompter, clock, logger, delivery, newId: () => `id-${++n}` });
  const notes: string[] = [];
  const rotation = new RotationScheduler({ service, clock, logger, notify: (m) => notes.push(m), random: () => 1, timers: { setTimeout: () => ({ dispose() {} }) } });
  const user = (mfaSerial = '') => service.editor.save('iamUser', { alias: 'alice', profile: 'default', region: 'eu-west-1', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial });
  const chained = (assumerSessionId: string) =>
    service.editor.save('iamRoleChained', { alias: 'role', profile: 'role', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/R', assumerSessionId });
  return { clock, state, sts, delivery, service, rotation, notes, user, chained, logger, prompter };
}

describe('rotation', () => {
  it('margin: 5 minutes or 10 % of the lifetime, whichever is larger, at most half of it', () => {
    assert.equal(refreshMargin(3600_000), 6 * MIN);
    assert.equal(refreshMargin(36000_000), 60 * MIN);
    assert.equal(refreshMargin(30 * MIN), 5 * MIN);
    assert.equal(refreshMargin(90_000), 45_000);
  });

  it('refreshes a chained session in a file once a third of its life has passed, from its actual times; the user token is reused', async () => {
    const t = setup(36000_000);
    const u = await t.user();
    const c = await t.chained(u.id);
    await t.service.lifecycle.start(c.id);
    const first = t.delivery.profiles.get('role')!.credentials;
    t.clock.advance(19 * MIN);
    await t.rotation.tick();
    assert.equal(t.delivery.profiles.get('role')!.credentials.accessKeyId, first.accessKeyId, 'not yet due at 19 min (due at 19.8)');
    t.clock.advance(1 * MIN);
    const sleep = await t.rotation.tick();
    const second = t.delivery.profiles.get('role')!.credentials;
    assert.notEqual(second.accessKeyId, first.accessKeyId);
    assert.ok(second.expiration!.getTime() > first.expiration!.getTime());
    assert.deepEqual(t.sts.calls.map((c) => c.action), ['GetSessionToken', 'AssumeRole', 'AssumeRole'], 're-derived from the cached user token');
    const active = (await t.state.read()).active[c.id];
    assert.equal(active.status, 'active');
    assert.equal(active.expiration, second.expiration!.toISOString());
    assert.ok(sleep <= 30_000 && sleep >= 1000, `bounded sleep ${sleep}`);
  });

  it('an IAM User session with MFA gets a new token (one prompt) only near its end, not a third of the way', async () => {
    const t = setup(36000_000, 3600_000, ['123456', '654321']);
    const u = await t.user('arn:aws:iam::111111111111:mfa/alice');
    await t.service.lifecycle.start(u.id);
    t.clock.advance(8 * 60 * MIN);
    await t.rotation.tick();
    assert.equal(t.sts.calls.length, 1);
    assert.equal(t.prompter.asked.length, 1);
    t.clock.advance(61 * MIN);
    await t.rotation.tick();
    assert.equal(t.sts.calls.length, 2, 'refreshed 1 h (10 %) before the 10 h expiry');
    assert.equal(t.prompter.asked.length, 2);
  });

  it('an IAM User session without MFA (no prompt) in a file is refreshed a third of the way', async () => {
    const t = setup(36000_000);
    const u = await t.user();
    await t.service.lifecycle.start(u.id);
    t.clock.advance(3 * 60 * MIN);
    await t.rotation.tick();
    assert.equal(t.sts.calls.length, 1, 'not yet at 3 h');
    t.clock.advance(20 * MIN);
    await t.rotation.tick();
    assert.equal(t.sts.calls.length, 2, 'refreshed at 3 h 18 min (0.33 of 10 h)');
  });

  it('the refreshes due at one wake are delivered as one group (one write of the files for all of them)', async () => {
    const t = setup(36000_000);
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const saved = await t.service.editor.save('iamUser', { alias: name, profile: name, region: 'eu-west-1', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: '' });
      await t.service.lifecycle.start(saved.id);
      ids.push(saved.id);
    }
    const groups: number[] = [];
    const deliverAll = t.delivery.deliverAll.bind(t.delivery);
    t.delivery.deliverAll = (requests, journal) => (groups.push(requests.length), deliverAll(requests, journal));
    t.clock.advance(3 * 60 * MIN + 20 * MIN);
    await t.rotation.tick();
    assert.equal(t.sts.calls.length, 6, 'all three refreshed');
    assert.deepEqual(groups, [3]);
  });

  it('after sleeping past the due time (one long gap on the wall clock), refreshes on the next wake', async () => {
    const t = setup(3600_000);
    const u = await t.user();
    await t.service.lifecycle.start(u.id);
    t.clock.advance(3 * 3600_000); // the laptop slept 3 h
    await t.rotation.tick();
    assert.equal((await t.state.read()).active[u.id].status, 'active');
    assert.ok(Date.parse((await t.state.read()).active[u.id].expiration!) > t.clock.now());
  });

  it('a failing refresh backs off exponentially, tells the user once, marks the session expired, and recovers', async () => {
    const t = setup(36000_000);
    const u = await t.user();
    const c = await t.chained(u.id);
    await t.service.lifecycle.start(c.id);
    t.sts.failWith = new AwsCallError('STS AssumeRole failed: Throttling (Rate exceeded).', 'Throttling', 'wait', true, 400);
    t.clock.advance(55 * MIN);
    const attempts: number[] = [];
    for (let i = 0; i < 400 && t.clock.now() < Date.parse('2026-11-22T11:10:00Z'); i++) {
      const before = t.sts.calls.length;
      await t.rotation.tick();
      if (t.sts.calls.length > before) attempts.push(t.clock.now());
      t.clock.advance(5_000);
    }
    const gaps = attempts.slice(1).map((a, i) => a - attempts[i]);
    assert.ok(gaps.length >= 3, `several tries: ${gaps}`);
    for (let i = 1; i < Math.min(gaps.length, 5); i++) assert.ok(gaps[i] >= gaps[i - 1] * 1.5, `backoff grows: ${gaps}`);
    assert.equal(t.notes.length, 1, `told once: ${t.notes.join(' | ')}`);
    assert.match(t.notes[0], /Session "role": could not refresh its credentials \(STS AssumeRole failed: Throttling/);
    const expired = (await t.state.read()).active[c.id];
    assert.equal(expired.status, 'expired');
    assert.match(expired.error ?? '', /refresh failed/);
    t.sts.failWith = undefined;
    t.clock.advance(10 * MIN);
    await t.rotation.tick();
    assert.equal((await t.state.read()).active[c.id].status, 'active', 'back to active when a retry succeeds');
  });

  it('credentials already past by this clock (a source whose clock skew was not measured) back off instead of refreshing on every wake', async () => {
    const t = setup(3600_000);
    const awsClock = { now: () => t.clock.now() - 2 * 3600_000 }; // this machine is 2 h ahead of AWS
    const sts = new FakeSts(awsClock, 3600_000);
    const service = new SessionService({ state: t.state, secrets: new MemorySecretVault(), sts, prompter: new ScriptedPrompter(), clock: t.clock, logger: t.logger, delivery: t.delivery });
    const notes: string[] = [];
    const rotation = new RotationScheduler({ service, clock: t.clock, logger: t.logger, notify: (m) => notes.push(m), random: () => 1, timers: { setTimeout: () => ({ dispose() {} }) } });
    const u = await service.editor.save('iamUser', { alias: 'alice', profile: 'default', region: 'eu-west-1', accessKeyId: KEY, secretAccessKey: SECRET, mfaSerial: '' });
    await service.lifecycle.start(u.id);
    for (let i = 0; i < 360; i++) {
      await rotation.tick();
      t.clock.advance(5_000);
    }
    assert.ok(sts.calls.length <= 15, `backs off: ${sts.calls.length} GetSessionToken calls in 30 min of 5 s wakes`);
    assert.equal(notes.length, 1, `told once: ${notes.join(' | ')}`);
    assert.match(notes[0], /already past by this machine's clock .*check the clock/);
    assert.equal((await t.state.read()).active[u.id].status, 'expired');
  });

  it('keeps no timer while nothing is active, and wakes when a session starts', async () => {
    const t = setup(3600_000);
    const pending: Array<() => void> = [];
    const timers = {
      setTimeout(callback: () => void) {
        pending.push(callback);
        return { dispose: () => void (pending.includes(callback) && pending.splice(pending.indexOf(callback), 1)) };
      },
    };
    const rotation = new RotationScheduler({ service: t.service, clock: t.clock, logger: t.logger, notify: () => undefined, timers });
    const settle = async () => {
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    };
    rotation.start();
    assert.equal(pending.length, 1);
    pending.shift()!();
    await settle();
    assert.equal(pending.length, 0, 'nothing active: no timer');
    const u = await t.user();
    assert.equal(pending.length, 0, 'saving a session does not wake it');
    await t.service.lifecycle.start(u.id);
    assert.equal(pending.length, 1, 'a started session wakes it');
    pending.shift()!();
    await settle();
    assert.equal(pending.length, 1, 'while a session is active the next wake is scheduled');
    await t.service.lifecycle.stop(u.id);
    pending.shift()!();
    await settle();
    assert.equal(pending.length, 0, 'idle again after the stop');
    rotation.dispose();
  });

  it('stopped sessions are not refreshed', async () => {
    const t = setup(36000_000);
    const u = await t.user();
    await t.service.lifecycle.start(u.id);
    await t.service.lifecycle.stop(u.id);
    t.clock.advance(2 * 3600_000);
    await t.rotation.tick();
    assert.equal(t.sts.calls.length, 1);
    assert.equal(t.delivery.profiles.size, 0);
  });

  it('another window holding the refresh claim is left to do it', async () => {
    const t = setup(3600_000);
    const u = await t.user();
    await t.service.lifecycle.start(u.id);
    await t.state.update((s) => {
      s.active[u.id].refreshClaimUntil = new Date(t.clock.now() + 3 * 3600_000).toISOString();
    });
    t.clock.advance(59 * MIN);
    assert.equal(await t.service.lifecycle.refresh(u.id), undefined);
    assert.equal(t.sts.calls.length, 1);
  });

  it('a wake with many sessions and several active looks each active one up in an index, not by a search of all', async () => {
    const clock = new FakeClock();
    const sessions = Array.from({ length: 3000 }, (_, i) => ({ id: `s-${i}`, kind: 'iamUser', alias: `s-${i}`, profileId: 'profile-default', region: 'eu-west-1' }) as Session);
    const state = emptyState('profile-default');
    state.sessions.push(...sessions);
    const expiration = new Date(clock.now() + 3600_000).toISOString();
    for (let i = 0; i < 3000; i += 30) state.active[`s-${i}`] = { sessionId: `s-${i}`, status: 'active', expiration, issuedAt: new Date(clock.now()).toISOString() };
    const { snapshot, reads, reset } = countingSnapshot(state);
    const refreshed: string[] = [];
    const rotation = new RotationScheduler({
      service: { state: { read: async () => snapshot }, lifecycle: { refresh: async (id) => (refreshed.push(id), undefined), markExpired: async () => undefined } },
      clock,
      logger: new RecordingLogger(),
      notify: () => undefined,
      timers: { setTimeout: () => ({ dispose() {} }) },
    });
    await rotation.tick();
    assert.deepEqual(refreshed, [], 'none due yet');
    assert.ok(reads() <= 2 * 3000, `${reads()} reads of 3000 sessions for 100 active (a search each: about 150,000)`);
    reset();
    clock.advance(25 * MIN);
    await rotation.tick();
    assert.equal(refreshed.length, 100, 'all due a third of the way (no prompt, file delivery)');
    assert.ok(reads() <= 3000, `${reads()} reads on the second wake of the same snapshot`);
  });
});
