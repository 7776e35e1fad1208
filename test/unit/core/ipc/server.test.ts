/** The IPC server and client in one process: authentication, hostile frames, file modes, hand-over. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callEditor } from '../../../../src/core/ipc/client';
import { ipcPaths } from '../../../../src/core/ipc/paths';
import { encodeFrame, FrameReader, MAX_REPLY_BYTES, type Reply } from '../../../../src/core/ipc/protocol';
import { IpcError, IpcServer } from '../../../../src/core/ipc/server';
import { ServingLease } from '../../../../src/core/ipc/lease';

function rawExchange(socketPath: string, bytes: Buffer): Promise<{ reply?: Reply; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.createConnection(socketPath, () => s.write(bytes));
    const reader = new FrameReader(MAX_REPLY_BYTES);
    let reply: Reply | undefined;
    s.on('data', (c) => {
      const f = reader.push(c);
      if (f.length) reply = f[0] as Reply;
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve({ reply, closed: true }));
  });
}

describe('IPC server', function () {
  this.timeout(10_000);
  const dir = () => mkdtempSync(join(tmpdir(), 'aws-sessions-ipc-'));
  let server: IpcServer | undefined;
  afterEach(async () => server?.close());

  it('serves authenticated requests; the folder is 0700, token and socket 0600', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    const calls: string[] = [];
    server = new IpcServer({
      paths,
      handler: async (method, params) => {
        calls.push(`${method}:${params.session ?? ''}`);
        if (params.session === 'missing') throw new IpcError('notFound', 'no session "missing"\nsecond line');
        return { pong: true };
      },
    });
    await server.listen();
    assert.equal(statSync(paths.dir).mode & 0o777, 0o700);
    assert.equal(statSync(paths.token).mode & 0o777, 0o600);
    assert.equal(statSync(paths.socket).mode & 0o777, 0o600);
    assert.deepEqual(await callEditor(paths, 'ping'), { ok: true, result: { pong: true } });
    assert.deepEqual(await callEditor(paths, 'generate', { session: 'missing' }), { ok: false, code: 'notFound', message: 'no session "missing" second line' });
    assert.deepEqual(calls, ['ping:', 'generate:missing']);
  });

  it('rejects wrong tokens, garbage, oversized and partial frames without crashing or echoing', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    let handled = 0;
    server = new IpcServer({ paths, requestTimeoutMs: 300, handler: async () => ++handled });
    await server.listen();
    const wrong = await rawExchange(paths.socket, encodeFrame({ v: 1, token: 'guess-secret-x', method: 'generate', params: { session: 'a' } }));
    assert.equal(wrong.reply?.ok, false);
    assert.equal(wrong.reply && !wrong.reply.ok && wrong.reply.code, 'unauthorized');
    assert.ok(!JSON.stringify(wrong.reply).includes('guess-secret-x'));
    const garbage = await rawExchange(paths.socket, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.equal(garbage.reply && !garbage.reply.ok && garbage.reply.code, 'badRequest');
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0x7fffffff);
    const oversized = await rawExchange(paths.socket, huge);
    assert.match(oversized.reply && !oversized.reply.ok ? oversized.reply.message : '', /exceeds the limit/);
    const notJson = await rawExchange(paths.socket, Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('hello')]));
    assert.equal(notJson.reply && !notJson.reply.ok && notJson.reply.code, 'badRequest');
    const token = readFileSync(paths.token, 'utf8');
    const badSchema = await rawExchange(paths.socket, encodeFrame({ v: 1, token, method: 'generate', params: { session: { $gt: '' } } }));
    assert.equal(badSchema.reply && !badSchema.reply.ok && badSchema.reply.code, 'badRequest');
    const silent = await rawExchange(paths.socket, Buffer.from([0, 0]));
    assert.equal(silent.reply, undefined, 'a client that never completes its frame is dropped after the request timeout');
    assert.equal(handled, 0);
    assert.deepEqual(await callEditor(paths, 'list'), { ok: true, result: 1 }, 'still serving');
  });

  it('a client reports no editor when nothing listens, and rides over a restart with a new token', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    await assert.rejects(callEditor(paths, 'ping', {}, { connectWindowMs: 200 }), /no AWS Sessions editor window is running/);
    server = new IpcServer({ paths, handler: async () => 'first' });
    await server.listen();
    const oldToken = readFileSync(paths.token, 'utf8');
    await server.close();
    const pending = callEditor(paths, 'ping', {}, { connectWindowMs: 3000 });
    await new Promise((r) => setTimeout(r, 300));
    server = new IpcServer({ paths, handler: async () => 'second' });
    await server.listen();
    assert.notEqual(readFileSync(paths.token, 'utf8'), oldToken);
    assert.deepEqual(await pending, { ok: true, result: 'second' });
  });

  it('a socket path too long for Unix moves to a private temp folder', () => {
    const paths = ipcPaths(join('/tmp', 'x'.repeat(120), 'ipc'), 'linux');
    assert.ok(paths.socket.length < 104, paths.socket);
    assert.match(paths.socket, /aws-sessions-\d+-[0-9a-f]{16}\/cli\.sock$/);
    assert.match(ipcPaths('C:\\Users\\a\\ipc', 'win32').socket, /^\\\\\.\\pipe\\aws-sessions-[0-9a-f]{16}$/);
  });

  it('exactly one of several leases serves; disposing the holder hands over within a poll', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    const serving: string[] = [];
    const make = (name: string) => {
      const s = new IpcServer({ paths, handler: async () => name });
      const lease = new ServingLease({
        paths,
        pollMs: 50,
        onAcquire: async () => {
          serving.push(name);
          await s.listen();
        },
        onRelease: () => s.close(),
      });
      return lease;
    };
    const leases = [make('a'), make('b'), make('c')];
    for (const l of leases) l.start();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(serving.length, 1, serving.join());
    assert.equal(leases.filter((l) => l.isServing).length, 1);
    const first = serving[0];
    const holder = leases[['a', 'b', 'c'].indexOf(first)];
    assert.deepEqual(await callEditor(paths, 'ping'), { ok: true, result: first });
    await holder.dispose();
    // The client's retry window (2 s) bounds the hand-over: a reply at all means another lease took over in time.
    const reply = await callEditor(paths, 'ping', {}, { connectWindowMs: 2000 });
    assert.equal(reply.ok, true);
    assert.notEqual(reply.ok && reply.result, first);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(leases.filter((l) => l.isServing).length, 1);
    for (const l of leases) await l.dispose();
  });
});
