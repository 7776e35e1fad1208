/**
 * Issue 8, item 5: the IPC endpoint against another user and against 10,000 fuzzed frames. The
 * handler would hand out credentials to an authenticated `generate`; no fuzzed frame may reach it, crash
 * the server or get a reply that carries a credential or the token. Half the frames come first on a
 * connection (hellos, the old token request — with the real token —, garbage), half after a real hello and
 * challenge (wrong, near-miss, reflected, swapped and missing proofs, garbage).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callEditor } from '../../../../src/core/ipc/client';
import { proofOf, randomToken } from '../../../../src/core/ipc/handshake';
import { ipcPaths, readEndpoint } from '../../../../src/core/ipc/paths';
import { encodeFrame, FrameReader, MAX_SEALED_BYTES, PROTOCOL_VERSION as V, type Challenge } from '../../../../src/core/ipc/protocol';
import { METHOD_NAMES } from '../../../../src/core/ipc/methods';

const METHODS: string[] = [...METHOD_NAMES];
import { IpcServer } from '../../../../src/core/ipc/server';
import { tempDir } from '../../support/tempDirs';

const FRAMES = Number(process.env.IPC_FUZZ_FRAMES ?? 10_000);
const SECRET = 'FuzzSecretAccessKey/MustNeverLeave000000';
const TOKEN_KEY = 'ASIAFUZZSESSIONTOKEN';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A fuzzed frame. `handshake` holds the nonces when it follows a real hello and challenge. */
function fuzzFrame(r: () => number, token: string, handshake?: { cn: string; challenge: Challenge }): Buffer {
  const int = (n: number) => Math.floor(r() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  // One character changed, never to itself (a near miss that happened to equal the proof would be accepted, rightly).
  const nearMiss = (s: string) => {
    const i = int(s.length);
    const c = String.fromCharCode(33 + int(90));
    return s.slice(0, i) + (c === s[i] ? (c === 'A' ? 'B' : 'A') : c) + s.slice(i + 1);
  };
  const cn = handshake?.cn ?? randomToken();
  const sn = handshake?.challenge.nonce ?? randomToken();
  const right = proofOf(token, 'client', cn, sn);
  const proofs = [undefined, '', 'x', nearMiss(right), proofOf(nearMiss(token), 'client', cn, sn), proofOf(token, 'server', cn, sn), proofOf(token, 'client', sn, cn), proofOf(token, 'client', cn, randomToken()), handshake?.challenge.proof, right.toUpperCase(), token, { $ne: '' }, [right]];
  const request = () =>
    handshake
      ? {
          v: [V, V, V, V - 1, String(V), null][int(6)],
          proof: proofs[int(proofs.length)],
          method: [METHODS[int(METHODS.length)], 'eval', '__proto__', 'constructor', ''][int(5)],
          params: [{ session: 'a' }, { session: { $gt: '' } }, [], null, 'x', { ['a'.repeat(int(300))]: 'b'.repeat(int(300)) }][int(6)],
        }
      : [
          { v: [V - 1, V][int(2)], token: [token, nearMiss(token), token + ' ', ''][int(4)], method: METHODS[int(METHODS.length)], params: { session: 'a' } },
          { v: [V, V - 1, V + 1][int(3)], hello: [cn, '', 'x', nearMiss(cn), 5][int(5)], ...(int(4) === 0 ? { token } : {}) },
          { v: V, proof: proofs[int(proofs.length)], method: 'generate', params: { session: 'a' } },
        ][int(3)];
  switch (int(9)) {
    case 0:
      return bytes(int(64));
    case 1: {
      const h = Buffer.alloc(4);
      h.writeUInt32BE(int(2 ** 32));
      return Buffer.concat([h, bytes(int(32))]);
    }
    case 2:
      return Buffer.concat([Buffer.from([0, 0, 0, int(40)]), Buffer.from(JSON.stringify(request()).slice(0, int(40)))]);
    case 3: {
      const body = Buffer.from(JSON.stringify(request()));
      const i = int(body.length);
      body[i] = int(256);
      const h = Buffer.alloc(4);
      h.writeUInt32BE(body.length);
      return Buffer.concat([h, body]);
    }
    case 4:
      return Buffer.concat([Buffer.from('GET /generate HTTP/1.1\r\n\r\n'), bytes(int(16))]);
    case 5: {
      const body = Buffer.from(JSON.stringify(request()));
      const h = Buffer.alloc(4);
      h.writeUInt32BE(body.length + int(3) - 1); // length off by one either way, or right
      return Buffer.concat([h, body]);
    }
    default:
      return encodeFrame(request());
  }
}

/**
 * One connection: with `handshake`, a real hello first and the fuzzed frame after the challenge; else the
 * fuzzed frame first. Returns what the server sent after the fuzzed frame.
 */
function exchange(socketPath: string, r: () => number, token: string, handshake: boolean): Promise<{ raw: Buffer; replies: unknown[] }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const cn = randomToken();
    let challenge: Challenge | undefined;
    let pending = Buffer.alloc(0);
    const s = net.createConnection(socketPath, () => {
      if (handshake) s.write(encodeFrame({ v: V, hello: cn }));
      else {
        s.write(fuzzFrame(r, token));
        s.end();
      }
    });
    s.on('data', (c: Buffer) => {
      if (handshake && !challenge) {
        pending = Buffer.concat([pending, c]);
        const frames = new FrameReader(MAX_SEALED_BYTES).push(pending);
        if (frames.length === 0) return;
        challenge = frames[0] as Challenge;
        s.write(fuzzFrame(r, token, { cn, challenge }));
        s.end();
        return;
      }
      chunks.push(c);
    });
    s.on('error', () => undefined);
    s.setTimeout(3000, () => s.destroy());
    s.on('close', () => {
      const raw = Buffer.concat(chunks);
      let replies: unknown[] = [];
      try {
        replies = new FrameReader(MAX_SEALED_BYTES).push(raw);
      } catch {
        replies = [{ unparseable: raw.toString('latin1') }];
      }
      resolve({ raw, replies });
    });
  });
}

