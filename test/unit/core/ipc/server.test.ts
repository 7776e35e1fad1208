/** The IPC server and client in one process: the handshake, hostile frames, file modes, hand-over. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { callEditor } from '../../../../src/core/ipc/client';
import { ipcPaths, readEndpoint } from '../../../../src/core/ipc/paths';
import { encodeFrame, PROTOCOL_VERSION as V, type Reply } from '../../../../src/core/ipc/protocol';
import { IpcError, IpcServer } from '../../../../src/core/ipc/server';
import { ServingLease } from '../../../../src/core/ipc/lease';
import { LivenessServer, livenessPathFor } from '../../../../src/core/ipc/holderSocket';
import { proofOf, sealOf } from '../../../../src/core/ipc/handshake';
import { rawExchange, startHandshake } from './wire';
import { tempDir } from '../../support/tempDirs';

describe('IPC server', function () {
  this.timeout(10_000);
  const dir = () => tempDir('aws-sessions-ipc-');
  let server: IpcServer | undefined;
  afterEach(async () => server?.close());

  it('serves requests after the handshake; the folder is 0700, the endpoint record and the socket 0600', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    const calls: string[] = [];
    server = new IpcServer({
      paths,
      handler: async ({ method, params }) => {
        const session = 'session' in params ? params.session : '';
        calls.push(`${method}:${session}`);
        if (session === 'missing') throw new IpcError('notFound', 'no session "missing"\nsecond line');
        return { pong: true };
      },
    });
    await server.listen();
    assert.equal(statSync(paths.dir).mode & 0o777, 0o700);
    assert.equal(statSync(paths.endpoint).mode & 0o777, 0o600);
    assert.equal(statSync(server.socket).mode & 0o777, 0o600);
    assert.equal(readEndpoint(paths)?.socket, server.socket);
    assert.match(server.socket, /\/ipc\/cli-[0-9a-f]{6}\.sock$/, 'a short IPC folder holds the socket itself');
    assert.deepEqual(await callEditor(paths, 'ping', {}), { ok: true, result: { pong: true } });
    assert.deepEqual(await callEditor(paths, 'generate', { session: 'missing' }), { ok: false, code: 'notFound', message: 'no session "missing" second line' });
    assert.deepEqual(calls, ['ping:', 'generate:missing']);
  });

  it('refuses wrong, reflected and replayed proofs, requests without a hello, garbage, oversized and partial frames', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    let handled = 0;
    server = new IpcServer({ paths, requestTimeoutMs: 300, handler: async () => ++handled });
    await server.listen();
    const { token, socket } = readEndpoint(paths)!;
    const code = (r: { reply?: unknown }) => (r.reply as Reply | undefined)?.ok === false ? (r.reply as { code: string }).code : JSON.stringify(r.reply);

    const wrong = await startHandshake(socket);
    assert.equal(code(await wrong.send({ v: V, proof: proofOf('guess-secret-x-guess-secret-x', 'client', wrong.clientNonce, wrong.challenge.nonce), method: 'generate', params: { session: 'a' } })), 'unauthorized');
    const reflected = await startHandshake(socket);
    assert.equal(code(await reflected.send({ v: V, proof: reflected.challenge.proof, method: 'generate', params: {} })), 'unauthorized', 'the server’s own proof is no client proof');
    const good = await startHandshake(socket);
    const goodProof = proofOf(token, 'client', good.clientNonce, good.challenge.nonce);
    const replayed = await startHandshake(socket);
    assert.equal(code(await replayed.send({ v: V, proof: goodProof, method: 'generate', params: {} })), 'unauthorized', 'a proof is bound to its connection');
    good.close();
    const noHello = await rawExchange(socket, encodeFrame({ v: V, proof: goodProof, method: 'generate', params: {} }));
    assert.equal(code(noHello), 'badRequest');
    const oldProtocol = await rawExchange(socket, encodeFrame({ v: V - 1, token, method: 'generate', params: { session: 'a' } }));
    assert.equal(code(oldProtocol), 'badRequest', 'the token itself is no longer accepted');
    assert.equal(code(await rawExchange(socket, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))), 'badRequest');
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0x7fffffff);
    const oversized = await rawExchange(socket, huge);
    assert.match((oversized.reply as { message?: string } | undefined)?.message ?? '', /exceeds the limit/);
    assert.equal(code(await rawExchange(socket, Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('hello')]))), 'badRequest');
    assert.equal((await rawExchange(socket, Buffer.from([0, 0]))).reply, undefined, 'a client that never completes its frame is dropped after the request timeout');

    // With a valid proof, a malformed request gets a sealed refusal.
    const bad = await startHandshake(socket);
    const sealed = (await bad.send({ v: V, proof: proofOf(token, 'client', bad.clientNonce, bad.challenge.nonce), method: 'generate', params: { session: { $gt: '' } } })).reply as { reply: string; mac: string };
    assert.equal(sealed.mac, sealOf(token, bad.clientNonce, bad.challenge.nonce, sealed.reply));
    assert.equal((JSON.parse(sealed.reply) as { code: string }).code, 'badRequest');
    assert.equal(handled, 0);
    assert.deepEqual(await callEditor(paths, 'list', {}), { ok: true, result: 1 }, 'still serving');
  });

  it('a client reports no editor when nothing listens, and rides over a restart with a new token and socket', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    await assert.rejects(callEditor(paths, 'ping', {}, { connectWindowMs: 200 }), /no AWS Sessions editor window is running/);
    server = new IpcServer({ paths, handler: async () => 'first' });
    await server.listen();
    const old = readEndpoint(paths)!;
    await server.close();
    const pending = callEditor(paths, 'ping', {}, { connectWindowMs: 3000 });
    await new Promise((r) => setTimeout(r, 300));
    server = new IpcServer({ paths, handler: async () => 'second' });
    await server.listen();
    assert.notEqual(readEndpoint(paths)!.token, old.token);
    assert.notEqual(readEndpoint(paths)!.socket, old.socket);
    assert.deepEqual(await pending, { ok: true, result: 'second' });
  });

  it('while serving, heals a removed endpoint record and a socket removed by a temp cleaner', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    const s = new IpcServer({ paths, handler: async () => 'healed' });
    const lease = new ServingLease({ paths, pollMs: 30, onAcquire: () => s.listen(), onRelease: () => s.close(), whileServing: () => s.check() });
    try {
      await lease.start();
      for (let i = 0; i < 100 && !readEndpoint(paths); i++) await new Promise((r) => setTimeout(r, 20));
      const first = readEndpoint(paths)!;
      rmSync(paths.endpoint);
      assert.deepEqual(await callEditor(paths, 'ping', {}, { connectWindowMs: 3000 }), { ok: true, result: 'healed' });
      assert.deepEqual(readEndpoint(paths), first, 'the same record, written again');
      rmSync(first.socket);
      assert.deepEqual(await callEditor(paths, 'ping', {}, { connectWindowMs: 3000 }), { ok: true, result: 'healed' });
      assert.notEqual(readEndpoint(paths)!.socket, first.socket, 'a new socket');
    } finally {
      await lease.dispose();
    }
  });

  it('a window of the first protocol (before an update reloaded it) is preempted; without a newer window the CLI says why', async () => {
    const paths = ipcPaths(join(dir(), 'ipc'));
    mkdirSync(paths.dir, { mode: 0o700 });
    const old = spawn('sleep', ['30']);
    try {
      writeFileSync(paths.lease, JSON.stringify({ pid: old.pid, host: hostname(), id: 'old-window' }));
      writeFileSync(paths.legacyToken, 'first-protocol-token');
      await assert.rejects(callEditor(paths, 'ping', {}, { connectWindowMs: 200 }), /the serving window \(process \d+\) runs an older version of AWS Sessions; reload it/);
      const s = new IpcServer({ paths, handler: async () => 'new' });
      const lease = new ServingLease({ paths, pollMs: 30, onAcquire: () => s.listen(), onRelease: () => s.close() });
      try {
        void lease.start();
        assert.deepEqual(await callEditor(paths, 'ping', {}, { connectWindowMs: 3000 }), { ok: true, result: 'new' });
        assert.ok(!existsSync(paths.legacyToken), 'the first protocol’s token file is removed');
      } finally {
        await lease.dispose();
      }
    } finally {
      old.kill();
    }
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
    for (const l of leases) void l.start();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(serving.length, 1, serving.join());
    assert.equal(leases.filter((l) => l.isServing).length, 1);
    assert.deepEqual(leases.map((l) => l.status.state).sort(), ['serving', 'standby', 'standby']);
    const first = serving[0];
    const holder = leases[['a', 'b', 'c'].indexOf(first)];
    assert.deepEqual(await callEditor(paths, 'ping', {}), { ok: true, result: first });
    await holder.dispose();
    // The client's retry window (2 s) bounds the hand-over: a reply at all means another lease took over in time.
    const reply = await callEditor(paths, 'ping', {}, { connectWindowMs: 2000 });
    assert.equal(reply.ok, true);
    assert.notEqual(reply.ok && reply.result, first);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(leases.filter((l) => l.isServing).length, 1);
    for (const l of leases) await l.dispose();
  });
  it('a socket folder made outside the IPC folder goes with its last socket; the next server makes a new one', async () => {
    const paths = ipcPaths(join(dir(), 'first.last'.padEnd(90, 'x'), 'ipc'));
    const temp = dir();
    const first = new IpcServer({ paths, tempDir: temp, handler: async () => 1 });
    await first.listen();
    const folder = dirname(first.socket);
    assert.equal(dirname(folder), temp, 'the path is too long for the IPC folder: a private temp folder');
    const live = new LivenessServer(livenessPathFor(first.socket));
    await live.listen();
    await first.close();
    assert.ok(existsSync(folder), 'the liveness socket still lives there');
    await live.close();
    assert.ok(!existsSync(folder), 'the emptied folder is removed, not left in the temp dir');
    // The endpoint record still names the removed folder: the next server makes a new private one.
    server = new IpcServer({ paths, tempDir: temp, handler: async () => 2 });
    await server.listen();
    assert.notEqual(dirname(server.socket), folder);
    assert.deepEqual(await callEditor(paths, 'ping', {}), { ok: true, result: 2 });
    await server.close();
    assert.ok(!existsSync(dirname(server.socket)));
    server = undefined;
  });
});
