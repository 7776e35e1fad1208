/**
 * Benchmark: what one start and one stop cost in the shared state file, at each session count.
 * The core as a window wires it (SessionService on a real FileStateStore in a temp folder, watching the
 * file as every window does), with an in-memory delivery that journals once before its write (as the
 * credential_process delivery does) and a fake STS, so what is measured is the state's share.
 * Floor, measured in the same run and interleaved: one read + JSON.parse + JSON.stringify + atomic write
 * (temp, fsync, rename) of the same file.
 * Counted per start: writes (renames onto sessions.json), whole-file reads, of the state file.
 * Run: node --import tsx bench/start.bench.ts [counts, default 100,10000] [runs, default 15]
 * Goal: a start ≤ 2× the floor at every count.
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SecretKeys } from '../src/core/constants';
import { silentLogger, systemClock } from '../src/core/ports';
import { SessionService } from '../src/core/sessionService';
import { FileStateStore } from '../src/core/stateStore';
import { countIo } from '../test/unit/support/countIo';
import { FakeSts, MemoryDelivery, MemorySecretVault, ScriptedPrompter } from '../test/unit/support/fakes';
import { makeState } from './stateFixture';

const COUNTS = (process.argv[2] ?? '100,10000').split(',').map(Number);
const RUNS = Number(process.argv[3] ?? 15);

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: +at(0.5).toFixed(2), p95: +at(0.95).toFixed(2) };
}

async function floorOnce(file: string): Promise<number> {
  const t0 = performance.now();
  const state = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  const tmp = `${file}.floor.tmp`;
  const fd = await fs.open(tmp, 'w', 0o600);
  await fd.writeFile(JSON.stringify(state));
  await fd.sync();
  await fd.close();
  await fs.rename(tmp, `${file}.floor`);
  return performance.now() - t0;
}

async function run(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'start-bench-'));
  try {
    const file = join(dir, 'sessions.json');
    const state = makeState(count);
    state.active = {};
    await fs.writeFile(file, JSON.stringify(state), { mode: 0o600 });
    const io = countIo(file);
    const store = new FileStateStore({ filePath: file });
    const secrets = new MemorySecretVault();
    const id = state.sessions[2].id; // no MFA (odd ones have one)
    await secrets.store(SecretKeys.accessKeyId(id), 'AKIABENCH00000000001');
    await secrets.store(SecretKeys.secretAccessKey(id), 'benchSecret0000000000000000000000000000');
    const service = new SessionService({ state: store, secrets, sts: new FakeSts(systemClock), prompter: new ScriptedPrompter([]), clock: systemClock, logger: silentLogger, delivery: new MemoryDelivery() });
    const startMs: number[] = [];
    const stopMs: number[] = [];
    const floorMs: number[] = [];
    let perStart = { reads: 0, writes: 0 };
    let perStop = { reads: 0, writes: 0 };
    await store.read();
    await new Promise((r) => setTimeout(r, 100)); // the watcher's baseline
    for (let i = 0; i < RUNS + 2; i++) {
      const f = await floorOnce(file);
      io.reset();
      let t0 = performance.now();
      await service.lifecycle.start(id);
      const s = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 80)); // what the watcher does after the write (reads it causes count)
      perStart = { reads: io.reads, writes: io.writes };
      io.reset();
      t0 = performance.now();
      await service.lifecycle.stop(id);
      const p = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 80));
      perStop = { reads: io.reads, writes: io.writes };
      if (i >= 2) {
        floorMs.push(f);
        startMs.push(s);
        stopMs.push(p);
      }
    }
    service.dispose();
    store.dispose();
    const size = (await fs.stat(file)).size;
    return { count, size, floor: stats(floorMs), start: stats(startMs), stop: stats(stopMs), perStart, perStop };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
const results = [];
for (const count of COUNTS) results.push(await run(count));
console.log(`start/stop in the shared state file, ${RUNS} runs each`);
console.log('| sessions | file KB | floor ms (read+parse+write) | start ms | start ÷ floor | stop ms | stop ÷ floor | writes/reads per start | per stop |\n|---:|---:|---:|---:|---:|---:|---:|---|---|');
for (const r of results) {
  console.log(
    `| ${r.count} | ${(r.size / 1024).toFixed(0)} | ${r.floor.median} | ${r.start.median} | ${(r.start.median / r.floor.median).toFixed(2)}× | ${r.stop.median} | ${(r.stop.median / r.floor.median).toFixed(2)}× | ${r.perStart.writes} / ${r.perStart.reads} | ${r.perStop.writes} / ${r.perStop.reads} |`,
  );
}
const io = (r: Awaited<ReturnType<typeof run>>, what: 'start' | 'stop') => (what === 'start' ? r.perStart : r.perStop);
const headline = results.flatMap((r) =>
  (['start', 'stop'] as const).map((what) => ({ what: `${what} of a session (${io(r, what).writes} writes, ${io(r, what).reads} reads of the file)`, size: `${r.count} sessions`, median: r[what].median, p95: r[what].p95, floor: r.floor.median, floorWhat: 'one read + parse + write of the file', ratio: +(r[what].median / r.floor.median).toFixed(2), goal: '≤ 2× floor', met: r[what].median <= 2 * r.floor.median })),
);
console.log(JSON.stringify({ bench: 'start', headline, size: COUNTS.map((c) => `${c}`).join(', ') + ' sessions', results: results.map((r) => ({ ...r, ratio: +(r.start.median / r.floor.median).toFixed(2), goal: 2, meetsGoal: r.start.median <= 2 * r.floor.median })) }));
}

void main();
