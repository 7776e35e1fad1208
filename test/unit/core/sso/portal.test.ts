/**
 * The IAM Identity Center portal client against the local double, which speaks the portal's REST-JSON
 * wire protocol (bearer token header, 401 UnauthorizedException, 429 TooManyRequestsException with
 * Retry-After, injected 5xx, latency and garbled bodies).
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import sinon from 'sinon';
import { PortalError, SsoPortal, type PortalOptions } from '../../../../src/core/sso/portal';
import { startLocalAws, type LocalAws } from '../../../double';

const REGION = 'us-east-1';

describe('SsoPortal (IAM Identity Center portal calls)', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  let token: string;
  before(async () => {
    aws = await startLocalAws({ sso: { accounts: 5, roles: 3 } });
  });
  after(() => aws.close());
  beforeEach(async () => {
    aws.sso.reset();
    aws.sso.configure({ accounts: 5, roles: 3, throttleRps: 0, retryAfterSeconds: null });
    await fetch(`${aws.endpoint}/_double/reset`, { method: 'POST', body: '{}' });
    token = aws.sso.issueToken('client-test', false).accessToken.token;
  });

  const portal = (options: Partial<PortalOptions> = {}) => new SsoPortal({ endpoint: () => aws.endpoint, sleep: async () => undefined, ...options });
  const fault = (action: string, kind: string, count = 1, extra: Record<string, unknown> = {}) =>
    fetch(`${aws.endpoint}/_double/faults`, { method: 'POST', body: JSON.stringify({ action, kind, count, ...extra }) }).then((r) => assert.equal(r.status, 200));
  const calls = (action: string) => aws.state.callLog().filter((c) => c.action === action);
  const rejection = async (run: Promise<unknown>): Promise<PortalError> => {
    const error = await run.then(
      () => assert.fail('expected a PortalError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof PortalError, `a PortalError, got ${String(error)}`);
    return error;
  };

  it('pages accounts, lists roles, gets role credentials and logs out, over the portal wire protocol', async () => {
    const p = portal({ endpoint: () => `${aws.endpoint}/` });
    const first = await p.listAccounts(REGION, token, undefined, { pageSize: 2 });
    assert.deepEqual(
      first.accounts.map((a) => a.accountId),
      ['200000000001', '200000000002'],
    );
    assert.equal(first.accounts[0].accountName, 'account-0001');
    assert.ok(first.accounts[0].emailAddress);
    assert.ok(first.nextToken);
    const rest = await p.listAccounts(REGION, token, first.nextToken, { pageSize: 100 });
    assert.equal(rest.accounts.length, 3);
    assert.equal(rest.nextToken, undefined);

    const roles = await p.listAccountRoles(REGION, token, '200000000001');
    assert.equal(roles.roles.length, 3);
    assert.equal(roles.nextToken, undefined);

    const credentials = await p.getRoleCredentials(REGION, token, '200000000001', roles.roles[0]);
    assert.match(credentials.accessKeyId, /^ASIA/);
    assert.ok(credentials.secretAccessKey && credentials.sessionToken);
    assert.ok(credentials.expiration instanceof Date && credentials.expiration.getTime() > Date.now());
    assert.ok(aws.state.issuedByAccessKey(credentials.accessKeyId), 'issued by the portal');

    await p.logout(REGION, token);
    const rejected = await rejection(p.listAccounts(REGION, token));
    assert.ok(rejected.tokenRejected, 'the token is rejected after Logout');
    assert.equal(p.stats(REGION).calls, 6);
  });

  it('a rejected token and a missing role fail with the portal exception name, status and message', async () => {
    const p = portal();
    const unauthorized = await rejection(p.listAccounts(REGION, 'aoa-not-a-token'));
    assert.equal(unauthorized.code, 'UnauthorizedException');
    assert.equal(unauthorized.httpStatus, 401);
    assert.ok(unauthorized.tokenRejected);
    assert.match(unauthorized.message, /UnauthorizedException \(Session token not found or invalid\)/);

    const missing = await rejection(p.getRoleCredentials(REGION, token, '200000000001', 'NoSuchRole'));
    assert.equal(missing.code, 'ResourceNotFoundException');
    assert.equal(missing.httpStatus, 404);
    assert.equal(missing.tokenRejected, false);
    assert.equal(calls('GetRoleCredentials').length, 1, 'a 4xx is not retried');
  });

  it('a 429 is retried until it succeeds, and its Retry-After reaches the limiter', async () => {
    aws.sso.configure({ throttleRps: 2, throttleBurst: 1, retryAfterSeconds: 1 });
    const p = portal();
    const release = sinon.spy(p.limiter(REGION), 'release');
    const all = await Promise.all(['200000000001', '200000000002', '200000000003'].map((id) => p.listAccountRoles(REGION, token, id)));
    assert.deepEqual(
      all.map((r) => r.roles.length),
      [3, 3, 3],
    );
    assert.ok(aws.sso.stats.throttled > 0, 'the throttle was hit');
    const throttled = release.getCalls().filter((c) => c.args[0] === 'throttled');
    assert.equal(throttled.length, aws.sso.stats.throttled, 'every 429 reported as throttled');
    for (const c of throttled) assert.deepEqual(c.args[1], { retryAfterMs: 1000 });
    assert.equal(p.stats(REGION).retries, aws.sso.stats.throttled);
  });

  it('5xx answers are retried by the portal client alone (no SDK retries), up to maxAttempts', async () => {
    await fault('ListAccountRoles', '5xx', 1);
    const once = await rejection(portal({ maxAttempts: 1 }).listAccountRoles(REGION, token, '200000000001'));
    assert.equal(once.code, 'InternalFailure');
    assert.equal(once.httpStatus, 500);
    assert.equal(calls('ListAccountRoles').length, 1, 'maxAttempts 1: exactly one request');

    await fault('ListAccountRoles', '5xx', 1);
    const roles = await portal().listAccountRoles(REGION, token, '200000000001');
    assert.equal(roles.roles.length, 3);
    assert.equal(calls('ListAccountRoles').length, 3, 'one failed attempt, then success');

    await fault('ListAccountRoles', '5xx', 5, { status: 503 });
    const persistent = await rejection(portal({ maxAttempts: 3 }).listAccountRoles(REGION, token, '200000000001'));
    assert.equal(persistent.code, 'ServiceUnavailable');
    assert.equal(persistent.httpStatus, 503);
    assert.match(persistent.message, /ServiceUnavailable/);
    assert.equal(calls('ListAccountRoles').length, 6, 'three attempts, then the failure');
  });

  it('an unreachable portal fails with the network cause; an abort rejects with the caller’s reason', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const unreachable = await rejection(portal({ endpoint: () => `http://127.0.0.1:${port}`, maxAttempts: 2 }).listAccounts(REGION, token));
    assert.equal(unreachable.code, 'ECONNREFUSED');
    assert.match(unreachable.message, new RegExp(`portal at http://127\\.0\\.0\\.1:${port} could not be reached \\(ECONNREFUSED\\)`));

    // A portal that never answers: only the abort can end the call (else the test times out).
    const silent = createHttpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const controller = new AbortController();
      const reason = new Error('the user cancelled');
      setTimeout(() => controller.abort(reason), 100);
      const silentPort = (silent.address() as { port: number }).port;
      await assert.rejects(portal({ endpoint: () => `http://127.0.0.1:${silentPort}` }).listAccounts(REGION, token, undefined, { signal: controller.signal }), (e) => e === reason);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('an answer that is not the portal’s (a proxy’s page) fails with its HTTP status and the start of its body', async () => {
    const answers: Array<[number, string]> = [
      [403, '<html>Forbidden by proxy</html>'],
      [502, 'Bad Gateway'],
      [502, 'Bad Gateway'],
    ];
    const proxy = createHttpServer((_req, res) => {
      const [status, body] = answers.shift() ?? [500, 'unexpected'];
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(body);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const p = portal({ endpoint: () => `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, maxAttempts: 2 });
    try {
      const forbidden = await rejection(p.listAccounts(REGION, token));
      assert.equal(forbidden.code, 'HTTP403');
      assert.equal(forbidden.httpStatus, 403);
      assert.match(forbidden.message, /HTTP403 \(<html>Forbidden by proxy<\/html>\)/);
      const gateway = await rejection(p.listAccounts(REGION, token));
      assert.equal(gateway.code, 'HTTP502');
      assert.match(gateway.message, /HTTP502 \(Bad Gateway\)/);
      assert.equal(answers.length, 0, 'the 502 was tried twice');
    } finally {
      p.dispose();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('a garbled answer fails as a portal error that names the call', async () => {
    await fault('ListAccounts', 'malformed', 1);
    const garbled = await rejection(portal().listAccounts(REGION, token));
    assert.equal(garbled.code, 'InvalidResponse');
    assert.match(garbled.message, /ListAccounts/);
  });
});
