/**
 * Benchmark: one owned-section edit of a 20,000-line ~/.aws/config (5,000 profiles).
 * Run: node --import tsx bench/ini.bench.ts [runs]
 * Prints a table and one JSON line. Goal: the full locked, atomic edit under 50 ms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AwsFiles } from '../src/core/awsFiles/awsFiles';
import { IniDocument } from '../src/core/awsFiles/iniEdit';
import { applyOwned, OwnedKeys } from '../src/core/awsFiles/ownership';
import { fileLock } from '../src/core/fileLock';

const RUNS = Number(process.argv[2] ?? 30);
const PROFILES = 5000;

function makeConfig(): string {
  const lines: string[] = ['# generated for the benchmark', '[default]', 'region = us-east-1', ''];
  for (let i = 1; i < PROFILES; i++) lines.push(`[profile team-${i}]`, `region = eu-west-${i % 3}`, `output = json`, '');
  return lines.slice(0, 20_000).join('\n') + '\n';
}

function stats(samples: number[]): { median: number; p95: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: s[0] };
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ini-bench-'));
  try {
    const text = makeConfig();
    const configPath = path.join(dir, 'config');
    writeFileSync(configPath, text, { mode: 0o600 });
    const lineCount = text.split('\n').length - 1;
    const target = `team-${PROFILES / 2}`;

    let n = 0;
    const parse = await time(() => IniDocument.parse(text));

    let owned: OwnedKeys | undefined;
    let mem = text;
    const inMemory = await time(() => {
      const r = applyOwned(mem, 'config', target, { region: `ap-south-${n++ % 2}`, credential_process: 'aws-sessions generate x' }, owned);
      mem = r.text;
      owned = r.owned;
    });

    const files = new AwsFiles({ env: { AWS_CONFIG_FILE: configPath }, homeDir: dir, lock: fileLock(path.join(dir, 'aws-files.lock')) });
    let ownedFile: OwnedKeys | undefined;
    const full = await time(async () => {
      ownedFile = await files.applyConfig(target, { region: `ap-south-${n++ % 2}`, credential_process: 'aws-sessions generate x' }, ownedFile);
    });

    const floor = await time(() => {
      const t = readFileSync(configPath, 'utf8');
      writeFileSync(configPath + '.floor', t);
    });

    const rows: Array<[string, number[]]> = [
      ['parse only', parse],
      ['parse + apply + serialize (memory)', inMemory],
      ['AwsFiles.applyConfig (lock, read, edit, temp+fsync+rename)', full],
      ['floor: readFileSync + writeFileSync', floor],
    ];
    console.log(`INI benchmark: ${lineCount} lines, ${PROFILES} profiles, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${RUNS} runs, node ${process.version}`);
    console.log('| step | median ms | p95 ms | min ms |');
    console.log('|---|---:|---:|---:|');
    const json: Record<string, unknown> = { bench: 'ini', lines: lineCount, profiles: PROFILES, runs: RUNS };
    for (const [name, samples] of rows) {
      const s = stats(samples);
      console.log(`| ${name} | ${s.median.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.min.toFixed(2)} |`);
      json[name] = { median: +s.median.toFixed(3), p95: +s.p95.toFixed(3) };
    }
    const fullStats = stats(full);
    json.goalMs = 50;
    json.meetsGoal = fullStats.p95 < 50;
    console.log(`goal: full edit p95 < 50 ms → ${fullStats.p95 < 50 ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify(json));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
