/** Nothing runs while no session is active: rotation arms no timer; the views' next tick is computed, not polled. */
import assert from 'node:assert/strict';
import { RotationScheduler } from '../../../src/core/rotation';
import { SessionService } from '../../../src/core/sessionService';
import { untilRemainingChanges } from '../../../src/core/time';
import { EXPIRING_MS, nextStatusChange } from '../../../src/core/treeModel';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

const tick = () => new Promise((r) => setImmediate(r));

describe('idle: no timer without an active session', () => {
  it('rotation arms no timer while nothing is active, one once a session starts, none again after it stops', async () => {
    const clock = new FakeClock();
    const state = new MemoryStateStore();
    const service = new SessionService({ state, secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger: new RecordingLogger(), delivery: new MemoryDelivery() });
    const armed = new Map<number, () => void>();
    let n = 0;
    const timers = {
      setTimeout: (callback: () => void, ms: number) => {
        const id = ++n;
        armed.set(id, callback);
        if (ms === 0) setImmediate(() => armed.delete(id) && callback());
        return { dispose: () => armed.delete(id) };
      },
    };
    const rotation = new RotationScheduler({ service, clock, logger: new RecordingLogger(), notify: () => undefined, timers });
    const user = await service.editor.save('iamUser', { alias: 'alice', profile: 'default', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: '' });
    rotation.start();
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(armed.size, 0, 'a timer while no session is active');
    await service.lifecycle.start(user.id);
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(armed.size, 1, 'one timer while a session is active');
    await service.lifecycle.stop(user.id);
    for (let i = 0; i < 5; i++) await tick();
    // The armed timer finds nothing when it fires, and arms none.
    for (const [id, callback] of [...armed]) {
      armed.delete(id);
      callback();
    }
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(armed.size, 0, 'a timer armed again after the last session stopped');
    rotation.dispose();
    assert.equal(armed.size, 0);
  });

  it('the tree wakes only when a status turns expiring or expired; the status bar when its text changes', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const base = { version: 1 as const, profiles: [], sessions: [], active: {} };
    assert.equal(nextStatusChange(base, now), undefined, 'nothing active: no tick');
    const expiry = now + 3600_000;
    const state = { ...base, active: { a: { sessionId: 'a', status: 'active' as const, expiration: new Date(expiry).toISOString() }, b: { sessionId: 'b', status: 'error' as const } } };
    assert.equal(nextStatusChange(state, now), expiry - EXPIRING_MS);
    assert.equal(nextStatusChange(state, expiry - EXPIRING_MS), expiry);
    assert.equal(nextStatusChange(state, expiry), undefined);
    assert.equal(untilRemainingChanges(0), undefined);
    assert.equal(untilRemainingChanges(3 * 60_000 + 12_000), 12_005, '"3m" until 3:00');
    assert.equal(untilRemainingChanges(30_500), 505, 'the last minute by the second');
  });
});
