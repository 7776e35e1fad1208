/** credential_process on the service side: memory cache, one prompt across windows, delivery modes. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SessionService } from '../../../src/core/sessionService';
import { withLock, fileLock } from '../../../src/core/fileLock';
import { AwsFiles } from '../../../src/core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from '../../../src/core/fileDelivery';
import { CredentialProcessDelivery } from '../../../src/core/processDelivery';
import { DeliveryRouter } from '../../../src/core/delivery';
import { MEMORY_CACHE_MARGIN_MS } from '../../../src/core/constants';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const form = { alias: 'alice', profile: 'dev', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };

describe('credentials for credential_process', () => {
  it('are served from memory while valid for a few minutes, then generated again (one prompt for concurrent callers)', async () => {
    const clock = new FakeClock();
    const sts = new FakeSts(clock, 3600_000);
    const prompter = new ScriptedPrompter(['123456', '654321']);
    const service = new SessionService({ state: new MemoryStateStore(), secrets: new MemorySecretVault(), sts, prompter, clock, logger: new RecordingLogger(), delivery: new MemoryDelivery() });
    const s = await service.editor.save('iamUser', form);
    const first = await Promise.all([1, 2, 3, 4].map(() => service.resolver.credentialsForProcess(s.id)));
    assert.equal(prompter.asked.length, 1);
    assert.ok(first.every((c) => c.accessKeyId === first[0].accessKeyId));
    clock.advance(3600_000 - MEMORY_CACHE_MARGIN_MS - 1000);
    assert.equal((await service.resolver.credentialsForProcess(s.id)).accessKeyId, first[0].accessKeyId, 'still valid for more than the margin: memory');
    assert.equal(sts.calls.length, 1);
    clock.advance(2000);
    const renewed = await service.resolver.credentialsForProcess(s.id);
    assert.notEqual(renewed.accessKeyId, first[0].accessKeyId, 'inside the margin: fresh credentials');
    assert.equal(prompter.asked.length, 2);
  });

  it('two windows (two services, one shared vault and state) never both prompt for the same session', async () => {
    const dir = tempDir('gen-lock-');
    const clock = new FakeClock();
    const sts = new FakeSts(clock);
    const secrets = new MemorySecretVault();
    const state = new MemoryStateStore();
    const prompters = [new ScriptedPrompter(['111111']), new ScriptedPrompter(['222222'])];
    const services = prompters.map(
      (prompter) =>
        new SessionService({ state, secrets, sts, prompter, clock, logger: new RecordingLogger(), delivery: new MemoryDelivery(), generationLock: (id, fn) => withLock(join(dir, `generate-${id}.lock`), fn) }),
    );
    const s = await services[0].editor.save('iamUser', form);
    const [a, b] = await Promise.all(services.map((svc) => svc.resolver.credentialsForProcess(s.id)));
    assert.equal(prompters[0].asked.length + prompters[1].asked.length, 1);
    assert.equal(a.accessKeyId, b.accessKeyId, 'the second window reuses the token the first cached');
    assert.equal(sts.calls.length, 1);
  });

  it('switching delivery mode of an active session withdraws the old delivery exactly', async () => {
    const home = tempDir('mode-switch-');
    mkdirSync(join(home, '.aws'));
    const config = '[profile dev]\noutput = json ; mine\n';
    writeFileSync(join(home, '.aws', 'config'), config);
    const files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(join(home, 'lock')) });
    const clock = new FakeClock();
    const service = new SessionService({
      state: new MemoryStateStore(),
      secrets: new MemorySecretVault(),
      sts: new FakeSts(clock),
      prompter: new ScriptedPrompter(['123456']),
      clock,
      logger: new RecordingLogger(),
      delivery: new DeliveryRouter({ credentialsFile: new CredentialsFileDelivery(files), credentialProcess: new CredentialProcessDelivery(files, () => '/opt/My Tools/aws-sessions') }),
      defaultDeliveryMode: () => 'credentialProcess',
    });
    const s = await service.editor.save('iamUser', form);
    await service.lifecycle.start(s.id);
    assert.equal(readFileSync(files.configPath, 'utf8'), `${config}credential_process = "/opt/My Tools/aws-sessions" generate ${s.id}\nregion = eu-west-1\n`);
    assert.ok(!existsSync(files.credentialsPath));
    await service.editor.setDeliveryMode(s.id, 'credentialsFile');
    assert.equal(readFileSync(files.configPath, 'utf8'), `${config}region = eu-west-1\n`);
    assert.match(readFileSync(files.credentialsPath, 'utf8'), /^\[dev\]\naws_access_key_id = ASIA/);
    await service.editor.setDeliveryMode(s.id, 'default');
    assert.ok(!existsSync(files.credentialsPath), 'the credentials file it created is removed again');
    await service.lifecycle.stop(s.id);
    assert.equal(readFileSync(files.configPath, 'utf8'), config);
    await assert.rejects(service.editor.save('iamUser', { ...form, deliveryMode: 'carrier-pigeon' }, s.id), /Delivery: "carrier-pigeon" is not/);
  });
});
