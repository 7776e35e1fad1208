/** One SAML sign-in for every role it offers: shared capture, the roles without a session, sessions created and started against the double. */
import assert from 'node:assert/strict';
import { SessionService } from '../../../../src/core/sessionService';
import { SdkStsGateway } from '../../../../src/core/aws/sts';
import { AWS_SAML_SIGNIN_URLS } from '../../../../src/core/constants';
import type { SamlCapture } from '../../../../src/core/saml/capture';
import { SharedSamlCapture } from '../../../../src/core/saml/sharedCapture';
import { federatedSessionValues, rolesWithoutSession } from '../../../../src/core/saml/rolePick';
import { buildSamlAssertion, signAssertion, startLocalAws, type LocalAws } from '../../../double';
import { FakeClock, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';
import { rules } from '../../../../src/core/validation';

const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';
const ROLES = ['SamlDev', 'SamlAdmin', 'ReadOnly', 'Audit'].map((r) => `arn:aws:iam::111111111111:role/${r}`);
const PROVIDERS = [PROVIDER, PROVIDER, PROVIDER, PROVIDER];
const IDP = 'https://idp.example.com/app/aws/sso/saml';

describe('one SAML sign-in for every role it offers', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws({ samlSignatureRequired: true });
  });
  after(() => aws.close());

  const fourRoles = (nowMs?: number) =>
    buildSamlAssertion({ roles: ROLES.map((roleArn, i) => ({ roleArn, principalArn: PROVIDERS[i] })), subject: 'jane@example.com', nowMs, sign: (x, id) => signAssertion(x, id, aws.idpKeys) });

  function counting(clock: { now(): number }) {
    const calls: string[] = [];
    let release: (() => void) | undefined;
    const inner: SamlCapture = {
      signInUrls: AWS_SAML_SIGNIN_URLS,
      async capture(r) {
        calls.push(r.sessionAlias);
        await new Promise<void>((resolve) => (release = resolve));
        return fourRoles(clock.now());
      },
    };
    return { inner, calls, release: () => release?.() };
  }

  it('sessions started together wait for one sign-in; a later start reuses it until the assertion nears its end', async () => {
    const clock = new FakeClock(Date.now());
    const c = counting(clock);
    const shared = new SharedSamlCapture(c.inner, clock);
    const a = shared.capture({ sessionAlias: 'a', idpUrl: IDP, background: false });
    const b = shared.capture({ sessionAlias: 'b', idpUrl: `${IDP}/`, background: false });
    await new Promise((r) => setImmediate(r));
    c.release();
    assert.equal(await a, await b);
    assert.deepEqual(c.calls, ['a'], 'one browser round trip');
    assert.equal(shared.offeredRoles(IDP).length, 4);
    assert.equal(await shared.capture({ sessionAlias: 'c', idpUrl: IDP, background: true }), await a);
    assert.deepEqual(c.calls, ['a']);
    clock.advance(5 * 60_000); // the double's assertions are valid 5 minutes
    const again = shared.capture({ sessionAlias: 'd', idpUrl: IDP, background: false });
    await new Promise((r) => setImmediate(r));
    c.release();
    await again;
    assert.deepEqual(c.calls, ['a', 'd'], 'an assertion near its end is not handed out');
    const other = shared.capture({ sessionAlias: 'e', idpUrl: 'https://other-idp.example.com/saml', background: false });
    await new Promise((r) => setImmediate(r));
    c.release();
    await other;
    assert.deepEqual(c.calls, ['a', 'd', 'e'], 'another IdP URL signs in on its own');
  });

  it('offers the roles without a session, with valid, unique aliases and profiles of their own', () => {
    const offered = ROLES.map((roleArn, i) => ({ roleArn, providerArn: PROVIDERS[i] }));
    const state = { version: 1, profiles: [{ id: 'p0', name: 'default' }, { id: 'p1', name: 'fed' }], sessions: [], active: {} } as never as Parameters<typeof federatedSessionValues>[1];
    state.sessions.push({ id: 's1', kind: 'iamRoleFederated', alias: 'fed', profileId: 'p1', region: 'eu-west-1', roleArn: ROLES[0], idpUrl: IDP, samlProviderArn: PROVIDER });
    const missing = rolesWithoutSession(offered, state.sessions, `${IDP}/`);
    assert.deepEqual(missing.map((p) => p.roleArn), ROLES.slice(1));
    const values = federatedSessionValues(missing, state, ['111111111111-SamlAdmin'], IDP, 'eu-west-1');
    assert.deepEqual(values.map((v) => v.alias), ['SamlAdmin (111111111111)', 'ReadOnly (111111111111)', 'Audit (111111111111)']);
    assert.deepEqual(values.map((v) => v.profile), ['111111111111-SamlAdmin-111111111111', '111111111111-ReadOnly', '111111111111-Audit']);
    for (const v of values) assert.equal(rules.profileName(v.profile), undefined);
  });

  it('three sessions created from the pick start with one sign-in, each as its own role (the double checks the signed assertion)', async () => {
    const c = counting({ now: () => Date.now() });
    const shared = new SharedSamlCapture(c.inner, { now: () => Date.now() });
    const state = new MemoryStateStore();
    const delivery = new MemoryDelivery();
    const service = new SessionService({
      state,
      secrets: new MemorySecretVault(),
      sts: new SdkStsGateway({ endpoint: () => aws.endpoint }),
      prompter: new ScriptedPrompter([]),
      clock: { now: () => Date.now() },
      logger: new RecordingLogger(),
      delivery,
      saml: shared,
    });
    const first = await service.editor.save('iamRoleFederated', { alias: 'fed', profile: 'fed', region: 'eu-west-1', roleArn: ROLES[0], idpUrl: IDP, samlProviderArn: PROVIDER });
    const starting = service.lifecycle.start(first.id);
    await new Promise((r) => setTimeout(r, 50));
    c.release();
    await starting;
    const picked = rolesWithoutSession(shared.offeredRoles(IDP), (await state.read()).sessions, IDP).slice(0, 3);
    assert.equal(picked.length, 3, 'the three other roles of the assertion');
    const created = [];
    for (const v of federatedSessionValues(picked, await state.read(), [], IDP, 'eu-west-1')) created.push(await service.editor.save('iamRoleFederated', v));
    await Promise.all(created.map((s) => service.lifecycle.start(s.id)));
    assert.deepEqual(c.calls, ['fed'], 'one sign-in for all four sessions');
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const state2 = await state.read();
    for (const s of created) {
      const profile = state2.profiles.find((p) => p.id === s.profileId)!.name;
      const who = await sts.getCallerIdentity({ credentials: delivery.profiles.get(profile)!.credentials, region: 'eu-west-1' });
      assert.match(who.arn, new RegExp(`assumed-role/${s.alias.split(' ')[0]}/jane@example.com$`));
    }
  });
});
