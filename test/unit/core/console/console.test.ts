/** Web console sign-in: URLs per partition, and the token exchange through the real SDK against the double's federation endpoint. */
import assert from 'node:assert/strict';
import { SessionService } from '../../../../src/core/sessionService';
import { SdkStsGateway } from '../../../../src/core/aws/sts';
import { SessionError } from '../../../../src/core/errors';
import { systemClock } from '../../../../src/core/ports';
import { clampConsoleDuration, ConsoleSignIn, type FetchLike } from '../../../../src/core/console/consoleSignIn';
import { consoleDestination, consoleHosts, loginUrl, logoutThenUrl, signinTokenUrl } from '../../../../src/core/console/urls';
import { federatedUserName } from '../../../../src/core/sessions/iamUser';
import { startLocalAws, type LocalAws } from '../../../double';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';

describe('console sign-in URLs', () => {
  it('uses the sign-in and console hosts of each partition', () => {
    const cases = [
      ['eu-west-1', 'https://signin.aws.amazon.com', 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
      ['us-east-1', 'https://signin.aws.amazon.com', 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1'],
      ['us-gov-west-1', 'https://signin.amazonaws-us-gov.com', 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1'],
      ['cn-north-1', 'https://signin.amazonaws.cn', 'https://console.amazonaws.cn/console/home?region=cn-north-1'],
    ] as const;
    for (const [region, signin, destination] of cases) {
      const hosts = consoleHosts(region);
      assert.equal(hosts.signin, signin, region);
      assert.equal(consoleDestination(hosts, region), destination, region);
    }
  });

  it('builds getSigninToken, login and logout URLs with every value encoded', () => {
    const hosts = consoleHosts('eu-west-1');
    const token = new URL(signinTokenUrl(hosts, { sessionId: 'ASIAX', sessionKey: 'k/+=', sessionToken: 'tok&en' }, 3600));
    assert.equal(token.origin + token.pathname, 'https://signin.aws.amazon.com/federation');
    assert.equal(token.searchParams.get('Action'), 'getSigninToken');
    assert.equal(token.searchParams.get('SessionDuration'), '3600');
    assert.deepEqual(JSON.parse(token.searchParams.get('Session')!), { sessionId: 'ASIAX', sessionKey: 'k/+=', sessionToken: 'tok&en' });
    assert.equal(new URL(signinTokenUrl(hosts, { sessionId: 'a', sessionKey: 'b', sessionToken: 'c' })).searchParams.has('SessionDuration'), false);

    const login = new URL(loginUrl(hosts, 'TOKEN+/=', consoleDestination(hosts, 'eu-west-1')));
    assert.equal(login.searchParams.get('Action'), 'login');
    assert.equal(login.searchParams.get('SigninToken'), 'TOKEN+/=');
    assert.equal(login.searchParams.get('Destination'), 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
    assert.ok(!login.search.includes('ASIA'), 'the login URL carries no credentials');
    const logout = new URL(logoutThenUrl(hosts, login.toString()));
    assert.equal(logout.origin + logout.pathname, 'https://signin.aws.amazon.com/oauth');
    assert.equal(logout.searchParams.get('Action'), 'logout');
    assert.equal(logout.searchParams.get('redirect_uri'), login.toString());
  });

  it('lets tests override both hosts, and clamps the console duration to 900–43200', () => {
    const hosts = consoleHosts('cn-north-1', { federationEndpoint: 'http://127.0.0.1:9/', consoleEndpoint: 'http://127.0.0.1:9' });
    assert.deepEqual(hosts, { signin: 'http://127.0.0.1:9', console: 'http://127.0.0.1:9' });
    assert.equal(clampConsoleDuration(60), 900);
    assert.equal(clampConsoleDuration(99999), 43200);
    assert.equal(clampConsoleDuration(undefined), 43200);
    assert.equal(clampConsoleDuration(3600.4), 3600);
  });

  it('names the federated user within GetFederationToken limits', () => {
    assert.equal(federatedUserName('dev admin/prod'), 'dev-admin-prod');
    assert.equal(federatedUserName('x'), 'aws-sessions-x');
    assert.equal(federatedUserName('a'.repeat(50)).length, 32);
  });
});

describe('console sign-in against the local AWS double', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws();
  });
  after(() => aws.close());

  function setup(durationSeconds?: number, fetchImpl: FetchLike = (u, i) => fetch(u, i)) {
    const secrets = new MemorySecretVault();
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const prompter = new ScriptedPrompter([]);
    const logger = new RecordingLogger();
    const service = new SessionService({ state: new MemoryStateStore(), secrets, sts, prompter, clock: systemClock, logger, delivery: new MemoryDelivery() });
    const signIn = new ConsoleSignIn({
      state: service.state,
      resolver: service.resolver,
      secrets,
      sts,
      prompter,
      clock: systemClock,
      logger,
      fetch: fetchImpl,
      hostOverrides: () => ({ federationEndpoint: aws.endpoint, consoleEndpoint: aws.endpoint }),
      sessionDurationSeconds: () => durationSeconds,
    });
    return { service, signIn, logger };
  }
  const bob = () => aws.user('bob');
  const saveBob = (service: SessionService, alias = 'bob-dev') =>
    service.editor.save('iamUser', { alias, profile: alias, region: 'eu-west-1', accessKeyId: bob().accessKeyId, secretAccessKey: bob().secretAccessKey });

  async function follow(url: string): Promise<string> {
    const login = await fetch(url, { redirect: 'manual' });
    assert.equal(login.status, 302, await login.clone().text());
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const landing = await fetch(login.headers.get('location')!, { headers: { cookie } });
    return landing.text();
  }

  it('IAM User: GetFederationToken (not GetSessionToken), no SessionDuration, lands signed in as the federated user', async () => {
    const t = setup(7200);
    const session = await saveBob(t.service);
    const before = aws.federationLog().tokens.length;
    const link = await t.signIn.link(session.id);
    assert.equal(link.via, 'GetFederationToken');
    assert.equal(link.sessionDurationSeconds, undefined);
    const token = aws.federationLog().tokens[before];
    assert.equal(token.arn, 'arn:aws:sts::111111111111:federated-user/bob-dev');
    assert.equal(token.sessionDurationSeconds, null);
    const fed = aws.state.callLog().filter((c) => c.action === 'GetFederationToken').at(-1)!;
    assert.equal(fed.accessKeyId, bob().accessKeyId, 'signed with the long-term key');
    assert.equal(new URL(link.openUrl).pathname, '/oauth');
    assert.match(await follow(link.url), /Signed in as arn:aws:sts::111111111111:federated-user\/bob-dev in eu-west-1/);
    assert.ok(!t.logger.lines.some((l) => l.includes('SigninToken') || l.includes(link.url)), 'the link is never logged');
  });

  it('chained from an IAM User: role credentials with SessionDuration; chained from a role: none (role chaining)', async () => {
    const t = setup(3600);
    const user = await saveBob(t.service, 'bob-base');
    const c1 = await t.service.editor.save('iamRoleChained', { alias: 'c1', profile: 'c1', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/One', assumerSessionId: user.id });
    const c3 = await t.service.editor.save('iamRoleChained', { alias: 'c3', profile: 'c3', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Three', assumerSessionId: c1.id });

    const l1 = await t.signIn.link(c1.id);
    assert.equal(l1.sessionDurationSeconds, 3600);
    assert.equal(aws.federationLog().tokens.at(-1)!.sessionDurationSeconds, 3600);
    assert.match(await follow(l1.url), /Signed in as arn:aws:sts::111111111111:assumed-role\/One\/aws-sessions-c1 in eu-west-1/);

    const l3 = await t.signIn.link(c3.id);
    assert.equal(l3.sessionDurationSeconds, undefined, 'role chaining: the endpoint would refuse SessionDuration');
    assert.match(await follow(l3.url), /assumed-role\/Three\//);
  });

  it('the double refuses GetSessionToken credentials and SessionDuration with role chaining, so the client has to get both right', async () => {
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const keys = { accessKeyId: bob().accessKeyId, secretAccessKey: bob().secretAccessKey };
    const st = await sts.getSessionToken({ credentials: keys, region: 'us-east-1', durationSeconds: 3600 });
    const hosts = consoleHosts('us-east-1', { federationEndpoint: aws.endpoint });
    const r1 = await fetch(signinTokenUrl(hosts, { sessionId: st.accessKeyId, sessionKey: st.secretAccessKey, sessionToken: st.sessionToken! }));
    assert.equal(r1.status, 400);
    assert.match(await r1.text(), /GetSessionToken cannot sign in/);
    const role = await sts.assumeRole({ credentials: st, region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/A', roleSessionName: 'aa' });
    const chained = await sts.assumeRole({ credentials: role, region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/B', roleSessionName: 'bb' });
    const r2 = await fetch(signinTokenUrl(hosts, { sessionId: chained.accessKeyId, sessionKey: chained.secretAccessKey, sessionToken: chained.sessionToken! }, 3600));
    assert.equal(r2.status, 400);
    const r3 = await fetch(signinTokenUrl(hosts, { sessionId: chained.accessKeyId, sessionKey: 'wrong', sessionToken: chained.sessionToken! }));
    assert.equal(r3.status, 400);
  });

  it('reports a refused or unreachable sign-in endpoint naming the session, without the credentials', async () => {
    const refused = setup(undefined, async () => ({ ok: false, status: 400, text: async () => '<html><body>Invalid credentials parameter</body></html>' }));
    const s = await saveBob(refused.service, 'bob-refused');
    await assert.rejects(refused.signIn.link(s.id), (e: unknown) => e instanceof SessionError && /Session "bob-refused".*HTTP 400: Invalid credentials parameter/.test(e.message));
    const down = setup(undefined, async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const d = await saveBob(down.service, 'bob-down');
    await assert.rejects(down.signIn.link(d.id), (e: unknown) => e instanceof SessionError && /could not reach the AWS sign-in endpoint .*ECONNREFUSED/.test(e.message) && !e.message.includes(bob().secretAccessKey));
  });
});
