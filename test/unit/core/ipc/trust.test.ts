/**
 * The CLI trusts a socket only when its folder and the socket are this user's and nobody else can change
 * them, sends nothing but a random challenge before the server proved it holds the token, and believes a
 * reply only with a valid seal. The token never crosses the socket.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { callEditor } from '../../../../src/core/ipc/client';
import { proofOf, randomToken } from '../../../../src/core/ipc/handshake';
import { ipcPaths, readEndpoint } from '../../../../src/core/ipc/paths';
import { encodeFrame, FrameReader, MAX_SEALED_BYTES, PROTOCOL_VERSION as V } from '../../../../src/core/ipc/protocol';
import { IpcServer } from '../../../../src/core/ipc/server';
import { buildCli } from '../../support/cli';
import { tempDir } from '../../support/tempDirs';

const FAKE = { Version: 1, AccessKeyId: 'ASIAIMPOSTORIMPOSTOR', SecretAccessKey: 'impostor-secret', SessionToken: 'impostor' };

/** A private IPC folder whose endpoint record (and the first protocol's token file) names `socket`. */
function ipcFolder(token: string, socketName = 'cli.sock') {
  const dir = join(tempDir('aws-sessions-trust-'), 'ipc');
  mkdirSync(dir, { mode: 0o700 });
  const socket = join(dir, socketName);
  writeFileSync(join(dir, 'endpoint'), JSON.stringify({ v: V, socket, token }), { mode: 0o600 });
  writeFileSync(join(dir, 'token'), token, { mode: 0o600 }); // what a crashed server of the first protocol left
  return { dir, socket, paths: ipcPaths(dir) };
}

type Behaviour = (c: net.Socket, frameNo: number) => void;

