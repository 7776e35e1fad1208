/**
 * dist/exec.js, the bundle the shim loads for `aws-sessions exec`: it runs exec by itself (the full CLI is not
 * loaded: here it is not even beside it), still refuses a window of another protocol version with the reason,
 * and hands what it does not run as is (help, usage errors) to the full CLI.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { PROTOCOL_VERSION } from '../../../src/core/ipc/protocol';
import { ipcPaths } from '../../../src/core/ipc/paths';
import { buildCli } from '../support/cli';
import { tempDir } from '../support/tempDirs';

describe('aws-sessions exec: the lean bundle', function () {
  this.timeout(60_000);

  it('runs exec without the full CLI and refuses a window of a newer protocol with the reason', async () => {
    const alone = tempDir('aws-sessions-exec-alone-');
    copyFileSync(join(dirname(await buildCli()), 'exec.js'), join(alone, 'exec.js'));
    const paths = ipcPaths(join(tempDir('aws-sessions-exec-ipc-'), 'ipc'));
    mkdirSync(paths.dir, { mode: 0o700 });
    const window = spawn('sleep', ['30']);
    try {
      writeFileSync(paths.lease, JSON.stringify({ pid: window.pid, host: hostname(), id: 'newer-window', v: PROTOCOL_VERSION + 1 }));
      const r = spawnSync(process.execPath, [join(alone, 'exec.js'), 'exec', 'dev', '--', 'true'], { env: { PATH: process.env.PATH ?? '', AWS_SESSIONS_IPC_DIR: paths.dir }, encoding: 'utf8', timeout: 30_000 });
      assert.doesNotMatch(r.stderr, /cli\.js/, 'it did not reach for the full CLI');
      assert.match(r.stderr, new RegExp(`runs a newer version of AWS Sessions \\(protocol ${PROTOCOL_VERSION + 1}\\) than this command line \\(protocol ${PROTOCOL_VERSION}\\)`));
      assert.equal(r.status, 3, r.stderr);
    } finally {
      window.kill();
    }
  });

  it('hands help and usage errors to the full CLI beside it, which answers them as before', async () => {
    const exec = join(dirname(await buildCli()), 'exec.js');
    const run = (args: string[]) => spawnSync(process.execPath, [exec, ...args], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    const help = run(['exec', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: aws-sessions exec \[--profile-only \| --endpoint\]/);
    const unknown = run(['exec', '--nope', 'dev', 'true']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option --nope for "aws-sessions exec"/);
    const noCommand = run(['exec', 'dev']);
    assert.equal(noCommand.status, 2);
    assert.match(noCommand.stderr, /missing command/);
    assert.match(run(['list', '--help']).stdout, /aws-sessions list/);
  });
});
