import * as assert from 'node:assert/strict';
import { encodeFrame, FrameReader, MAX_REQUEST_BYTES, parseReply, parseRequest, ProtocolError } from '../../../../src/core/ipc/protocol';
import { tokensEqual } from '../../../../src/core/ipc/server';

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

  it('accepts only well-formed requests', () => {
    const ok = { v: 1, token: 't', method: 'generate', params: { session: 'dev' } };
    assert.deepEqual({ ...parseRequest(ok), params: { ...parseRequest(ok).params } }, ok);
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...ok, v: 2 },
      { ...ok, token: '' },
      { ...ok, token: 5 },
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
  });

  it('checks replies and compares tokens by value', () => {
    assert.deepEqual(parseReply({ ok: true, result: [1] }), { ok: true, result: [1] });
    assert.deepEqual(parseReply({ ok: false, code: 'notFound', message: 'm' }), { ok: false, code: 'notFound', message: 'm' });
    assert.throws(() => parseReply({ ok: false, code: 'weird', message: 'm' }), ProtocolError);
    assert.throws(() => parseReply({ ok: 'yes' }), ProtocolError);
    assert.equal(tokensEqual('abc', 'abc'), true);
    assert.equal(tokensEqual('abc', 'abd'), false);
    assert.equal(tokensEqual('abc', 'abcd'), false);
  });
});
