import * as assert from 'node:assert/strict';
import { encodeFrame, FrameReader, MAX_REQUEST_BYTES, parseChallenge, parseEndpoint, parseHello, parseReply, parseSealed, PROTOCOL_VERSION as V, ProtocolError } from '../../../../src/core/ipc/protocol';
import { parseRequest } from '../../../../src/core/ipc/methods';
import { proofOf, randomToken, sameProof, sealOf } from '../../../../src/core/ipc/handshake';

describe('IPC protocol', () => {
  it('frames round-trip whatever the chunking', () => {
    const frames = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: 'é' })]);
    for (const size of [1, 3, 7, frames.length]) {
      const reader = new FrameReader(MAX_REQUEST_BYTES);
      const got: unknown[] = [];
      for (let i = 0; i < frames.length; i += size) got.push(...reader.push(frames.subarray(i, i + size)));
      assert.deepEqual(got, [{ a: 1 }, { b: 'é' }]);
    }
  });

  it('refuses an oversized frame from its header alone, and frames that are not JSON', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_REQUEST_BYTES + 1);
    assert.throws(() => new FrameReader(MAX_REQUEST_BYTES).push(header), ProtocolError);
    const bad = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x:')]);
    assert.throws(() => new FrameReader(MAX_REQUEST_BYTES).push(bad), /not valid JSON/);
    assert.throws(() => encodeFrame({ s: 'x'.repeat(MAX_REQUEST_BYTES) }, MAX_REQUEST_BYTES), /exceeds/);
  });

  it('accepts only well-formed hellos, challenges, requests, sealed replies and endpoint records', () => {
    const n = randomToken();
    const ok = { v: V, proof: n, method: 'generate', params: { session: 'dev' } };
    assert.deepEqual({ ...parseRequest(ok), params: { ...parseRequest(ok).params } }, ok);
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...ok, v: V - 1 },
      { ...ok, v: V + 1 },
      { ...ok, proof: '' },
      { ...ok, proof: 'short' },
      { ...ok, proof: n + '!' },
      { ...ok, proof: 5 },
      { v: V, token: n, method: 'generate', params: {} },
      { ...ok, method: 'eval' },
      { ...ok, method: '__proto__' },
      { ...ok, params: [] },
      { ...ok, params: { session: 5 } },
      { ...ok, params: { 'bad key': 'x' } },
      { ...ok, params: { s: 'x'.repeat(9000) } },
      { ...ok, extra: true },
      { ...ok, params: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) },
    ];
    for (const b of bad) assert.throws(() => parseRequest(b), ProtocolError, JSON.stringify(b)?.slice(0, 80));
    // Error messages never echo the values sent.
    assert.throws(() => parseRequest({ ...ok, params: { session: { secret: 'hunter2' } } }), (e: Error) => !e.message.includes('hunter2'));
    assert.deepEqual(parseHello({ v: V, hello: n }), { v: V, hello: n });
    for (const b of [{ v: V }, { v: V, hello: 'x' }, { v: V, hello: n, token: n }, { v: V - 1, hello: n }]) assert.throws(() => parseHello(b), ProtocolError);
    assert.deepEqual(parseChallenge({ v: V, nonce: n, proof: n }), { v: V, nonce: n, proof: n });
    for (const b of [{ v: V, nonce: n }, { ok: true, result: {} }, { v: V, nonce: n, proof: n, extra: 1 }]) assert.throws(() => parseChallenge(b), ProtocolError);
    assert.deepEqual(parseSealed({ reply: '{}', mac: n }), { reply: '{}', mac: n });
    for (const b of [{ ok: true, result: 1 }, { reply: {}, mac: n }, { reply: '{}', mac: n, x: 1 }, { reply: '{}' }]) assert.throws(() => parseSealed(b), ProtocolError);
    assert.deepEqual(parseEndpoint(JSON.stringify({ v: V, socket: '/s', token: n })), { v: V, socket: '/s', token: n });
    for (const t of ['', 'tok', n, JSON.stringify({ v: V, socket: '', token: n }), JSON.stringify({ v: V, socket: '/s', token: 'x' })]) assert.equal(parseEndpoint(t), undefined, t);
  });

  it('checks replies; proofs are bound to the token, the role and both nonces', () => {
    assert.deepEqual(parseReply({ ok: true, result: [1] }), { ok: true, result: [1] });
    assert.deepEqual(parseReply({ ok: false, code: 'notFound', message: 'm' }), { ok: false, code: 'notFound', message: 'm' });
    assert.throws(() => parseReply({ ok: false, code: 'weird', message: 'm' }), ProtocolError);
    assert.throws(() => parseReply({ ok: 'yes' }), ProtocolError);
    const [t, cn, sn] = [randomToken(), randomToken(), randomToken()];
    const p = proofOf(t, 'server', cn, sn);
    assert.equal(p, proofOf(t, 'server', cn, sn));
    for (const other of [proofOf(randomToken(), 'server', cn, sn), proofOf(t, 'client', cn, sn), proofOf(t, 'server', sn, cn), proofOf(t, 'server', cn, randomToken())]) assert.notEqual(other, p);
    assert.notEqual(sealOf(t, cn, sn, '{"ok":true}'), sealOf(t, cn, sn, '{"ok":false}'));
    assert.equal(sameProof(p, p), true);
    assert.equal(sameProof(p, p.slice(0, -1) + (p.endsWith('A') ? 'B' : 'A')), false);
    assert.equal(sameProof(p, p + 'A'), false);
  });
});
