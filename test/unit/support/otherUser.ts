/**
 * Acting as another local user in tests: a user created with `useradd` when running as root allows it
 * (CI runs as root), else `nobody` (65534). Undefined when this process cannot act as anyone else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { PROTOCOL_VERSION } from '../../../src/core/ipc/protocol';

export interface OtherUser {
  name: string;
  uid: number;
  gid: number;
  /** Remove the user if this run created it. */
  remove(): void;
}

export function otherUser(): OtherUser | undefined {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return undefined;
  const name = `awssq${process.pid % 100000}`;
  const created = spawnSync('useradd', ['-M', '-s', '/usr/sbin/nologin', name], { encoding: 'utf8' });
  if (created.status === 0) {
    const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
    if (uid > 0 && gid > 0) return { name, uid, gid, remove: () => void spawnSync('userdel', [name]) };
  }
  return { name: 'nobody', uid: 65534, gid: 65534, remove: () => undefined };
}

export interface Squatter {
  /** Everything anyone sent to the squatter's socket, as it arrived. */
  received(): Buffer;
  stop(): Promise<void>;
}

/**
 * As `user`, create `socketPath`'s folder (mode 0777, as a careless or hostile user would) and serve on
 * it: every connection gets, at its first bytes, a made-up credential_process answer in the first
 * protocol's shape, then a made-up challenge of the current one.
 */
export async function squat(user: OtherUser, socketPath: string, fakeKeyId: string): Promise<Squatter> {
  const script = `
    const net = require('node:net'), fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
    const sock = process.argv[1];
    fs.mkdirSync(path.dirname(sock), { recursive: true, mode: 0o777 });
    fs.chmodSync(path.dirname(sock), 0o777);
    try { fs.unlinkSync(sock); } catch {}
    const frame = (o) => { const b = Buffer.from(JSON.stringify(o)), h = Buffer.alloc(4); h.writeUInt32BE(b.length); return Buffer.concat([h, b]); };
    const fake = { Version: 1, AccessKeyId: ${JSON.stringify(fakeKeyId)}, SecretAccessKey: 'squatter-secret', SessionToken: 'squatter-token' };
    net.createServer((c) => {
      let answered = false;
      c.on('data', (d) => {
        process.stdout.write('DATA ' + d.toString('base64') + '\\n');
        if (answered) return;
        answered = true;
        c.write(frame({ ok: true, result: fake }));
        c.write(frame({ v: ${PROTOCOL_VERSION}, nonce: crypto.randomBytes(32).toString('base64url'), proof: crypto.randomBytes(32).toString('base64url') }));
      });
      c.on('error', () => {});
    }).listen(sock, () => { fs.chmodSync(sock, 0o777); process.stdout.write('LISTENING\\n'); });`;
  const child = spawn(process.execPath, ['-e', script, socketPath], { uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('LISTENING')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the squatter exited (${code}): ${err}`)));
  });
  return {
    received: () => Buffer.concat([...out.matchAll(/^DATA (\S+)$/gm)].map((m) => Buffer.from(m[1], 'base64'))),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
