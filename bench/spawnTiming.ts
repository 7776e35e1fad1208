/** Timing of fresh processes for the benchmarks (hyperfine-like), and the local AWS double as a process. */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReadyLine } from '../test/double';

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