describe('IPC endpoint hardening (another user, 10,000 fuzzed frames)', function () {
  this.timeout(180_000);
  let server: IpcServer | undefined;
  afterEach(async () => server?.close());

  function start(handled: string[]) {
    const parent = tempDir('aws-sessions-ipc-fuzz-');
    chmodSync(parent, 0o755); // a parent anyone may enter: only our own modes protect the endpoint
    const paths = ipcPaths(join(parent, 'ipc'));
    server = new IpcServer({
      paths,
      requestTimeoutMs: 500,
      handler: async ({ method, params }) => {
        handled.push(`${method}:${JSON.stringify(params)}`);
        return method === 'generate' ? { Version: 1, AccessKeyId: TOKEN_KEY, SecretAccessKey: SECRET, SessionToken: 'tok' } : { ok: true };
      },
    });
    return paths;
  }

  it('another user can neither enter the folder, connect to the socket nor read the endpoint record', async function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) this.skip(); // needs root to act as another user
    const handled: string[] = [];
    const paths = start(handled);
    await server!.listen();
    const { socket } = readEndpoint(paths)!;
    const probe = `
      const net = require('node:net'); const fs = require('node:fs');
      const out = {};
      try { fs.readFileSync(${JSON.stringify(paths.endpoint)}); out.endpoint = 'read'; } catch (e) { out.endpoint = e.code; }
      try { fs.readdirSync(${JSON.stringify(paths.dir)}); out.dir = 'listed'; } catch (e) { out.dir = e.code; }
      const s = net.createConnection(${JSON.stringify(socket)});
      s.on('connect', () => { out.socket = 'connected'; s.destroy(); console.log(JSON.stringify(out)); });
      s.on('error', (e) => { out.socket = e.code; console.log(JSON.stringify(out)); });`;
    const asNobody = () => JSON.parse(spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8' }).stdout) as Record<string, string>;
    assert.deepEqual(asNobody(), { endpoint: 'EACCES', dir: 'EACCES', socket: 'EACCES' }, 'the 0700 folder keeps another user out');
    // Even with the folder opened up by mistake, the 0600 socket and token still refuse.
    chmodSync(paths.dir, 0o711);
    assert.deepEqual(asNobody(), { endpoint: 'EACCES', dir: 'EACCES', socket: 'EACCES' }, 'the 0600 socket and endpoint record refuse on their own');
    chmodSync(paths.dir, 0o700);
    assert.deepEqual(handled, []);
  });

  it(`${FRAMES} fuzzed frames: no crash, nothing handled, no reply carries a credential; then it still serves`, async () => {
    const handled: string[] = [];
    const paths = start(handled);
    await server!.listen();
    const { token, socket } = readEndpoint(paths)!;
    const r = rng(20260601);
    const outcomes = { replied: 0, silent: 0, afterHandshake: 0 };
    const codes = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < FRAMES) {
        const afterHandshake = next++ % 2 === 1;
        if (afterHandshake) outcomes.afterHandshake++;
        const { raw, replies } = await exchange(socket, r, token, afterHandshake);
        const text = raw.toString('latin1');
        assert.ok(!text.includes(SECRET) && !text.includes(TOKEN_KEY), 'no credential in any reply');
        assert.ok(!text.includes(token), 'the token is never echoed');
        if (replies.length === 0) outcomes.silent++;
        for (const reply of replies) {
          const rep = reply as { ok?: boolean; code?: string; nonce?: string };
          if (!afterHandshake && rep.nonce) {
            codes.set('challenge', (codes.get('challenge') ?? 0) + 1); // a fuzzed hello that parsed: challenged, nothing else
            continue;
          }
          assert.equal(rep.ok, false, `a fuzzed frame was accepted: ${JSON.stringify(reply).slice(0, 200)}`);
          outcomes.replied++;
          codes.set(rep.code ?? '?', (codes.get(rep.code ?? '?') ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    assert.deepEqual(handled, [], 'no fuzzed frame reached the handler');
    assert.ok(server!.listening, 'the server is still listening');
    const good = await callEditor(paths, 'generate', { session: 'a' });
    assert.equal(good.ok, true, 'and serves a real request afterwards');
    assert.equal(handled.length, 1);
    console.log(`      ${FRAMES} frames (${outcomes.afterHandshake} after a real challenge): ${outcomes.replied} refused with a reply (${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}), ${outcomes.silent} dropped without one`);
  });
});
