import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pkceChallenge, startLocalAws, type LocalAws } from '../../double';
import { tempDir } from '../support/tempDirs';

const AWS_CLI = '/usr/bin/aws';

describe('local AWS double: IAM Identity Center (SSO portal and SSO-OIDC)', function () {
  this.timeout(60_000);
  let double: LocalAws;
  let dir: string;

  before(() => assert.ok(existsSync(AWS_CLI), `${AWS_CLI} is missing: apt-get install -y awscli`));
  beforeEach(async () => {
    double = await startLocalAws({ sso: { accounts: 25, roles: 3 } });
    dir = tempDir('local-aws-sso-');
    writeFileSync(join(dir, 'config'), '');
    writeFileSync(join(dir, 'credentials'), '');
  });
  afterEach(async () => {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function aws(args: string[], keys?: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(keys ? { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken } : {}),
    };
    // `--flag=value`: a random secret or token may start with "-", which the CLI would take for a flag.
    const joined: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i].startsWith('--') && i + 1 < args.length && !args[i + 1].startsWith('--')) joined.push(`${args[i]}=${args[++i]}`);
      else if (args[i].startsWith('--') && i + 1 < args.length && /^--(client-secret|client-id|access-token|device-code|refresh-token|code)$/.test(args[i])) joined.push(`${args[i]}=${args[++i]}`);
      else joined.push(args[i]);
    }
    return new Promise((resolve) => {
      execFile(AWS_CLI, [...joined, '--endpoint-url', double.endpoint, '--output', 'json'], { env }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }
  const ok = <T>(r: { code: number; stdout: string; stderr: string }): T => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(double.endpoint + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('the real AWS CLI registers, authorizes a device, gets a token, lists every account and role, and gets role credentials', async () => {
    const client = ok<{ clientId: string; clientSecret: string }>(await aws(['sso-oidc', 'register-client', '--client-name', 'cli', '--client-type', 'public', '--scopes', 'sso:account:access']));
    const device = ok<{ deviceCode: string; userCode: string; verificationUriComplete: string; interval: number }>(
      await aws(['sso-oidc', 'start-device-authorization', '--client-id', client.clientId, '--client-secret', client.clientSecret, '--start-url', double.ssoStartUrl!]),
    );
    assert.equal(device.verificationUriComplete, `${double.endpoint}/device?user_code=${device.userCode}`);
    const tokenArgs = ['sso-oidc', 'create-token', '--client-id', client.clientId, '--client-secret', client.clientSecret, '--grant-type', 'urn:ietf:params:oauth:grant-type:device_code', '--device-code', device.deviceCode];
    const pending = await aws(tokenArgs);
    assert.match(pending.stderr, /\(AuthorizationPendingException\) when calling the CreateToken operation/);
    // The approval endpoint for tests (what the user does in the browser).
    assert.equal((await post('/_double/sso/approve', { userCode: device.userCode })).status, 200);
    const token = ok<{ accessToken: string; refreshToken: string; expiresIn: number }>(await aws(tokenArgs));
    assert.ok(token.refreshToken);
    assert.equal(token.expiresIn, 8 * 3600);

    const accounts = ok<{ accountList: Array<{ accountId: string; accountName: string }> }>(await aws(['sso', 'list-accounts', '--access-token', token.accessToken]));
    assert.equal(accounts.accountList.length, 25, 'the CLI followed every page');
    const roles = ok<{ roleList: Array<{ roleName: string }> }>(await aws(['sso', 'list-account-roles', '--access-token', token.accessToken, '--account-id', accounts.accountList[4].accountId]));
    assert.deepEqual(roles.roleList.map((r) => r.roleName), ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess']);
    const { roleCredentials: rc } = ok<{ roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number } }>(
      await aws(['sso', 'get-role-credentials', '--access-token', token.accessToken, '--account-id', accounts.accountList[4].accountId, '--role-name', 'ReadOnlyAccess']),
    );
    assert.ok(rc.expiration > Date.now());
    const who = ok<{ Arn: string }>(await aws(['sts', 'get-caller-identity'], rc));
    assert.match(who.Arn, new RegExp(`^arn:aws:sts::${accounts.accountList[4].accountId}:assumed-role/AWSReservedSSO_ReadOnlyAccess_`));

    const bad = await aws(['sso', 'list-accounts', '--access-token', 'not-a-token']);
    assert.match(bad.stderr, /\(UnauthorizedException\) when calling the ListAccounts operation/);
    // (`aws sso logout` is a CLI customisation over its own cache, so the API is called directly.)
    const logout = await fetch(`${double.endpoint}/logout`, { method: 'POST', headers: { 'x-amz-sso_bearer_token': token.accessToken } });
    assert.equal(logout.status, 200);
    assert.match((await aws(['sso', 'list-accounts', '--access-token', token.accessToken])).stderr, /UnauthorizedException/);
  });

  it('answers SlowDownException to a client polling faster than the interval, and refresh_token grants', async () => {
    const reg = await post('/client/register', { clientName: 't', clientType: 'public', scopes: ['sso:account:access'] });
    const { clientId, clientSecret } = reg.body as { clientId: string; clientSecret: string };
    const dev = (await post('/device_authorization', { clientId, clientSecret, startUrl: double.ssoStartUrl })).body as { deviceCode: string; userCode: string };
    const poll = () => post('/token', { clientId, clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: dev.deviceCode });
    assert.equal((await poll()).body.error, 'authorization_pending');
    assert.equal((await poll()).body.error, 'slow_down');
    double.sso.decide(dev.userCode, true);
    const token = (await poll()).body as { refreshToken: string };
    const refreshed = await post('/token', { clientId, clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken });
    assert.equal(refreshed.status, 200);
    assert.ok(refreshed.body.accessToken);
    double.sso.revokeAll({ refreshTokens: true });
    assert.equal((await post('/token', { clientId, clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken })).body.error, 'invalid_grant');
  });

  it('checks PKCE: the code is exchanged only with the matching verifier and redirect URI', async () => {
    const reg = await post('/client/register', { clientName: 't', clientType: 'public', scopes: ['sso:account:access'], grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: double.ssoStartUrl });
    const { clientId, clientSecret } = reg.body as { clientId: string; clientSecret: string };
    const verifier = 'v'.repeat(50);
    const redirectUri = 'http://127.0.0.1:45678/oauth/callback';
    const authorize = new URL(`${double.endpoint}/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 's1', code_challenge_method: 'S256', code_challenge: pkceChallenge(verifier), scopes: 'sso:account:access' })) authorize.searchParams.set(k, v);
    const res = await fetch(authorize, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, redirectUri);
    assert.equal(location.searchParams.get('state'), 's1');
    const code = location.searchParams.get('code')!;
    const exchange = (codeVerifier: string, uri = redirectUri) => post('/token', { clientId, clientSecret, grantType: 'authorization_code', code, redirectUri: uri, codeVerifier });
    assert.match(String((await exchange('w'.repeat(50))).body.error_description), /PKCE/);
    assert.equal((await exchange(verifier, 'http://127.0.0.1:1/other')).body.error, 'invalid_grant');
    const good = await exchange(verifier);
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal((await exchange(verifier)).body.error, 'invalid_grant', 'a code is single-use');
    const evil = new URL(authorize);
    evil.searchParams.set('redirect_uri', 'http://evil.example/oauth/callback');
    assert.equal((await fetch(evil, { redirect: 'manual' })).status, 400);
  });

  it('throttles the portal with a token bucket and answers 429 TooManyRequestsException (Retry-After when configured)', async () => {
    double.sso.configure({ throttleRps: 2, throttleBurst: 3, retryAfterSeconds: 2 });
    const token = double.sso.issueToken('c', false).accessToken.token;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await fetch(`${double.endpoint}/assignment/accounts`, { headers: { 'x-amz-sso_bearer_token': token } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.equal(statuses.at(-1), 429);
    assert.equal(last!.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    assert.equal(last!.headers.get('retry-after'), '2');
    const stats = (await (await fetch(`${double.endpoint}/_double/sso/stats`)).json()) as { throttled: number };
    assert.equal(stats.throttled, statuses.filter((s) => s === 429).length);
  });

  it('npm run local-aws takes the organisation and throttle flags', async () => {
    const child = spawn(process.execPath, ['scripts/local-aws.mjs', '--port', '0', '--accounts', '7', '--roles', '2', '--latency-ms', '5', '--throttle-rps', '50', '--throttle-burst', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const ready = JSON.parse(line) as { endpoint: string; ssoStartUrl: string };
      assert.ok(ready.ssoStartUrl);
      const config = (await (await fetch(`${ready.endpoint}/_double/sso/config`)).json()) as Record<string, number>;
      assert.deepEqual([config.accounts, config.roles, config.throttleRps, config.throttleBurst], [7, 2, 50, 20]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
