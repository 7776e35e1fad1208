/** The shim runs the CLI with the given Node, passes every argument untouched and names the IPC folder. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shimScript, writeShim } from '../../../src/core/shim';
import { credentialProcessCommand, quoteCommandPath } from '../../../src/core/processDelivery';
import { shlexSplit } from '../../../src/core/awsFiles/shlex';

describe('CLI shim', () => {
  it('runs the bundle with the given Node, arguments and IPC folder intact, even through odd paths', async () => {
    const root = mkdtempSync(join(tmpdir(), "shim it's $HOME `x` "));
    const bundle = join(root, 'ext dir', 'cli.js');
    mkdirSync(join(root, 'ext dir'));
    writeFileSync(bundle, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), ipc: process.env.AWS_SESSIONS_IPC_DIR, electron: process.env.ELECTRON_RUN_AS_NODE ?? null }))');
    const ipcDir = join(root, "ipc 'dir'");
    const shim = await writeShim(join(root, 'bin'), { nodePath: process.execPath, cliPath: bundle, ipcDir, electron: false, platform: 'linux' });
    assert.equal(statSync(shim).mode & 0o777, 0o700);
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
