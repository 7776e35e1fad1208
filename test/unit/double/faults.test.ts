import { strict as assert } from 'node:assert';
import { startLocalAws, type CallRecord, type LocalAws } from '../../double';
import { errorCode, stsCall, xmlText } from './helpers';

describe('local AWS double: fault injection and control endpoints', () => {
  let double: LocalAws;
  beforeEach(async () => {
    double = await startLocalAws();
  });
  afterEach(async () => {
    await double.close();
  });

  const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${double.endpoint}/_double/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  const gst = (): ReturnType<typeof stsCall> => stsCall(double.endpoint, double.user('bob'), { Action: 'GetSessionToken' });
  const gci = (): ReturnType<typeof stsCall> => stsCall(double.endpoint, double.user('bob'), { Action: 'GetCallerIdentity' });

  it('throttles exactly `count` matching calls with Throttling/400, other actions untouched', async () => {
    assert.equal((await control('POST', 'faults', { action: 'GetSessionToken', kind: 'throttle', count: 2 })).status, 200);
    assert.equal((await gci()).status, 200);
    for (let i = 0; i < 2; i++) {
      const res = await gst();
      assert.equal(res.status, 400);
      assert.equal(errorCode(res.body), 'Throttling');
      assert.equal(xmlText(res.body, 'Message'), 'Rate exceeded');
      assert.equal(xmlText(res.body, 'Type'), 'Sender');
    }
    assert.equal((await gst()).status, 200);
  });

  it('injects 5xx (500 or 503, Receiver faults), expired-token and malformed responses', async () => {
    await control('POST', 'faults', {
      faults: [
        { action: '*', kind: '5xx' },
        { action: 'GetCallerIdentity', kind: '5xx', status: 503 },
        { action: 'GetCallerIdentity', kind: 'expired-token' },
        { action: 'GetCallerIdentity', kind: 'malformed' },
      ],
    });
    const r500 = await gci();
    assert.equal(r500.status, 500);
    assert.equal(errorCode(r500.body), 'InternalFailure');
    assert.equal(xmlText(r500.body, 'Type'), 'Receiver');
    const r503 = await gci();
    assert.equal(r503.status, 503);
    assert.equal(errorCode(r503.body), 'ServiceUnavailable');
    const expired = await gci();
    assert.equal(expired.status, 403);
    assert.equal(errorCode(expired.body), 'ExpiredToken');
    const garbled = await gci();
    assert.equal(garbled.status, 200);
    assert.ok(!garbled.body.includes('</GetCallerIdentityResponse>'), garbled.body);
    assert.equal((await gci()).status, 200);
  });

  it('adds latency from a fault, and global latency from config', async () => {
    await control('POST', 'faults', { action: 'GetCallerIdentity', kind: 'latency', latencyMs: 300 });
    let t = Date.now();
    assert.equal((await gci()).status, 200);
    assert.ok(Date.now() - t >= 290, `took ${Date.now() - t} ms`);
    assert.deepEqual((await control('GET', 'faults')).json, { pending: [] }, 'the latency fault was used once');
    await gci();
    await control('POST', 'config', { latencyMs: 200 });
    t = Date.now();
    await gci();
    assert.ok(Date.now() - t >= 190);
  });

  it('logs calls with action, access key and outcome; reset clears faults, skew and log', async () => {
    await gci();
    await stsCall(double.endpoint, { ...double.user('alice'), secretAccessKey: 'wrong'.padEnd(40, 'x') }, { Action: 'GetSessionToken' });
    const { json } = await control('GET', 'calls');
    const calls = (json as { calls: CallRecord[] }).calls;
    assert.deepEqual(
      calls.map((c) => [c.service, c.action, c.accessKeyId, c.status, c.errorCode]),
      [
        ['sts', 'GetCallerIdentity', double.user('bob').accessKeyId, 200, null],
        ['sts', 'GetSessionToken', double.user('alice').accessKeyId, 403, 'SignatureDoesNotMatch'],
      ],
    );
    assert.ok(calls.every((c) => !Number.isNaN(Date.parse(c.time))));
    const filtered = (await control('GET', 'calls?action=GetSessionToken')).json as { calls: CallRecord[] };
    assert.equal(filtered.calls.length, 1);

    await control('POST', 'faults', { action: '*', kind: 'throttle', count: 5 });
    await control('POST', 'clock-skew', { seconds: -7200 });
    assert.equal((await control('POST', 'reset')).status, 200);
    assert.deepEqual((await control('GET', 'calls')).json, { calls: [] });
    assert.deepEqual((await control('GET', 'faults')).json, { pending: [] });
    assert.equal((await gci()).status, 200);
  });

  it('rejects bad control input with 400 and unknown endpoints with 404', async () => {
    assert.equal((await control('POST', 'faults', { action: 'GetSessionToken', kind: 'explode' })).status, 400);
    assert.equal((await control('POST', 'faults', { kind: 'throttle' })).status, 400);
    assert.equal((await control('POST', 'clock-skew', { seconds: 'soon' })).status, 400);
    assert.equal((await control('POST', 'config', { latencyMs: -1 })).status, 400);
    assert.equal((await control('GET', 'nothing')).status, 404);
    assert.deepEqual((await control('GET', 'faults')).json, { pending: [] });
  });

  it('sets the credential lifetime through config', async () => {
    const res = await control('POST', 'config', { credentialSeconds: 90 });
    assert.equal((res.json as { credentialSeconds: number }).credentialSeconds, 90);
    const issued = await gst();
    const expires = Date.parse(xmlText(issued.body, 'Expiration') ?? '');
    assert.ok(expires - Date.now() <= 90_000 && expires - Date.now() > 85_000);
  });
});
