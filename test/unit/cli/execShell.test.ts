/**
 * `aws-sessions exec` through the POSIX sh shim (desktop VS Code's, where a #! line cannot run Electron as Node):
 * the shell evals the session's variables that dist/exec.js prints to its pipe and becomes the command. Checked
 * against a process wired like the extension and the local AWS double: no Node process between the caller and the
 * command (same pid, the caller its parent), signals and exit codes by construction, stdin, no credential on any
 * command line or in another process's environment, the shim's own variables kept out of the command's; and the
 * hand-over text itself with hostile values and words in a real sh.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageFiles } from '../../../src/core/constants';
import { PROTOCOL_VERSION } from '../../../src/core/ipc/protocol';
import { ipcPaths } from '../../../src/core/ipc/paths';
import { writeShim, type ShimTarget } from '../../../src/core/shim';
import { commandMissing, shellHandOver } from '../../../src/cli/execShell';
import { buildCli, execFixture, runProcess, type ExecFixture } from '../support/cli';
import { tempDir } from '../support/tempDirs';

const PRINT_ENV = `process.stdout.write(JSON.stringify({ env: process.env, argv: process.argv.slice(1), pid: process.pid, ppid: process.ppid }))`;

/** Every pid whose cmdline holds `secret`, and every other pid whose environment does (those we may read). */
const SCAN_PROC = `
const fs = require('fs');
const secret = process.env.AWS_SECRET_ACCESS_KEY;
const hits = { cmdline: [], environ: [], scanned: 0 };
for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  const read = (f) => { try { return fs.readFileSync('/proc/' + pid + '/' + f, 'latin1'); } catch { return ''; } };
  hits.scanned++;
  if (read('cmdline').includes(secret)) hits.cmdline.push(pid);
  if (Number(pid) !== process.pid && read('environ').includes(secret)) hits.environ.push(pid);
}
process.stdout.write(JSON.stringify({ hits, secretLength: secret.length }));`;

/** The sh form of the shim for these bundles (electron: true, as on desktop VS Code; plain Node ignores the variable). */
async function shShim(binDir: string, ipcDir: string, bundles: { cli: string; exec: string }): Promise<string> {
  const target: ShimTarget = { nodePath: process.execPath, cliPath: bundles.cli, generatePath: join(dirname(bundles.cli), 'generate.js'), execPath: bundles.exec, ipcDir, electron: true, platform: 'linux' };
  return writeShim(binDir, target);
}

