/** The shim runs the CLI with the given Node, passes every argument untouched and names the IPC folder. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canShebang, shimScript, writeShim } from '../../../src/core/shim';
import { credentialProcessCommand, quoteCommandPath } from '../../../src/core/processDelivery';
import { shlexSplit } from '../../../src/core/awsFiles/shlex';
import { tempDir } from '../support/tempDirs';

/** Stand-ins for cli.js and generate.js that print which bundle ran and its arguments; exec.js is the test's to write. */
function echoBundles(prefix: string): { root: string; cli: string; gen: string; exec: string } {
  const root = tempDir(prefix);
  const cli = join(root, 'cli.js');
  const gen = join(root, 'generate.js');
  writeFileSync(cli, 'process.stdout.write("cli " + process.argv.slice(2).join(","))');
  writeFileSync(gen, 'process.stdout.write("generate " + process.argv.slice(2).join(","))');
  return { root, cli, gen, exec: join(root, 'exec.js') };
}

describe('CLI shim', () => {
  it('runs the bundle with the given Node, arguments and IPC folder intact, even through odd paths', async () => {
    const root = tempDir("shim it's $HOME `x` ");
    const bundle = join(root, 'ext dir', 'cli.js');
    mkdirSync(join(root, 'ext dir'));
    writeFileSync(bundle, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), ipc: process.env.AWS_SESSIONS_IPC_DIR, electron: process.env.ELECTRON_RUN_AS_NODE ?? null }))');
    const ipcDir = join(root, "ipc 'dir'");
    const shim = await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: bundle, ipcDir, electron: false, platform: 'linux' });
    assert.equal(statSync(shim).mode & 0o777, 0o700);
    // Plain Node at a path a #! line can hold: the shim is JavaScript run by that Node, no shell in between.
    assert.ok(readFileSync(shim, 'utf8').startsWith(`#!${process.execPath}\n`));
    const args = ['generate', 'a b', "it's", '$HOME', '"q"', '*', ''];
    const r = spawnSync(shim, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { argv: args, ipc: ipcDir, electron: null });
    // Rewritten at activation: a new bundle path replaces the old one, an unchanged one is left alone.
    const before = statSync(shim).mtimeMs;
    await new Promise((r2) => setTimeout(r2, 20));
    await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: bundle, ipcDir, electron: false, platform: 'linux' });
    assert.equal(statSync(shim).mtimeMs, before);
    await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: '/new/cli.js', ipcDir, electron: true, platform: 'linux' });
    assert.match(readFileSync(shim, 'utf8'), /ELECTRON_RUN_AS_NODE=1 exec '.*' '\/new\/cli\.js' "\$@"/);
  });

  it('falls back to sh where #! cannot run the Node, and the sh form passes arguments intact too', async () => {
    const root = tempDir('shim-sh-');
    const nodeDir = join(root, 'Code Helper');
    mkdirSync(nodeDir);
    const node = join(nodeDir, 'node');
    symlinkSync(process.execPath, node);
    const bundle = join(root, 'cli.js');
    writeFileSync(bundle, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), ipc: process.env.AWS_SESSIONS_IPC_DIR }))');
    const target = { nodePath: node, cliPath: bundle, ipcDir: join(root, "i'pc"), electron: false, platform: 'linux' as const };
    assert.equal(canShebang(target), false);
    const shim = await writeShim(join(root, 'bin'), target);
    assert.match(readFileSync(shim, 'utf8'), /^#!\/bin\/sh\n/);
    const args = ['generate', 'a b', "it's", '$HOME'];
    const r = spawnSync(shim, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { argv: args, ipc: target.ipcDir });
    for (const t of [{ ...target, nodePath: process.execPath, electron: true }, { ...target, nodePath: 'node' }, { ...target, nodePath: `/${'x'.repeat(300)}` }]) assert.equal(canShebang(t), false, t.nodePath);
  });

  it('hands `generate` and `exec` to their lean bundles and every other command to the full CLI', async () => {
    const { root, cli, gen, exec } = echoBundles('shim-dispatch-');
    writeFileSync(exec, 'process.stdout.write("exec " + process.argv.slice(2).join(","))');
    const shim = await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: cli, generatePath: gen, execPath: exec, ipcDir: root, electron: false, platform: 'linux' });
    const out = (args: string[]) => spawnSync(shim, args, { encoding: 'utf8' }).stdout;
    assert.equal(out(['generate', 'id-1']), 'generate generate,id-1');
    assert.equal(out(['exec', 'dev', '--', 'aws', 'sts']), 'exec exec,dev,--,aws,sts');
    assert.equal(out(['list', '--json']), 'cli list,--json');
    assert.equal(out(['constructor']), 'cli constructor');
    assert.equal(out([]), 'cli ');
    // A shim written without the exec bundle (a target that names none): exec goes to the full CLI.
    await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: cli, generatePath: gen, ipcDir: root, electron: false, platform: 'linux' });
    assert.equal(out(['exec', 'dev', 'true']), 'cli exec,dev,true');
    assert.equal(out(['generate', 'id-1']), 'generate generate,id-1');
  });

  it('the sh form: `generate` to its bundle; `exec` evaluates what exec.js prints, or goes on to the full CLI when it prints nothing', async () => {
    const { root, cli, gen, exec } = echoBundles('shim-sh-dispatch-');
    // Told by the shim that a shell takes over: hand it a command; for `--help`, nothing (the full CLI answers).
    writeFileSync(exec, `if (process.argv[2] !== '--aws-sessions-sh-hand-over') throw new Error('not told');
if (!process.argv.includes('--help')) process.stdout.write('shift 2\\nexec printf "ran %s|" "$@"\\n');`);
    const shim = await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: cli, generatePath: gen, execPath: exec, ipcDir: root, electron: true, platform: 'linux' });
    assert.match(readFileSync(shim, 'utf8'), /^#!\/bin\/sh\n/);
    const out = (args: string[]) => spawnSync(shim, args, { encoding: 'utf8' }).stdout;
    assert.equal(out(['generate', 'id-1']), 'generate generate,id-1');
    assert.equal(out(['exec', 'dev', 'a b', '$HOME', '']), 'ran a b|ran $HOME|ran |');
    assert.equal(out(['exec', '--help']), 'cli exec,--help');
    assert.equal(out(['list', '--json']), 'cli list,--json');
    assert.equal(out([]), 'cli ');
  });

  it('pins the JavaScript shim to CommonJS even under a folder whose package.json says "module"', async () => {
    const root = tempDir('shim-esm-');
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }');
    const bundle = join(root, 'cli.cjs');
    writeFileSync(bundle, 'process.stdout.write("ok " + process.argv.slice(2).join(","))');
    const shim = await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: bundle, ipcDir: root, electron: false, platform: 'linux' });
    const r = spawnSync(shim, ['generate', 'x'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ok generate,x');
  });

  it('writes a .cmd for Windows that sets ELECTRON_RUN_AS_NODE and forwards %*', () => {
    const text = shimScript({ nodePath: 'C:\\Program Files\\Code\\Code.exe', cliPath: 'C:\\ext\\dist\\cli.js', ipcDir: 'C:\\u\\ipc', electron: true, platform: 'win32' });
    assert.match(text, /^@echo off\r\n/);
    assert.match(text, /set ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Code\\Code\.exe" "C:\\ext\\dist\\cli\.js" %\*\r\n$/);
  });

  it('the credential_process command splits back into shim, generate and the id as botocore does', () => {
    for (const p of ['/home/u/.aws-sessions/bin/aws-sessions', '/home/u/My Data/bin/aws-sessions', "/tmp/it's/aws-sessions"]) {
      assert.deepEqual(shlexSplit(credentialProcessCommand(p, '0f1e2d3c-aaaa-bbbb-cccc-123456789abc')), [p, 'generate', '0f1e2d3c-aaaa-bbbb-cccc-123456789abc']);
    }
    assert.equal(quoteCommandPath('/plain/path'), '/plain/path');
    assert.throws(() => credentialProcessCommand('/x', 'id; rm -rf /'), /cannot appear/);
  });
});
