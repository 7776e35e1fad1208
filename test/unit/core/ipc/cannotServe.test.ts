/**
 * A window that cannot serve the CLI (its IPC folder is a symbolic link, or another user's after VS Code
 * ran with sudo once) says so once — one log line, one notification, with the path and the reason — tries
 * again only after a pause, lets the CLI fail at once with that reason, shows in the doctor, and serves as
 * soon as the folder is fixed.
 */
import * as assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callEditor } from '../../../../src/core/ipc/client';
import { ServingLease } from '../../../../src/core/ipc/lease';
import { ipcPaths } from '../../../../src/core/ipc/paths';
import type { ServeProblem } from '../../../../src/core/ipc/presence';
import { IpcServer } from '../../../../src/core/ipc/server';
import { diagnose } from '../../../../src/core/doctor/doctor';
import type { DoctorEnvironment } from '../../../../src/core/doctor/types';
import type { SessionService } from '../../../../src/core/sessionService';
import type { ProfileService } from '../../../../src/core/profiles';
import { CliHost } from '../../../../src/ipc/cliHost';
import { RecordingLogger } from '../../support/fakes';
import { tempDir } from '../../support/tempDirs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await sleep(25);
  assert.ok(ok(), what);
}

const doctorEnv: DoctorEnvironment = {
  envs: { workspace: { HOME: '/home/dev' } },
  homeDir: '/home/dev',
  cwd: '/work',
  readFile: async () => undefined,
  now: () => Date.now(),
  stsDate: async () => undefined,
  runProcess: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
};

interface Broken {
  name: string;
  /** Break `ipcDir`; returns the reason expected and how to fix it. */
  make(ipcDir: string): { reason: RegExp; fix(): void };
}

const broken: Broken[] = [
  {
    name: 'the IPC folder is a symbolic link',
    make: (ipcDir) => {
      const elsewhere = `${ipcDir}-elsewhere`;
      mkdirSync(elsewhere, { mode: 0o700 });
      symlinkSync(elsewhere, ipcDir);
      return { reason: /is a symbolic link.*remove it and reload the window/, fix: () => rmSync(ipcDir) };
    },
  },
];
if (process.getuid?.() === 0) {
  broken.push({
    name: 'the IPC folder belongs to another user',
    make: (ipcDir) => {
      mkdirSync(ipcDir, { mode: 0o700 });
      chownSync(ipcDir, 65534, 65534);
      return { reason: /belongs to another user \(uid 65534\), not to you \(uid 0\).*sudo/, fix: () => chownSync(ipcDir, 0, 0) };
    },
  });
}

describe('a window that cannot serve the CLI', function () {
  this.timeout(30_000);

  for (const b of broken) {
    it(`${b.name}: said once with the path and the reason, no retry every poll, the CLI and the doctor tell why, served once fixed`, async () => {
      const paths = ipcPaths(join(tempDir('aws-sessions-cannot-'), 'ipc'));
      const { reason, fix } = b.make(paths.dir);
      const logs: string[] = [];
      const told: ServeProblem[] = [];
      const server = new IpcServer({ paths, handler: async () => 'served' });
      const lease = new ServingLease({ paths, pollMs: 20, retryMs: 50, maxRetryMs: 200, onAcquire: () => server.listen(), onRelease: () => server.close(), onLog: (m) => logs.push(m), onCannotServe: (p) => told.push(p) });
      try {
        void lease.start();
        await sleep(1500); // 75 polls
        assert.equal(told.length, 1, `told once: ${JSON.stringify(told)}`);
        assert.equal(told[0].path, paths.dir);
        assert.match(told[0].reason, reason);
        assert.deepEqual(logs.length, 1, `one log line: ${logs.join('\n')}`);
        assert.ok(logs[0].includes(paths.dir) && reason.test(logs[0]), logs[0]);
        const status = lease.status;
        assert.equal(status.state, 'cannotServe');

        const finding = (await diagnose({ environment: doctorEnv, managed: [], cliEndpoint: status })).find((f) => f.code === 'cli-cannot-serve');
        assert.equal(finding?.severity, 'error');
        assert.ok(finding.detail.includes(paths.dir) && reason.test(finding.detail), finding.detail);

        await assert.rejects(callEditor(paths, 'ping', {}, { connectWindowMs: 10_000 }), (e: Error) => e.message.includes(paths.dir) && /cannot be trusted/.test(e.message));

        fix();
        await until('serving once the folder is fixed', () => logs.some((l) => /serves the CLI again/.test(l)));
        assert.equal(lease.status.state, 'serving');
        assert.deepEqual(await callEditor(paths, 'ping', {}), { ok: true, result: 'served' });
        assert.equal(told.length, 1);
      } finally {
        await lease.dispose();
      }
    });
  }

  it('the editor wiring: one error in the log and one notification naming the path and the reason', async () => {
    const storageDir = tempDir('aws-sessions-cannot-host-');
    const { reason } = broken[0].make(join(storageDir, 'ipc'));
    const logger = new RecordingLogger();
    const notes: string[] = [];
    const host = new CliHost({ storageDir, extensionPath: storageDir, service: {} as SessionService, profiles: {} as ProfileService, logger, notify: (m) => notes.push(m) });
    try {
      await host.start();
      await sleep(1000);
      assert.equal(notes.length, 1, notes.join('\n'));
      assert.ok(notes[0].includes(join(storageDir, 'ipc')) && reason.test(notes[0]), notes[0]);
      assert.equal(logger.lines.filter((l) => l.startsWith('error ')).length, 1, logger.lines.join('\n'));
      assert.equal(host.status.state, 'cannotServe');
    } finally {
      await host.disposeAsync();
    }
  });
});
