/**
 * Benchmark: `aws-sessions exec` cost. `aws-sessions exec <session> -- node -e 0` (through the shim, the
 * endpoint served by a running process wired like the extension, credentials in its memory) against
 * `node -e 0` run directly, interleaved in the same run. What exec adds (exec − direct) as a ratio of
 * `node -e 0`: goal ≤ 1.25×, as for `generate` (exec is one CLI start + one request before the command).
 * The JavaScript shim (code-server, remote hosts) loads dist/exec.js (exec alone), which runs the command as its
 * child; the POSIX sh shim (desktop VS Code: Electron as Node) evals what dist/exec.js prints and becomes the
 * command (no Node parent). Both rows, and a breakdown row running the full dist/cli.js instead (what a shim
 * written by an older version runs), in the same rounds. Bundles as the unit tests build them (not minified).
 * Every command is a fresh process timed around spawnSync (warm-up, then N runs interleaved).
 * Run: node --import tsx bench/exec.bench.ts [runs=40]
 * Prints a table and one JSON line.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ENV_IPC_DIR, StorageFiles } from '../src/core/constants';
import { writeShim } from '../src/core/shim';
import { buildCli } from '../test/unit/support/cli';
import { measure, printRows, stats, withServedCli } from './spawnTiming';

const RUNS = Number(process.argv[2] ?? 40);

async function main(): Promise<void> {
  await withServedCli('exec-bench-', async ({ env, shim, run, storage, home }) => {
    const fullCli = await buildCli();
    const ipcDir = path.join(storage, StorageFiles.ipcDir);
    const ipcEnv = { ...env, [ENV_IPC_DIR]: ipcDir };
    // The desktop form (ELECTRON_RUN_AS_NODE=1 is set for the Node runs; plain Node ignores it).
    const dist = path.dirname(fullCli);
    const shShim = await writeShim(path.join(home, 'sh-bin'), { nodePath: process.execPath, cliPath: fullCli, generatePath: path.join(dist, 'generate.js'), execPath: path.join(dist, 'exec.js'), ipcDir, electron: true });
    const check = run(['exec', 'bench', '--', process.execPath, '-e', 'process.stdout.write(String(!!process.env.AWS_SECRET_ACCESS_KEY))']);
    if (check !== 'true') throw new Error(`exec did not pass the credentials to the command (printed ${JSON.stringify(check)})`);

    const rows = measure(
      [
        { name: 'node -e 0 (directly)', file: process.execPath, args: ['-e', '0'], env },
        { name: 'aws-sessions exec bench -- node -e 0', file: shim, args: ['exec', 'bench', '--', process.execPath, '-e', '0'], env },
        { name: 'aws-sessions exec --profile-only bench -- node -e 0', file: shim, args: ['exec', '--profile-only', 'bench', '--', process.execPath, '-e', '0'], env },
        { name: 'sh shim: aws-sessions exec bench -- node -e 0 (the shell becomes the command)', file: shShim, args: ['exec', 'bench', '--', process.execPath, '-e', '0'], env },
        { name: 'breakdown: node cli.js exec bench -- node -e 0 (the full CLI)', file: process.execPath, args: [fullCli, 'exec', 'bench', '--', process.execPath, '-e', '0'], env: ipcEnv },
      ],
      RUNS,
    );
    console.log(`exec benchmark: ${RUNS} runs, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
    const json: Record<string, unknown> = { bench: 'exec', runs: RUNS };
    printRows(rows, json);
    const [direct, exec, profileOnly, viaShell, full] = [...rows.values()].map((s) => stats(s).median);
    const added = (m: number) => +((m - direct) / direct).toFixed(3);
    // The floor (fastest run) of each: under load the medians drift with the other processes, the floors less.
    const [directMin, execMin, , shellMin, fullMin] = [...rows.values()].map((s) => stats(s).min);
    const floors = { exec: +((execMin - directMin) / directMin).toFixed(3), shShim: +((shellMin - directMin) / directMin).toFixed(3), fullCli: +((fullMin - directMin) / directMin).toFixed(3) };
    json.floorAddedVsNode = floors;
    json.fullCliAddedVsNode = { median: added(full), addedMs: +(full - direct).toFixed(2) };
    const ratio = added(exec);
    json.execAddedVsNode = { median: ratio, addedMs: +(exec - direct).toFixed(2), goal: 1.25, met: ratio <= 1.25 };
    json.profileOnlyAddedVsNode = { median: added(profileOnly), addedMs: +(profileOnly - direct).toFixed(2) };
    const shellRatio = added(viaShell);
    json.shShimAddedVsNode = { median: shellRatio, addedMs: +(viaShell - direct).toFixed(2), goal: 1.25, met: shellRatio <= 1.25 };
    json.meetsGoal = ratio <= 1.25 && shellRatio <= 1.25;
    const execRow = stats(rows.get([...rows.keys()][1])!);
    const shellRow = stats(rows.get([...rows.keys()][3])!);
    json.headline = [
      { what: 'aws-sessions exec <session> -- node -e 0 (ratio: time added ÷ node -e 0)', median: +exec.toFixed(2), p95: +execRow.p95.toFixed(2), floor: +direct.toFixed(2), floorWhat: 'node -e 0', ratio, goal: '≤ 1.25× added', met: ratio <= 1.25 },
      { what: 'the same through the sh shim (the shell becomes the command)', median: +viaShell.toFixed(2), p95: +shellRow.p95.toFixed(2), floor: +direct.toFixed(2), floorWhat: 'node -e 0', ratio: shellRatio, goal: '≤ 1.25× added', met: shellRatio <= 1.25 },
    ];
    console.log(`exec adds ${(exec - direct).toFixed(1)} ms = ${ratio}× node -e 0 (goal ≤ 1.25× → ${ratio <= 1.25 ? 'met' : 'NOT met'}); --profile-only adds ${added(profileOnly)}×; the full CLI would add ${added(full)}×`);
    console.log(`sh shim (the shell becomes the command): exec adds ${(viaShell - direct).toFixed(1)} ms = ${shellRatio}× node -e 0 (goal ≤ 1.25× → ${shellRatio <= 1.25 ? 'met' : 'NOT met'})`);
    console.log(`floors: exec adds ${floors.exec}× node -e 0 (sh shim ${floors.shShim}×), the full CLI ${floors.fullCli}×`);
    console.log(JSON.stringify(json));
  });
}

void main();