describe('aws-sessions exec through the sh shim: the shell becomes the command', function () {
  this.timeout(90_000);
  let fixture: ExecFixture;
  let shim: string;
  let env: Record<string, string>;

  before(async () => {
    fixture = await execFixture('aws-sessions-exec-sh-');
    env = fixture.env;
    const cli = await buildCli();
    shim = await shShim(join(fixture.home, 'shbin'), join(fixture.home, 'storage', StorageFiles.ipcDir), { cli, exec: join(dirname(cli), 'exec.js') });
  });
  after(async () => {
    await fixture?.close();
  });

  const cli = (args: string[], input = '') => runProcess(shim, args, env, input);

  it('the command replaces the shell: same pid, the caller its parent; credentials in its environment only, the shim’s variables not', async () => {
    const child = spawn(shim, ['exec', 'bob', '--', process.execPath, '-e', PRINT_ENV, 'a b', '--', '$HOME'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    const seen = JSON.parse(out) as { env: Record<string, string>; argv: string[]; pid: number; ppid: number };
    assert.equal(seen.pid, child.pid, 'no process between the shim and the command');
    assert.equal(seen.ppid, process.pid);
    assert.match(seen.env.AWS_ACCESS_KEY_ID, /^ASIA/);
    assert.ok(seen.env.AWS_SECRET_ACCESS_KEY && seen.env.AWS_SESSION_TOKEN && Date.parse(seen.env.AWS_CREDENTIAL_EXPIRATION) > Date.now());
    assert.equal(seen.env.AWS_REGION, 'eu-west-1');
    assert.equal(seen.env.AWS_PROFILE, undefined, 'the stale profile is removed');
    for (const name of ['AWS_SESSIONS_IPC_DIR', 'ELECTRON_RUN_AS_NODE', 'AWS_SESSIONS_EXEC_SHELL', 'aws_sessions_exec_env']) assert.equal(seen.env[name], undefined, name);
    assert.deepEqual(seen.argv, ['a b', '--', '$HOME']);
  });

  it('no credential on any command line, nor in any other process’s environment, while the command runs', async () => {
    const r = await cli(['exec', 'bob', '--', process.execPath, '-e', SCAN_PROC]);
    assert.equal(r.status, 0, r.stderr);
    const { hits, secretLength } = JSON.parse(r.stdout) as { hits: { cmdline: string[]; environ: string[]; scanned: number }; secretLength: number };
    assert.ok(secretLength >= 20 && hits.scanned > 3, r.stdout);
    assert.deepEqual(hits, { cmdline: [], environ: [], scanned: hits.scanned });
  });

  it('a trace of the shim (sh -xv) shows no credential', async () => {
    const r = await runProcess('/bin/sh', ['-xv', shim, 'exec', 'bob', '--', process.execPath, '-e', 'process.stdout.write(process.env.AWS_SECRET_ACCESS_KEY)'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length >= 20, r.stdout);
    assert.match(r.stderr, /set \+xv/, 'the trace was on');
    assert.ok(!r.stderr.includes(r.stdout), 'the secret is not in the trace');
  });

  it("stdin reaches the command, its exit code is the shim's, a missing command is 127 with the CLI's message", async () => {
    const echoed = await cli(['exec', 'bob', '--', 'sh', '-c', 'cat; exit 7'], 'piped in\n');
    assert.equal(echoed.stdout, 'piped in\n');
    assert.equal(echoed.status, 7, echoed.stderr);
    const missing = await cli(['exec', 'bob', '--', 'no-such-command-here', 'x']);
    assert.equal(missing.status, 127);
    assert.equal(missing.stderr, 'aws-sessions: could not run "no-such-command-here": command not found\n');
  });

  it('a SIGTERM to the shim is the command’s: trapped, its exit code; not trapped, the signal itself ends the process', async () => {
    const run = async (script: string) => {
      const child = spawn(shim, ['exec', 'bob', '--', 'sh', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()));
      child.kill('SIGTERM');
      return new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    };
    assert.deepEqual(await run('trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'), [42, null]);
    assert.deepEqual(await run('echo ready; exec sleep 30'), [null, 'SIGTERM']);
  });

  it('errors keep their exit codes and messages; help and usage errors are the full CLI’s', async () => {
    const unknown = await cli(['exec', 'nobody', '--', 'true']);
    assert.equal(unknown.status, 4);
    assert.match(unknown.stderr, /no session named or with id "nobody"/);
    assert.equal(unknown.stdout, '');
    const inactive = await cli(['exec', '--profile-only', 'bob', '--', 'true']);
    assert.equal(inactive.status, 1);
    assert.match(inactive.stderr, /not active.*aws-sessions start bob/);
    const help = await cli(['exec', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: aws-sessions exec \[--profile-only \| --endpoint\]/);
    const usage = await cli(['exec', '--nope', 'bob', 'true']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /unknown option --nope for "aws-sessions exec"/);
  });

  it('--profile-only gives AWS_PROFILE and --endpoint the endpoint and its token, through the shell as well', async () => {
    assert.equal((await cli(['start', 'bob'])).status, 0);
    const profile = await cli(['exec', '--profile-only', 'bob', '--', process.execPath, '-e', PRINT_ENV]);
    const pe = (JSON.parse(profile.stdout) as { env: Record<string, string> }).env;
    assert.equal(pe.AWS_PROFILE, 'bob');
    assert.equal(pe.AWS_ACCESS_KEY_ID, undefined);
    const endpoint = await cli(['exec', '--endpoint', 'bob', '--', process.execPath, '-e', PRINT_ENV]);
    assert.equal(endpoint.status, 0, endpoint.stderr);
    const ee = (JSON.parse(endpoint.stdout) as { env: Record<string, string>; argv: string[] }).env;
    assert.match(ee.AWS_CONTAINER_CREDENTIALS_FULL_URI, /^http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(ee.AWS_CONTAINER_AUTHORIZATION_TOKEN && !PRINT_ENV.includes(ee.AWS_CONTAINER_AUTHORIZATION_TOKEN));
    assert.equal(ee.AWS_PROFILE, undefined);
  });
});

describe('aws-sessions exec through the sh shim: without a window', function () {
  this.timeout(60_000);

  it('no window serving: exit 3 and the reason; a window of a newer protocol: exit 3 and that reason; nothing run', async () => {
    const cli = await buildCli();
    const paths = ipcPaths(join(tempDir('aws-sessions-exec-sh-ipc-'), 'ipc'));
    mkdirSync(paths.dir, { mode: 0o700 });
    const shim = await shShim(join(tempDir('aws-sessions-exec-sh-bin-'), 'bin'), paths.dir, { cli, exec: join(dirname(cli), 'exec.js') });
    const marker = join(tempDir('aws-sessions-exec-sh-marker-'), 'ran');
    const env = { PATH: process.env.PATH ?? '', HOME: tempDir('aws-sessions-exec-sh-home-') };
    const none = spawnSync(shim, ['exec', 'dev', '--', 'touch', marker], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(none.status, 3, none.stderr);
    assert.match(none.stderr, /^aws-sessions: /);
    const window = spawn('sleep', ['30']);
    try {
      writeFileSync(paths.lease, JSON.stringify({ pid: window.pid, host: hostname(), id: 'newer-window', v: PROTOCOL_VERSION + 1 }));
      const newer = spawnSync(shim, ['exec', 'dev', '--', 'touch', marker], { env, encoding: 'utf8', timeout: 30_000 });
      assert.match(newer.stderr, new RegExp(`runs a newer version of AWS Sessions \\(protocol ${PROTOCOL_VERSION + 1}\\)`));
      assert.equal(newer.status, 3, newer.stderr);
    } finally {
      window.kill();
    }
    assert.equal(existsSync(marker), false, 'the command never ran');
  });
});

describe('the sh hand-over text', () => {
  const hostile = ["it's", 'a"b', '$(touch PWNED1)', '`touch PWNED2`', 'line\nbreak', '\\n $HOME ${HOME} !x', ' lead and trail ', '', '*', "'\\''"];

  it('an eval in real sh gives the command exactly these values and words, and runs nothing else', async () => {
    const dir = tempDir('aws-sessions-handover-');
    const variables: Record<string, string> = Object.fromEntries(hostile.map((v, i) => [`HOSTILE_${i}`, v]));
    const shimArgs = ['exec', '--profile-only', 'dev', '--', process.execPath, '-e', PRINT_ENV, ...hostile];
    const text = shellHandOver({ command: shimArgs.slice(4), variables, clear: ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID'] }, shimArgs.length);
    // A stand-in for dist/exec.js that prints the hand-over text, behind the real sh shim.
    const fake = join(dir, 'exec.js');
    writeFileSync(join(dir, 'text'), text);
    writeFileSync(fake, `process.stdout.write(require('fs').readFileSync(${JSON.stringify(join(dir, 'text'))}, 'utf8'))`);
    const shim = await shShim(join(dir, 'bin'), join(dir, 'ipc'), { cli: join(dir, 'cli.js'), exec: fake });
    const r = spawnSync(shim, shimArgs, { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_PROFILE: 'stale', AWS_ACCESS_KEY_ID: 'AKIASTALE', aws_sessions_exec_env: 'exported by the caller' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as { env: Record<string, string>; argv: string[] };
    for (const [name, value] of Object.entries(variables)) assert.equal(seen.env[name], value, name);
    assert.deepEqual(seen.argv, hostile);
    assert.equal(seen.env.AWS_PROFILE, undefined);
    assert.equal(seen.env.AWS_ACCESS_KEY_ID, undefined);
    assert.equal(seen.env.aws_sessions_exec_env, undefined, 'the text is never in the command’s environment');
    assert.equal(existsSync(join(dir, 'PWNED1')) || existsSync(join(dir, 'PWNED2')), false);
  });

  it('refuses a variable name that is not an identifier', () => {
    assert.throws(() => shellHandOver({ command: ['true'], variables: { 'X;touch Y': 'v' }, clear: [] }, 3), /is not a variable name/);
    assert.throws(() => shellHandOver({ command: ['true'], variables: {}, clear: ['$(x)'] }, 3), /is not a variable name/);
  });

  it('tells a missing command as execvp would look for it', () => {
    const dir = tempDir('aws-sessions-which-');
    mkdirSync(join(dir, 'adir'));
    const path = `/nonexistent:${dir}:/bin:/usr/bin`;
    assert.equal(commandMissing('sh', path), false);
    assert.equal(commandMissing('/bin/sh', undefined), false);
    assert.equal(commandMissing('no-such-command-here', path), true);
    assert.equal(commandMissing('adir', path), true, 'a folder is not a command');
    assert.equal(commandMissing('/nonexistent/x', path), true);
    assert.equal(commandMissing('', path), true);
    assert.equal(commandMissing('anything', undefined), false, 'no PATH: the shell decides');
  });
});
