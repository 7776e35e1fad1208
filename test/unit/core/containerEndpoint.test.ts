/** The container credentials endpoint over real HTTP: tokens, the providers' format, rotation, lazy start and close. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ContainerCredentialsEndpoint } from '../../../src/core/containerEndpoint';
import { ContainerEnv, ENDPOINT_MIN_VALIDITY_MS } from '../../../src/core/constants';
import { SessionService } from '../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';

const MIN = 60_000;

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A GET with exactly these headers (fetch would add its own). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('container credentials endpoint', function () {
  this.timeout(20_000);
  let endpoint: ContainerCredentialsEndpoint;
  let clock: FakeClock;
  let sts: FakeSts;
  let logger: RecordingLogger;

  async function setup(lifetimeMs = 36000 * 1000) {
    clock = new FakeClock(Date.now());
    sts = new FakeSts(clock, lifetimeMs);
    logger = new RecordingLogger();
    const state = new MemoryStateStore();
    const service = new SessionService({ state, secrets: new MemorySecretVault(), sts, prompter: new ScriptedPrompter(), clock, logger, delivery: new MemoryDelivery() });
    const save = (alias: string) =>
      service.editor.save('iamUser', { alias, profile: alias, region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', mfaSerial: '' });
    const dev = await save('dev');
    const ops = await save('ops');
    await service.lifecycle.start(dev.id);
    await service.lifecycle.start(ops.id);
    endpoint = new ContainerCredentialsEndpoint({ resolver: service.resolver, state, logger });
    return { service, dev, ops };
  }
  afterEach(() => endpoint?.dispose());

  it('does not listen until a session asks for its variables', async () => {
    await setup();
    assert.equal(endpoint.isListening, false);
  });

  it('serves the providers format with a token, credentials valid for at least 15 minutes, no-store', async () => {
    const { dev } = await setup();
    const vars = await endpoint.variables(dev.id);
    assert.match(vars[ContainerEnv.fullUri], /^http:\/\/127\.0\.0\.1:\d+\/v1\/sessions\/[A-Za-z0-9-]+$/);
    assert.ok(!vars[ContainerEnv.fullUri].includes(vars[ContainerEnv.token]), 'the token is not in the URL');
    assert.ok(Buffer.from(vars[ContainerEnv.token], 'base64url').length >= 32, 'at least 32 random bytes');
    const reply = await get(vars[ContainerEnv.fullUri], { Authorization: vars[ContainerEnv.token] });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(reply.headers['cache-control'], 'no-store');
    const body = JSON.parse(reply.body) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token']);
    assert.match(body.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(body.Expiration) - clock.now() >= ENDPOINT_MIN_VALIDITY_MS);
    assert.equal(sts.calls.length, 2, 'served from what the start delivered: no AWS call');
  });

  it('refuses a missing, wrong or other session token, a web page and other methods, with no credentials', async () => {
    const { dev, ops } = await setup();
    const d = await endpoint.variables(dev.id);
    const o = await endpoint.variables(ops.id);
    assert.notEqual(d[ContainerEnv.token], o[ContainerEnv.token], 'one token per session');
    assert.deepEqual(await endpoint.variables(dev.id), d, 'the same token for the session within the window');
    const url = d[ContainerEnv.fullUri];
    const token = d[ContainerEnv.token];
    const cases: Array<[string, Promise<Reply>, number]> = [
      ['no Authorization', get(url), 401],
      ['empty Authorization', get(url, { Authorization: '' }), 401],
      ['wrong token', get(url, { Authorization: 'x'.repeat(token.length) }), 403],
      ['token with a prefix', get(url, { Authorization: `Bearer ${token}` }), 403],
      ['truncated token', get(url, { Authorization: token.slice(0, -1) }), 403],
      ["another session's token", get(url, { Authorization: o[ContainerEnv.token] }), 403],
      ['the right token on an unknown session', get(url.replace(dev.id, 'not-a-session'), { Authorization: token }), 403],
      ['the right token on another path', get(url.replace('/v1/sessions/', '/'), { Authorization: token }), 403],
      ['a query string', get(`${url}?x=1`, { Authorization: token }), 403],
      ['a web page', get(url, { Authorization: token, Origin: 'http://evil.example' }), 403],
      ['POST', get(url, { Authorization: token }, 'POST'), 405],
    ];
    for (const [label, reply, status] of cases) {
      const r = await reply;
      assert.equal(r.status, status, `${label}: ${r.body}`);
      assert.ok(!/ASIA|SecretAccessKey|"Token"/.test(r.body), `${label}: no credentials in ${r.body}`);
      assert.ok(!r.body.includes(token), `${label}: the token is not echoed`);
    }
    assert.ok(!logger.lines.some((l) => l.includes(token) || l.includes(o[ContainerEnv.token])), 'no token in the log');
    assert.ok(logger.lines.some((l) => l.includes('refused')), 'refusals are logged (without the token)');
  });

  it('a stopped session gets 403 and no credentials, and its own token still works after a restart', async () => {
    const { service, dev } = await setup();
    const vars = await endpoint.variables(dev.id);
    await service.lifecycle.stop(dev.id);
    const stopped = await get(vars[ContainerEnv.fullUri], { Authorization: vars[ContainerEnv.token] });
    assert.equal(stopped.status, 403, stopped.body);
    assert.match(stopped.body, /not active: start it/);
    assert.ok(!stopped.body.includes('ASIA'));
    await service.lifecycle.start(dev.id);
    assert.equal((await get(vars[ContainerEnv.fullUri], { Authorization: vars[ContainerEnv.token] })).status, 200);
  });

  it('rotation is invisible: near expiry the caller gets new credentials valid for 15 minutes more', async () => {
    const { dev } = await setup(30 * MIN);
    const vars = await endpoint.variables(dev.id);
    const ask = async () => JSON.parse((await get(vars[ContainerEnv.fullUri], { Authorization: vars[ContainerEnv.token] })).body) as { AccessKeyId: string; Expiration: string };
    const first = await ask();
    clock.advance(10 * MIN);
    assert.equal((await ask()).AccessKeyId, first.AccessKeyId, '20 minutes left: the same credentials');
    const calls = sts.calls.length;
    clock.advance(10 * MIN);
    const second = await ask();
    assert.notEqual(second.AccessKeyId, first.AccessKeyId, '10 minutes left: new credentials');
    assert.ok(Date.parse(second.Expiration) - clock.now() >= ENDPOINT_MIN_VALIDITY_MS);
    assert.equal(sts.calls.length, calls + 1, 'one AWS call');
  });

  it('a burst of concurrent requests makes at most one AWS call per session', async () => {
    const { dev } = await setup(30 * MIN);
    const vars = await endpoint.variables(dev.id);
    clock.advance(20 * MIN); // what the start delivered is too short now: the burst needs a generation
    const calls = sts.calls.length;
    const replies = await Promise.all(Array.from({ length: 50 }, () => get(vars[ContainerEnv.fullUri], { Authorization: vars[ContainerEnv.token] })));
    assert.deepEqual([...new Set(replies.map((r) => r.status))], [200]);
    assert.equal(new Set(replies.map((r) => (JSON.parse(r.body) as { AccessKeyId: string }).AccessKeyId)).size, 1);
    assert.equal(sts.calls.length, calls + 1);
  });

  it('closes on dispose: no listener, and no new variables', async () => {
    const { dev } = await setup();
    const vars = await endpoint.variables(dev.id);
    endpoint.dispose();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(get(vars[ContainerEnv.fullUri], { Authorization: vars[ContainerEnv.token] }), /ECONNREFUSED/);
    await assert.rejects(endpoint.variables(dev.id), /closed/);
  });
});
