/** Timing of fresh processes for the benchmarks (hyperfine-like), and the local AWS double as a process. */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import type { ReadyLine } from '../test/double';
import { benchHome } from './awsHome';
import { StorageFiles } from '../src/core/constants';
import { spawnServer, stopServer } from '../test/unit/support/cli';

export function stats(samples: number[]): { median: number; p95: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: s[0] };
}

export interface Cmd {
  name: string;
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export function once(c: Cmd): number {
  const t0 = performance.now();
  const r = spawnSync(c.file, c.args, { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.name} failed (${r.status}): ${r.stderr.toString()}`);
  return ms;
}

/** Warm-up 3 runs each, then `runs` rounds running every command once per round (interleaved, so drift hits all alike). */
export function measure(cmds: Cmd[], runs: number): Map<string, number[]> {
  for (const c of cmds) for (let i = 0; i < 3; i++) once(c);
  const out = new Map(cmds.map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < runs; i++) for (const c of cmds) out.get(c.name)!.push(once(c));
  return out;
}

/** The local AWS double in a process of its own, and how to stop it. */
export async function startDouble(): Promise<{ ready: ReadyLine; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/double/main.ts'), '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as ReadyLine);
    });
    child.on('exit', (code) => reject(new Error(`local AWS double exited (${code})`)));
  });
  return { ready, stop: () => child.kill('SIGTERM') };
}

/** A CLI endpoint served like the extension's (credential_process mode) against the double, with an IAM User session `bench` started. */
export interface ServedCli {
  home: string;
  env: NodeJS.ProcessEnv;
  storage: string;
  double: { ready: ReadyLine };
  /** The aws-sessions shim. */
  shim: string;
  sessionId: string;
  /** Runs the shim with `args`; its stdout (throws on a non-zero exit). */
  run(args: string[], input?: string): string;
}

/** Sets up a {@link ServedCli}, runs `body`, and removes everything again. */
export async function withServedCli(prefix: string, body: (cli: ServedCli) => Promise<void>): Promise<void> {
  const { home, env } = benchHome(prefix);
  const double = await startDouble();
  const storage = path.join(home, 'storage');
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
    const session = JSON.parse(run(['add', '--type', 'iamUser', '--alias', 'bench', '--profile', 'bench', '--region', 'us-east-1', '--json'], `${user.accessKeyId}\n${user.secretAccessKey}\n`)) as { id: string };
    run(['start', 'bench']);
    await body({ home, env, storage, double, shim, sessionId: session.id, run });
  } finally {
    await stopServer(server);
    double.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Prints the table of every command's median, p95 and min, and puts each into `json`. */
export function printRows(rows: Map<string, number[]>, json: Record<string, unknown>): void {
  console.log('| command | median ms | p95 ms | min ms |');
  console.log('|---|---:|---:|---:|');
  for (const [name, samples] of rows) {
    const s = stats(samples);
    console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.min.toFixed(1)} |`);
    json[name] = { median: +s.median.toFixed(2), p95: +s.p95.toFixed(2) };
  }
}
