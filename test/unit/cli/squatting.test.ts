/**
 * Another local user must not stand in for the editor. The IPC folder of this run is too long for a Unix
 * socket (as under code-server with a home such as /home/first.last), so the socket lives elsewhere. The
 * attacker learns where from /proc/net/unix (world-readable), waits for a crash and a reboot (the folder in
 * /tmp is gone, the endpoint record in the home folder stays), and creates that folder and socket first,
 * as a second OS user, serving made-up credentials. The CLI must send it nothing and believe nothing, and
 * the next editor must serve anyway.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildCli, spawnServer, stopServer, type ServerProcess } from '../support/cli';
import { otherUser, squat, type OtherUser, type Squatter } from '../support/otherUser';
import { tempDir } from '../support/tempDirs';
import { until } from '../support/until';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The paths of the Unix sockets a process has bound (its socket fds looked up in /proc/net/unix). */
function boundSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c.length >= 8 && inodes.has(c[6]) && c[7].startsWith('/'))
    .map((c) => c[7]);
}

describe('another local user cannot stand in for the editor', function () {
  this.timeout(120_000);
  let user: OtherUser | undefined;
  const servers: ServerProcess[] = [];
  const squatters: Squatter[] = [];
  /** Socket folders in /tmp that killed servers and the squatter leave (the test's own crash and reboot). */
  const leftovers: string[] = [];

  before(function () {
    if (process.platform !== 'linux') this.skip(); // /proc/net/unix and a second user: Linux CI runs as root
    user = otherUser();
    if (!user) this.skip();
  });

  after(async () => {
    for (const s of servers) await stopServer(s, 'SIGKILL');
    for (const s of squatters) await s.stop();
    user?.remove();
    for (const folder of leftovers) rmSync(folder, { recursive: true, force: true });
  });

  it('after a crash and a reboot, a squatted socket folder gets nothing from the CLI, and the next editor serves elsewhere', async () => {
    const base = tempDir('aws-sessions-squat-');
    const storage = join(base, 'first.last'.padEnd(80, 'x'), 'storage');
    const ipcDir = join(storage, 'ipc');
    assert.ok(Buffer.byteLength(join(ipcDir, 'cli.sock')) > 100, 'the IPC folder is too long for a socket');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: base, AWS_CONFIG_FILE: join(base, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(base, 'credentials') };
    const generate = join(dirname(await buildCli()), 'generate.js');
    const cli = (args: string[]) =>
      new Promise<Ran>((resolve) => {
        const child = spawn(process.execPath, [generate, ...args], { env: { ...env, AWS_SESSIONS_IPC_DIR: ipcDir }, timeout: 60_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });

    // The editor serves; the attacker reads where from /proc/net/unix.
    const first = await spawnServer(storage, env);
    servers.push(first);
    await first.serving;
    const socket = await until('the first socket', () => boundSockets(first.child.pid!)[0]);
    assert.notEqual(dirname(socket), ipcDir);
    assert.equal((await cli(['generate', 'nobody'])).status, 4, 'the real editor answers: no such session');

    // A crash, then a reboot empties /tmp; the endpoint record in the home folder stays.
    await stopServer(first, 'SIGKILL');
    rmSync(dirname(socket), { recursive: true, force: true });
    leftovers.push(dirname(socket));
    const squatter = await squat(user!, socket, 'ASIASQUATTERSQUATTER');
    squatters.push(squatter);
    assert.equal(statSync(dirname(socket)).uid, user!.uid);

    const fooled = await cli(['generate', 'nobody']);
    assert.doesNotMatch(fooled.stdout, /SQUATTER/, 'the squatter’s credentials are not used');
    assert.notEqual(fooled.status, 0, fooled.stderr);
    assert.equal(squatter.received().length, 0, `the squatter received nothing, got: ${squatter.received().toString('latin1').slice(0, 200)}`);
    assert.match(fooled.stderr, /belongs to another user/);
    assert.ok(fooled.stderr.includes(dirname(socket)), fooled.stderr);

    // The next editor is not blocked by the squatted folder: it serves from a new private one.
    const second = await spawnServer(storage, env);
    servers.push(second);
    await second.serving;
    const moved = await until('the second socket', () => boundSockets(second.child.pid!)[0]);
    leftovers.push(dirname(moved));
    assert.notEqual(dirname(moved), dirname(socket));
    const folder = statSync(dirname(moved));
    assert.equal(folder.uid, process.getuid!());
    assert.equal(folder.mode & 0o777, 0o700);
    const served = await cli(['generate', 'nobody']);
    assert.equal(served.status, 4, served.stderr);
    assert.match(served.stderr, /no session named or with id "nobody"/);
    assert.equal(squatter.received().length, 0, 'still nothing for the squatter');
  });
});
