/**
 * Benchmark: `aws-sessions exec` cost. `aws-sessions exec <session> -- node -e 0` (through the shim, the
 * endpoint served by a running process wired like the extension, credentials in its memory) against
 * `node -e 0` run directly, interleaved in the same run. What exec adds (exec − direct) as a ratio of
 * `node -e 0`: goal ≤ 1.25×, as for `generate` (exec is one CLI start + one request before the command).
 * Every command is a fresh process timed around spawnSync (warm-up, then N runs interleaved).
 * Run: node --import tsx bench/exec.bench.ts [runs=40]
 * Prints a table and one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchHome } from './awsHome';
import { measure, startDouble, stats } from './spawnTiming';
import { StorageFiles } from '../src/core/constants';
import { spawnServer, stopServer } from '../test/unit/support/cli';

const RUNS = Number(process.argv[2] ?? 40);

async function main(): Promise<void> {
  const { home, env } = benchHome('exec-bench-');
  const storage = path.join(home, 'storage');
  const double = await startDouble();
  const server = await spawnServer(storage, { ...env, SERVE_STS_ENDPOINT: double.ready.endpoint, SERVE_MODE: 'credentialProcess' });
  try {
    await server.serving;
    const shim = path.join(storage, StorageFiles.binDir, 'aws-sessions');
    const run = (args: string[], input = '') => {
      const r = spawnSync(shim, args, { env, input, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`aws-sessions ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const user = double.ready.users.find((u) => !u.mfaSerial) ?? double.ready.users[0];
    run(['add', '--type', 'iamUser', '--alias', 'bench', '--profile', 'bench', '--region', 'us-east-1', '--json'], `${user.accessKeyId}\n${user.secretAccessKey}\n`);
    run(['start', 'bench']);
    const check = run(['exec', 'bench', '--', process.execPath, '-e', 'process.stdout.write(String(!!process.env.AWS_SECRET_ACCESS_KEY))']);
    if (check !== 'true') throw new Error(`exec did not pass the credentials to the command (printed ${JSON.stringify(check)})`);

    const rows = measure(
      [
        { name: 'node -e 0 (directly)', file: process.execPath, args: ['-e', '0'], env },
        { name: 'aws-sessions exec bench -- node -e 0', file: shim, args: ['exec', 'bench', '--', process.execPath, '-e', '0'], env },
        { name: 'aws-sessions exec --profile-only bench -- node -e 0', file: shim, args: ['exec', '--profile-only', 'bench', '--', process.execPath, '-e', '0'], env },
      ],
      RUNS,
    );
    console.log(`exec benchmark: ${RUNS} runs, node ${process.version}, ${os.cpus().length} CPUs`);
    console.log('| command | median ms | p95 ms | min ms |');
    console.log('|---|---:|---:|---:|');
    const json: Record<string, unknown> = { bench: 'exec', runs: RUNS };
    for (const [name, samples] of rows) {
      const s = stats(samples);
      console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.min.toFixed(1)} |`);
      json[name] = { median: +s.median.toFixed(2), p95: +s.p95.toFixed(2) };
    }
    const [direct, exec, profileOnly] = [...rows.values()].map((s) => stats(s).median);
    const added = (m: number) => +((m - direct) / direct).toFixed(3);
    const ratio = added(exec);
    json.execAddedVsNode = { median: ratio, addedMs: +(exec - direct).toFixed(2), goal: 1.25, met: ratio <= 1.25 };
    json.profileOnlyAddedVsNode = { median: added(profileOnly), addedMs: +(profileOnly - direct).toFixed(2) };
    json.meetsGoal = ratio <= 1.25;
    console.log(`exec adds ${(exec - direct).toFixed(1)} ms = ${ratio}× node -e 0 (goal ≤ 1.25× → ${ratio <= 1.25 ? 'met' : 'NOT met'}); --profile-only adds ${added(profileOnly)}×`);
    console.log(JSON.stringify(json));
  } finally {
    await stopServer(server);
    double.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

void main();
