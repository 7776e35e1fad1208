import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
/**
 * Rotation with this machine's clock off from AWS's: the real SDK against the local AWS double, whose clock is
 * the reference; the editor's injected clock is the double's plus an offset. Over a simulated window the
 * rotation must refresh at the intended point of the lifetime AWS granted, never loop, and never show a
 * session active after AWS expired its credentials.
 */
import assert from 'node:assert/strict';
import { SessionService } from '../../../src/core/sessionService';
import { SdkStsGateway } from '../../../src/core/aws/sts';
import { ClockSkew } from '../../../src/core/clockSkew';
import { RotationScheduler } from '../../../src/core/rotation';
import { displayStatus } from '../../../src/core/treeModel';
import { systemClock, type Clock } from '../../../src/core/ports';
import { SsoPortal } from '../../../src/core/sso/portal';
import { startLocalAws, type LocalAws } from '../../double';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

const MIN = 60_000;
const HOUR = 60 * MIN;
const LIFETIME = HOUR; // the double issues 1 h credentials
const MARGIN = 6 * MIN; // refreshMargin(1 h)
const WINDOW = 5 * HOUR;
const TICK = 30_000;

describe('rotation with the clock off from AWS (local AWS double)', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  /** AWS's time: the double's clock, advanced by the test. */
  let awsNow = 0;
  before(async () => {
    aws = await startLocalAws({ clock: () => awsNow, credentialSeconds: LIFETIME / 1000, sso: false });
  });
  after(() => aws.close());

  async function setup(offsetMs: number) {
    awsNow = Math.floor(Date.now() / 1000) * 1000; // the SDK's first request is signed with the real clock
    aws.state.reset({ credentials: true });
    const clock: Clock = { now: () => awsNow + offsetMs };
    const notes: string[] = [];
    const logger = new RecordingLogger();
    const skew = new ClockSkew({ clock, logger, notify: (m) => notes.push(m) });
    const state = new MemoryStateStore();
    const delivery = new MemoryDelivery();
    const service = new SessionService({ state, secrets: new MemorySecretVault(), sts: new SdkStsGateway({ endpoint: () => aws.endpoint, skew }), prompter: new ScriptedPrompter(), clock, logger, delivery });
    const rotation = new RotationScheduler({ service, clock, logger, notify: (m) => notes.push(m), random: () => 1, timers: { setTimeout: () => ({ dispose() {} }) }, refreshAfterFraction: () => 1 }); // only the margin before expiry, measured here
    const bob = aws.user('bob');
    const user = await service.editor.save('iamUser', { alias: 'bob', profile: 'bob', region: 'eu-west-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    const role = await service.editor.save('iamRoleChained', { alias: 'role', profile: 'role', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Dev', assumerSessionId: user.id });
    return { clock, notes, state, service, rotation, delivery, user, role };
  }

  /** Successful credential calls in AWS's time, from the double's own log. */
  const issued = () => aws.state.callLog().filter((c) => c.status === 200 && (c.action === 'AssumeRole' || c.action === 'GetSessionToken'));

  for (const [label, offsetMs] of [
    ['2 h ahead', 2 * HOUR],
    ['2 h behind', -2 * HOUR],
    ['10 min ahead', 10 * MIN],
    ['10 min behind', -10 * MIN],
  ] as const) {
    it(`${label}: refreshes ${MARGIN / MIN} min before AWS's expiry, no loop, not shown active after it`, async () => {
      const t = await setup(offsetMs);
      const startedAt = awsNow;
      await t.service.lifecycle.start(t.role.id);
      const started = issued().length;
      assert.equal(started, 2, 'GetSessionToken for the user, AssumeRole for the role');
      const expiry = Date.parse((await t.state.read()).active[t.role.id].expiration!);
      assert.ok(Math.abs(expiry - t.clock.now() - LIFETIME) <= 2000, `expiry in local time is 1 h from local now (off by ${expiry - t.clock.now() - LIFETIME} ms)`);

      const roleRefreshes: number[] = [];
      for (let elapsed = 0; elapsed < WINDOW && issued().length < started + 40; elapsed += TICK) {
        awsNow += TICK;
        const before = issued().length;
        await t.rotation.tick();
        for (const c of issued().slice(before)) if (c.action === 'AssumeRole') roleRefreshes.push(Date.parse(c.time) - startedAt);
      }
      const calls = issued().length - started;
      const ceiling = 2 * Math.ceil(WINDOW / (LIFETIME - MARGIN));
      assert.ok(calls <= ceiling, `no refresh loop: ${calls} AssumeRole/GetSessionToken calls in ${WINDOW / HOUR} h (at most ${ceiling})`);
      assert.ok(roleRefreshes.length >= Math.floor(WINDOW / (LIFETIME - MARGIN)), `kept refreshed: ${roleRefreshes.length} refreshes`);
      const first = roleRefreshes[0];
      assert.ok(first >= LIFETIME - MARGIN - 2000 && first <= LIFETIME - MARGIN + TICK + 2000, `first refresh ${(first / MIN).toFixed(2)} min after the start in AWS's time (intended ${(LIFETIME - MARGIN) / MIN})`);
      for (let i = 1; i < roleRefreshes.length; i++) {
        const gap = roleRefreshes[i] - roleRefreshes[i - 1];
        assert.ok(gap >= LIFETIME - MARGIN - 2000 && gap <= LIFETIME - MARGIN + TICK + 2000, `refresh ${i + 1} ${(gap / MIN).toFixed(2)} min after the one before`);
      }

      // Rotation stops (e.g. the window closed): the session must read expired once AWS's expiry has passed.
      const active = (await t.state.read()).active[t.role.id];
      const lastIssue = Date.parse(issued().at(-1)!.time);
      awsNow = lastIssue + LIFETIME - MIN;
      assert.notEqual(displayStatus(active, t.clock.now()), 'expired', 'valid a minute before AWS expiry');
      awsNow = lastIssue + LIFETIME + MIN;
      assert.equal(displayStatus(active, t.clock.now()), 'expired', 'expired a minute after AWS expiry');

      const skewNotes = t.notes.filter((n) => /clock/.test(n));
      assert.equal(skewNotes.length, 1, `told once about the clock: ${t.notes.join(' | ')}`);
      assert.match(skewNotes[0], new RegExp(`\\d+ s ${offsetMs > 0 ? 'ahead of' : 'behind'} STS \\(${offsetMs % HOUR ? '10 min' : '2 h 0 min'}\\)`));
    });
  }

  it("this machine's real clock 2 h ahead: the SDK is corrected once, later clients sign in AWS's time at once", async () => {
    const other = await startLocalAws({ sso: false, credentialSeconds: 3600 });
    try {
      other.state.setClockSkewSeconds(-2 * 3600); // AWS is 2 h behind this machine
      const skew = new ClockSkew({ clock: systemClock });
      const sts = new SdkStsGateway({ endpoint: () => other.endpoint, skew });
      const bob = other.user('bob');
      const signer = { credentials: { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey }, region: 'eu-west-1' };
      await sts.getCallerIdentity(signer);
      const first = other.state.callLog().map((c) => c.status);
      assert.deepEqual(first, [403, 200], 'the first request is refused (Signature expired), the SDK corrects its clock and retries');
      const creds = await sts.getSessionToken({ ...signer, durationSeconds: 3600 });
      assert.deepEqual(other.state.callLog().slice(first.length).map((c) => c.status), [200], 'signed in AWS time from the start');
      const left = creds.expiration!.getTime() - Date.now();
      assert.ok(Math.abs(left - HOUR) < 5000, `1 h left by this machine's clock (${Math.round(left / MIN)} min)`);
      assert.ok(Math.abs(skew.skewMs - 2 * HOUR) < 5000, `measured ${skew.skewMs} ms`);
    } finally {
      await other.close();
    }
  });

  it('IAM Identity Center role credentials: expiry converted with the skew measured on the portal answer', async () => {
    const local = Date.parse('2026-11-22T12:00:00Z');
    const skew = new ClockSkew({ clock: { now: () => local } });
    const awsTime = local - 2 * HOUR;
    // A portal answering over real HTTP with AWS's Date header, 2 h behind this machine.
    const server = createServer((_req, res) => {
      res.writeHead(200, { date: new Date(awsTime).toUTCString(), 'content-type': 'application/json' });
      res.end(JSON.stringify({ roleCredentials: { accessKeyId: 'ASIAX', secretAccessKey: 's', sessionToken: 't', expiration: awsTime + HOUR } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const portal = new SsoPortal({ endpoint: () => `http://127.0.0.1:${port}`, skew });
    try {
      const creds = await portal.getRoleCredentials('eu-west-1', 'token', '111111111111', 'Dev');
      assert.equal(creds.expiration!.getTime(), local + HOUR);
    } finally {
      portal.dispose();
      server.close();
    }
  });

  it('in sync: no note about the clock', async () => {
    const t = await setup(0);
    await t.service.lifecycle.start(t.role.id);
    awsNow += 2 * HOUR;
    await t.rotation.tick();
    assert.deepEqual(t.notes, []);
  });
});
