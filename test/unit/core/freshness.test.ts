/**
 * Fresh credentials for readers, on the injectable clock: 8 simulated hours of 1-hour chained credentials
 * on an MFA user, the rotation woken exactly when its own loop would wake, the credentials file and a
 * credential_process caller sampled every simulated minute.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionService } from '../../../src/core/sessionService';
import { RotationScheduler, refreshDueAt } from '../../../src/core/rotation';
import { AwsFiles } from '../../../src/core/awsFiles/awsFiles';
import { fileLock } from '../../../src/core/fileLock';
import { CredentialsFileDelivery } from '../../../src/core/fileDelivery';
import { CredentialProcessDelivery } from '../../../src/core/processDelivery';
import { DeliveryRouter } from '../../../src/core/delivery';
import type { AssumeRoleRequest } from '../../../src/core/aws/sts';
import { FakeClock, FakeSts, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** FakeSts that remembers when each key it issued expires (the file holds keys, not expiries). */
class ExpiryTrackingSts extends FakeSts {
  readonly expiryOf = new Map<string, number>();
  override async assumeRole(r: AssumeRoleRequest) {
    const c = await super.assumeRole(r);
    this.expiryOf.set(c.accessKeyId, c.expiration!.getTime());
    return c;
  }
}

describe('fresh credentials for readers (8 simulated hours)', () => {
  it('the file always holds ≥ 40 min of 1-hour chained credentials, credential_process callers get ≥ 15 min, and the MFA user is asked once', async () => {
    const home = tempDir('aws-sessions-fresh-');
    const files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(join(home, 'lock')) });
    const clock = new FakeClock();
    const sts = new ExpiryTrackingSts(clock, 36000 * 1000, HOUR);
    const prompter = new ScriptedPrompter(['123456', '234567', '345678']);
    const logger = new RecordingLogger();
    const service = new SessionService({
      state: new MemoryStateStore(),
      secrets: new MemorySecretVault(),
      sts,
      prompter,
      clock,
      logger,
      delivery: new DeliveryRouter({ credentialsFile: new CredentialsFileDelivery(files), credentialProcess: new CredentialProcessDelivery(files, () => '/opt/aws-sessions') }),
      defaultDeliveryMode: () => 'credentialsFile',
    });
    const rotation = new RotationScheduler({ service, clock, logger, notify: (m) => assert.fail(m), random: () => 1, timers: { setTimeout: () => ({ dispose() {} }) } });
    const user = await service.editor.save('iamUser', { alias: 'alice', profile: 'alice', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' });
    const role = (alias: string, deliveryMode: string) =>
      service.editor.save('iamRoleChained', { alias, profile: alias, region: 'eu-west-1', roleArn: `arn:aws:iam::111111111111:role/${alias}`, assumerSessionId: user.id, deliveryMode });
    const deploy = await role('deploy', 'credentialsFile');
    const ci = await role('ci', 'credentialProcess');
    await service.lifecycle.start(deploy.id);
    await service.lifecycle.start(ci.id);

    const fileKey = () => /\[deploy\]\naws_access_key_id = (ASIA\w+)/.exec(readFileSync(files.credentialsPath, 'utf8'))?.[1] ?? '';
    const start = clock.now();
    const end = start + 8 * HOUR;
    let nextWake = start; // start() schedules the first wake at once
    let nextSample = start;
    let minFileLeft = Infinity;
    let minProcessLeft = Infinity;
    let samples = 0;
    while (Math.min(nextWake, nextSample) <= end) {
      if (nextWake <= nextSample) {
        clock.time = nextWake;
        nextWake = clock.now() + (await rotation.tick());
        continue;
      }
      clock.time = nextSample;
      const expiry = sts.expiryOf.get(fileKey());
      assert.ok(expiry, 'the file holds keys the fake STS issued');
      minFileLeft = Math.min(minFileLeft, expiry - clock.now());
      const served = await service.resolver.credentialsForProcess(ci.id);
      minProcessLeft = Math.min(minProcessLeft, served.expiration!.getTime() - clock.now());
      samples += 1;
      nextSample += MIN;
    }
    const calls = (action: string) => sts.calls.filter((c) => c.action === action).length;
    const figures = `min left in the file ${(minFileLeft / MIN).toFixed(1)} min, credential_process ${(minProcessLeft / MIN).toFixed(1)} min, ${prompter.asked.length} MFA prompt(s), ${calls('GetSessionToken')} GetSessionToken, ${calls('AssumeRole')} AssumeRole, ${samples} samples`;
    if (process.env.AWS_SESSIONS_PRINT_FIGURES) console.log(`      ${figures}`);
    assert.equal(samples, 8 * 60 + 1);
    assert.ok(minFileLeft >= 40 * MIN, figures);
    assert.ok(minProcessLeft >= 15 * MIN, figures);
    assert.equal(prompter.asked.length, 1, `no MFA prompt beyond the start: ${figures}`);
    assert.equal(calls('GetSessionToken'), 1, figures);
  });

  it('when: a third of the way for a file without prompts; near the end when a refresh asks the user or credential_process serves', () => {
    const issued = 0;
    assert.equal(refreshDueAt(issued, HOUR, true, 0.33), 0.33 * HOUR);
    assert.equal(refreshDueAt(issued, HOUR, false, 0.33), 54 * MIN);
    assert.equal(refreshDueAt(issued, 10 * HOUR, false, 0.33), 9 * HOUR);
    assert.equal(refreshDueAt(issued, HOUR, true, 1), 54 * MIN, 'fraction 1: only the margin');
    assert.equal(refreshDueAt(issued, HOUR, true, 0), 0.05 * HOUR, 'a fraction below 5 % is raised to it');
  });
});
