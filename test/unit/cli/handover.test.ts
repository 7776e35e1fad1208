/**
 * Hand-over under load: the serving process is killed (SIGKILL, a crash) during a burst of 200 `generate`
 * calls, ten times; a standby process takes over — in every other round only after 4.5 s, as a window on a
 * loaded host did (1.4–12 s seen), longer than the CLI's 4 s connect window. The callers wait through the
 * hand-over because a window lives that may serve: 0 failures. 180 calls run the CLI's client in this
 * process, 20 are real `generate` processes of the lean bundle.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { callEditor } from '../../../src/core/ipc/client';
import { ipcPaths } from '../../../src/core/ipc/paths';
import { startLocalAws, type LocalAws } from '../../double';
import { buildCli, runProcess, spawnServer, stopServer, type ServerProcess } from '../support/cli';

const ROUNDS = 10;
const BURST = 200;
const PROCESS_EVERY = 10;
const KILL_AFTER = 50;
const SLOW_TAKEOVER_MS = 4500;

/** What credential_process prints: Version 1 with a key id and a secret. */
const isProcessCredentials = (v: unknown): boolean => {
  const c = v as { Version?: unknown; AccessKeyId?: unknown; SecretAccessKey?: unknown } | null;
  return !!c && c.Version === 1 && typeof c.AccessKeyId === 'string' && typeof c.SecretAccessKey === 'string';
};

const run = (file: string, args: string[], env: Record<string, string>, input = '') => runProcess(file, args, env, input, 120_000);

async function started(server: ServerProcess): Promise<void> {
  for (let i = 0; i < 400 && !server.output().includes('started'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(server.output().includes('started'), server.output());
}

describe('hand-over under load', function () {
  this.timeout(900_000);
  let aws: LocalAws;
  const servers: ServerProcess[] = [];

  before(async () => {
    aws = await startLocalAws();
  });

  after(async () => {
    for (const s of servers) await stopServer(s, 'SIGKILL');
    await aws?.close();
  });

  it(`the serving process killed during a burst of ${BURST} generate calls, ${ROUNDS} times: 0 failures`, async () => {
    const home = mkdtempSync(join(tmpdir(), 'aws-sessions-handover-'));
    const storage = join(home, 'storage');
    mkdirSync(join(home, '.aws'));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
    const serverEnv = (slow: boolean) => ({ ...env, SERVE_STS_ENDPOINT: aws.endpoint, SERVE_MODE: 'credentialProcess', SERVE_ACQUIRE_DELAY_MS: slow ? String(SLOW_TAKEOVER_MS) : '0' });
    let serving = await spawnServer(storage, serverEnv(false));
    servers.push(serving);
    await serving.serving;
    let standby = await spawnServer(storage, serverEnv(true));
    servers.push(standby);
    await started(standby);

    const bob = aws.user('bob');
    const shim = join(storage, 'bin', 'aws-sessions');
    const added = await run(shim, ['add', '--type', 'iamUser', '--alias', 'burst', '--profile', 'burst', '--region', 'eu-west-1', '--json'], env, `${bob.accessKeyId}\n${bob.secretAccessKey}\n`);
    assert.equal(added.status, 0, added.stderr);
    const { id } = JSON.parse(added.stdout) as { id: string };
    const generateJs = join(dirname(await buildCli()), 'generate.js');
    const paths = ipcPaths(join(storage, 'ipc'));

    const failures: string[] = [];
    let calls = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let done = 0;
      let killed: Promise<void> | undefined;
      const victim = serving;
      const finished = () => {
        if (++done === KILL_AFTER) killed = stopServer(victim, 'SIGKILL');
      };
      const inProcess = async (i: number) => {
        try {
          const reply = await callEditor(paths, 'generate', { session: id }, { retryAfterSend: true });
          if (!reply.ok || !isProcessCredentials(reply.result)) failures.push(`round ${round} call ${i}: ${JSON.stringify(reply).slice(0, 200)}`);
        } catch (error) {
          failures.push(`round ${round} call ${i}: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          finished();
        }
      };
      const asProcess = async (i: number) => {
        const r = await run(process.execPath, [generateJs, 'generate', id], { ...env, AWS_SESSIONS_IPC_DIR: paths.dir });
        let ok = false;
        try {
          ok = r.status === 0 && isProcessCredentials(JSON.parse(r.stdout));
        } catch {
          ok = false;
        }
        if (!ok) failures.push(`round ${round} process ${i}: exit ${r.status}: ${r.stderr.trim()}`);
        finished();
      };
      await Promise.all(Array.from({ length: BURST }, (_, i) => (i % PROCESS_EVERY === 0 ? asProcess(i) : inProcess(i))));
      calls += BURST;
      assert.ok(killed, `round ${round}: the serving process was killed during the burst`);
      await killed;
      await standby.serving;
      serving = standby;
      standby = await spawnServer(storage, serverEnv(round % 2 === 1));
      servers.push(standby);
      await started(standby);
    }
    assert.equal(calls, ROUNDS * BURST);
    assert.deepEqual(failures, [], `${failures.length} of ${calls} calls failed`);
  });
});
