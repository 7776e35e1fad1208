/**
 * The serving window changes without any window polling: standby windows watch the IPC folder and stay
 * connected to the holder's liveness socket. A holder that ends (closed, killed) is replaced at once, a hung
 * one when a CLI waits for it. The client's connect window bounds each hand-over, as in server.test.ts.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { callEditor } from '../../../../src/core/ipc/client';
import { ServingLease } from '../../../../src/core/ipc/lease';
import { ipcPaths, type IpcPaths } from '../../../../src/core/ipc/paths';
import { IpcServer } from '../../../../src/core/ipc/server';
import { tempDir } from '../../support/tempDirs';

function standby(paths: IpcPaths, name: string): ServingLease {
  const server = new IpcServer({ paths, handler: async () => name });
  return new ServingLease({ paths, onAcquire: () => server.listen(), onRelease: () => server.close(), whileServing: () => server.check() });
}

async function servingChild(paths: IpcPaths): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'handover.child.ts'), paths.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const said = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  assert.equal(said, 'serving');
  return child;
}

describe('IPC hand-over without polling', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let lease: ServingLease | undefined;
  afterEach(async () => {
    if (child?.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await lease?.dispose();
    child = undefined;
    lease = undefined;
  });

  it('a holder killed with SIGKILL: a standby window serves at once', async () => {
    const paths = ipcPaths(join(tempDir('aws-sessions-handover-'), 'ipc'));
    child = await servingChild(paths);
    lease = standby(paths, 'parent');
    await lease.start();
    assert.equal(lease.isServing, false);
    assert.deepEqual(await callEditor(paths, 'ping', {}), { ok: true, result: 'child' });
    child.kill('SIGKILL');
    // Well inside the client's first retry window: the standby took over without a CLI asking.
    assert.deepEqual(await callEditor(paths, 'ping', {}, { connectWindowMs: 1000, handOverWaitMs: 1000 }), { ok: true, result: 'parent' });
  });

  it('a hung holder (SIGSTOP): a waiting CLI wakes the standby windows, one takes over and answers', async function () {
    if (process.platform === 'win32') this.skip();
    const paths = ipcPaths(join(tempDir('aws-sessions-handover-'), 'ipc'));
    child = await servingChild(paths);
    lease = standby(paths, 'parent');
    await lease.start();
    process.kill(child.pid!, 'SIGSTOP');
    const reply = await callEditor(paths, 'ping', {}, { connectWindowMs: 8000, handOverWaitMs: 8000, handshakeTimeoutMs: 500 });
    assert.deepEqual(reply, { ok: true, result: 'parent' });
  });

  it('no heartbeat: the lease file stays untouched while its holder serves and a standby window waits', async () => {
    const paths = ipcPaths(join(tempDir('aws-sessions-handover-'), 'ipc'));
    child = await servingChild(paths);
    lease = standby(paths, 'parent');
    await lease.start();
    const before = statSync(paths.lease, { bigint: true }).mtimeNs;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(statSync(paths.lease, { bigint: true }).mtimeNs, before, 'the lease was touched');
    assert.equal(lease.isServing, false);
  });
});