/** A process on the socket that does not hold the token; records every byte it is sent. */
async function impostor(socket: string, behave: Behaviour): Promise<{ received: () => Buffer; frames: () => unknown[]; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const server = net.createServer((c) => {
    const reader = new FrameReader(MAX_SEALED_BYTES);
    let n = 0;
    c.on('data', (d) => {
      chunks.push(d);
      try {
        for (const _ of reader.push(d)) behave(c, n++);
      } catch {
        c.destroy();
      }
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  chmodSync(socket, 0o600);
  return {
    received: () => Buffer.concat(chunks),
    frames: () => new FrameReader(MAX_SEALED_BYTES).push(Buffer.concat(chunks)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function runCli(ipcDir: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return buildCli().then(
    (cliJs) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [join(dirname(cliJs), 'generate.js'), ...args], { env: { PATH: process.env.PATH ?? '', AWS_SESSIONS_IPC_DIR: ipcDir }, timeout: 30_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      }),
  );
}

describe('IPC trust: the CLI believes only the holder of the token', function () {
  this.timeout(60_000);

  const recorded = { cn: randomToken(), sn: randomToken() };
  const behaviours: Record<string, (token: string) => Behaviour> = {
    'answers at once with made-up credentials (the first protocol’s reply)': () => (c) => c.end(encodeFrame({ ok: true, result: FAKE })),
    'answers the challenge with a made-up proof, then a made-up sealed reply': () => (c, n) =>
      c.write(n === 0 ? encodeFrame({ v: V, nonce: randomToken(), proof: randomToken() }) : encodeFrame({ reply: JSON.stringify({ ok: true, result: FAKE }), mac: randomToken() })),
    'replays a genuine proof recorded for another nonce': (token) => (c, n) => {
      if (n === 0) c.write(encodeFrame({ v: V, nonce: recorded.sn, proof: proofOf(token, 'server', recorded.cn, recorded.sn) }));
      else c.end(encodeFrame({ reply: JSON.stringify({ ok: true, result: FAKE }), mac: randomToken() }));
    },
  };

  for (const [name, behaviour] of Object.entries(behaviours)) {
    it(`a process on our socket without the token that ${name} gets a challenge only and is not believed`, async () => {
      const token = randomToken();
      const { dir, socket } = ipcFolder(token);
      const fake = await impostor(socket, behaviour(token));
      try {
        const r = await runCli(dir, ['generate', 'dev']);
        assert.doesNotMatch(r.stdout, /IMPOSTOR/, 'its credentials are not printed');
        assert.equal(r.status, 3, r.stderr);
        assert.match(r.stderr, /could not prove that it is your AWS Sessions editor/);
        assert.ok(!fake.received().toString('latin1').includes(token), 'the token never crossed the socket');
        for (const frame of fake.frames()) assert.deepEqual(Object.keys(frame as object).sort(), ['hello', 'v'], `it was sent nothing but hellos: ${JSON.stringify(frame)}`);
      } finally {
        await fake.close();
      }
    });
  }

  it('a reply altered on its way (a relay between the CLI and the real editor) fails its seal and is not used', async () => {
    const root = tempDir('aws-sessions-relay-');
    const realPaths = ipcPaths(join(root, 'real'));
    let handled = 0;
    const real = new IpcServer({ paths: realPaths, handler: async () => (handled++, { Version: 1, AccessKeyId: 'ASIAREALREALREALREAL', SecretAccessKey: 'real' }) });
    await real.listen();
    const { token, socket: realSocket } = readEndpoint(realPaths)!;
    const { dir, socket } = ipcFolder(token);
    // Pass the handshake through both ways; swap the credentials in the sealed reply, keep its seal.
    const relay = net.createServer((c) => {
      const upstream = net.createConnection(realSocket);
      const fromServer = new FrameReader(MAX_SEALED_BYTES);
      let seen = 0;
      c.on('data', (d) => upstream.write(d));
      upstream.on('data', (d) => {
        for (const frame of fromServer.push(d)) {
          const f = frame as { reply?: string; mac?: string };
          c.write(encodeFrame(seen++ === 0 ? frame : { reply: f.reply!.replace('ASIAREALREALREALREAL', FAKE.AccessKeyId), mac: f.mac }));
        }
      });
      c.on('error', () => upstream.destroy());
      upstream.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relay.listen(socket, r));
    chmodSync(socket, 0o600);
    try {
      await assert.rejects(callEditor(ipcPaths(dir), 'generate', { session: 'dev' }), /failed its integrity check.*was not used/);
      assert.equal(handled, 1, 'the real editor answered; the altered answer was refused');
    } finally {
      await new Promise<void>((r) => relay.close(() => r()));
      await real.close();
    }
  });

  it('refuses a socket folder others can change, a symbolic link, or an IPC folder others can change, before connecting', async () => {
    let connections = 0;
    const listen = async (socket: string) => {
      const s = net.createServer((c) => (connections++, c.destroy()));
      await new Promise<void>((r) => s.listen(socket, r));
      chmodSync(socket, 0o600);
      return s;
    };
    const cases: Array<{ name: string; setup: () => Promise<{ dir: string; server?: net.Server }>; error: RegExp }> = [
      {
        name: 'socket folder mode 0777',
        setup: async () => {
          const folder = tempDir('aws-sessions-open-');
          chmodSync(folder, 0o777);
          const token = randomToken();
          const { dir } = ipcFolder(token);
          writeFileSync(join(dir, 'endpoint'), JSON.stringify({ v: V, socket: join(folder, 'cli.sock'), token }), { mode: 0o600 });
          return { dir, server: await listen(join(folder, 'cli.sock')) };
        },
        error: /can be changed by other users \(mode 777\)/,
      },
      {
        name: 'socket folder reached through a symbolic link',
        setup: async () => {
          const real = join(tempDir('aws-sessions-real-'), 'real');
          mkdirSync(real, { mode: 0o700 });
          const link = join(dirname(real), 'link');
          symlinkSync(real, link);
          const server = await listen(join(real, 'cli.sock'));
          const token = randomToken();
          const { dir } = ipcFolder(token);
          writeFileSync(join(dir, 'endpoint'), JSON.stringify({ v: V, socket: join(link, 'cli.sock'), token }), { mode: 0o600 });
          return { dir, server };
        },
        error: /is a symbolic link/,
      },
      {
        name: 'IPC folder mode 0777',
        setup: async () => {
          const { dir, socket } = ipcFolder(randomToken());
          const server = await listen(socket);
          chmodSync(dir, 0o777);
          return { dir, server };
        },
        error: /AWS Sessions folder cannot be trusted: .* can be changed by other users/,
      },
    ];
    if (process.getuid?.() === 0) {
      cases.push({
        name: 'socket folder of another user',
        setup: async () => {
          const folder = tempDir('aws-sessions-theirs-');
          const token = randomToken();
          const { dir } = ipcFolder(token);
          const server = await listen(join(folder, 'cli.sock'));
          chownSync(folder, 65534, 65534);
          writeFileSync(join(dir, 'endpoint'), JSON.stringify({ v: V, socket: join(folder, 'cli.sock'), token }), { mode: 0o600 });
          return { dir, server };
        },
        error: /belongs to another user \(uid 65534\)/,
      });
    }
    for (const c of cases) {
      const { dir, server } = await c.setup();
      try {
        await assert.rejects(callEditor(ipcPaths(dir), 'generate', { session: 'dev' }, { connectWindowMs: 200 }), c.error, c.name);
      } finally {
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      }
    }
    assert.equal(connections, 0, 'no connection to an untrusted socket');
  });
});
