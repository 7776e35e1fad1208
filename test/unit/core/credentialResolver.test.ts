/** What one process remembers of credentials (credentialResolver.ts), and how the session lifecycle keeps it true. */
import assert from 'node:assert/strict';
import { CredentialResolver } from '../../../src/core/credentialResolver';
import { SessionService } from '../../../src/core/sessionService';
import { MEMORY_CACHE_MARGIN_MS } from '../../../src/core/constants';
import type { AwsCredentials } from '../../../src/core/model';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

const form = { alias: 'alice', profile: 'dev', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };

function setup(answers: string[] = ['123456', '654321', '111111']) {
  const clock = new FakeClock();
  const sts = new FakeSts(clock, 3600_000);
  const prompter = new ScriptedPrompter(answers);
  const deps = { state: new MemoryStateStore(), secrets: new MemorySecretVault(), sts, prompter, clock, logger: new RecordingLogger(), delivery: new MemoryDelivery() };
  return { ...deps, service: new SessionService(deps), resolver: new CredentialResolver(deps) };
}

const creds = (id: string, expiresAt: number): AwsCredentials => ({ accessKeyId: id, secretAccessKey: 's'.repeat(40), sessionToken: 't', expiration: new Date(expiresAt) });

describe('CredentialResolver memory', () => {
  it('serves delivered credentials to credential_process only while valid beyond the margin, and to the terminal until expiry', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', form);
    t.resolver.rememberDelivered(s.id, creds('ASIADELIVERED', t.clock.now() + MEMORY_CACHE_MARGIN_MS + 1000));
    assert.equal(t.resolver.rememberedForProcess(s.id)?.accessKeyId, 'ASIADELIVERED');
    t.clock.advance(2000);
    assert.equal(t.resolver.rememberedForProcess(s.id), undefined, 'inside the margin: not served to credential_process');
    assert.equal((await t.resolver.currentCredentials(s.id))?.accessKeyId, 'ASIADELIVERED', 'still valid: the terminal may use it');
    t.resolver.forgetDelivered(s.id);
    assert.equal(await t.resolver.currentCredentials(s.id), undefined);
    assert.equal(t.prompter.asked.length, 0, 'nothing here prompts');
  });

  it('follows the shared state: a change drops sessions that are deleted or not active, keeps active ones', async () => {
    const t = setup();
    const a = await t.service.editor.save('iamUser', form);
    const b = await t.service.editor.save('iamUser', { ...form, alias: 'bob', profile: 'other' });
    const until = t.clock.now() + 3600_000;
    t.resolver.rememberDelivered(a.id, creds('ASIAA', until));
    t.resolver.rememberDelivered(b.id, creds('ASIAB', until));
    t.resolver.rememberDelivered('gone', creds('ASIAGONE', until));
    assert.equal(t.resolver.rememberedForProcess(b.id)?.accessKeyId, 'ASIAB', 'remembered until the state changes');
    // Any change, from this window or another: the resolver follows the store itself.
    await t.state.update((st) => {
      st.active[a.id] = { sessionId: a.id, status: 'active' };
      st.active.gone = { sessionId: 'gone', status: 'active' };
    });
    assert.equal(t.resolver.rememberedForProcess(a.id)?.accessKeyId, 'ASIAA');
    assert.equal(t.resolver.rememberedForProcess(b.id), undefined, 'not active');
    assert.equal(t.resolver.rememberedForProcess('gone'), undefined, 'no such session');
  });

  it('once disposed, it no longer listens to the state', async () => {
    const t = setup();
    const a = await t.service.editor.save('iamUser', form);
    t.resolver.rememberDelivered(a.id, creds('ASIAA', t.clock.now() + 3600_000));
    t.resolver.dispose();
    await t.state.update((st) => void (st.pinned = [a.id]));
    assert.equal(t.resolver.rememberedForProcess(a.id)?.accessKeyId, 'ASIAA', 'the change went unheard');
  });

  it('forgetAll drops memory and the token cached in the vault, so the next request generates (and prompts) again', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', form);
    const first = await t.resolver.credentialsForProcess(s.id);
    assert.equal((await t.resolver.credentialsForProcess(s.id)).accessKeyId, first.accessKeyId);
    assert.ok(await t.resolver.currentCredentials(s.id), 'the session token is cached in the vault');
    assert.equal(t.prompter.asked.length, 1);
    await t.resolver.forgetAll(s.id);
    assert.equal(t.resolver.rememberedForProcess(s.id), undefined);
    assert.equal(await t.resolver.currentCredentials(s.id), undefined);
    const second = await t.resolver.credentialsForProcess(s.id);
    assert.notEqual(second.accessKeyId, first.accessKeyId);
    assert.equal(t.prompter.asked.length, 2);
  });

  it('credentials AWS refused as an assumer are no longer served to credential_process either', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', form);
    const refused = await t.resolver.credentialsForProcess(s.id);
    assert.equal(t.resolver.rememberedForProcess(s.id)?.accessKeyId, refused.accessKeyId);
    await t.resolver.generateContext().forgetCredentialsOf!(s.id);
    assert.equal(t.resolver.rememberedForProcess(s.id), undefined);
    assert.equal(await t.resolver.currentCredentials(s.id), undefined);
    assert.notEqual((await t.resolver.credentialsForProcess(s.id)).accessKeyId, refused.accessKeyId);
  });
});

describe('SessionService keeps the memory in step with the lifecycle', () => {
  it('start remembers what it delivered; stop forgets it', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', form);
    await t.service.lifecycle.start(s.id);
    const delivered = t.delivery.profiles.get('dev')!.credentials;
    assert.equal(t.service.resolver.rememberedForProcess(s.id)?.accessKeyId, delivered.accessKeyId);
    await t.service.lifecycle.stop(s.id);
    assert.equal(t.service.resolver.rememberedForProcess(s.id), undefined);
  });

  it('an edit that replaces the keys drops every credential held for the session', async () => {
    const t = setup();
    const s = await t.service.editor.save('iamUser', form);
    const before = await t.service.resolver.credentialsForProcess(s.id);
    await t.service.editor.save('iamUser', { ...form, secretAccessKey: 'x'.repeat(40) }, s.id);
    assert.equal(t.service.resolver.rememberedForProcess(s.id), undefined);
    assert.equal(await t.service.resolver.currentCredentials(s.id), undefined);
    assert.notEqual((await t.service.resolver.credentialsForProcess(s.id)).accessKeyId, before.accessKeyId);
  });
});
