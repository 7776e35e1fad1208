/**
 * Benchmark: "Import from ~/.aws" and the credentials doctor on big files — a 20,000-line config
 * (5,000 profiles: roles, SSO, credential_process, plain) and a credentials file with 2,500 static-key
 * profiles. Measures the import plan (parse both, index, plan every profile, compute the key-removal
 * text), the preview, the apply of the removal (lock, compare, backup, atomic write), and the doctor's
 * file pass; against a floor of reading and writing the same bytes.
 * Run: node --import tsx bench/import.bench.ts [runs]. Prints a table and one JSON line. Goal: plan < 50 ms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AwsFiles } from '../src/core/awsFiles/awsFiles';
import { fileLock } from '../src/core/fileLock';
import { buildImportPlan, importable } from '../src/core/import/plan';
import { importPreview } from '../src/core/import/preview';
import { diagnose } from '../src/core/doctor/doctor';
import { emptyState } from '../src/core/model';

const RUNS = Number(process.argv[2] ?? 20);
const PROFILES = 5000;
const KEYED = 2500;

function key(i: number): string {
  return `AKIA${String(i).padStart(16, '0')}`;
}

function makeFiles(): { config: string; credentials: string } {
  const config: string[] = ['# generated for the benchmark', '[default]', 'region = us-east-1', ''];
  for (let i = 1; i < PROFILES; i++) {
    const kind = i % 4;
    if (kind === 0) config.push(`[profile team-${i}]`, `role_arn = arn:aws:iam::${String(100000000000 + i)}:role/Dev`, `source_profile = team-${i - 1}`, '');
    else if (kind === 1) config.push(`[profile team-${i}]`, `sso_session = corp`, `sso_account_id = ${String(100000000000 + i)}`, '');
    else if (kind === 2) config.push(`[profile team-${i}]`, `credential_process = /usr/bin/tool ${i}`, `region = eu-west-1`, '');
    else config.push(`[profile team-${i}]`, `region = eu-west-${i % 3 + 1}`, `output = json`, '');
  }
  config.push('[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', '');
  const credentials: string[] = ['# keys'];
  for (let i = 0; i < KEYED; i++) credentials.push(`[keys-${i}]`, `aws_access_key_id = ${key(i)}`, `aws_secret_access_key = ${'s'.repeat(36)}${String(i).padStart(4, '0')}`, '');
  return { config: config.slice(0, 20_004).join('\n') + '\n', credentials: credentials.join('\n') + '\n' };
}

function stats(samples: number[]): { median: number; p95: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: s[0] };
}

async function time(fn: () => unknown | Promise<unknown>, runs = RUNS): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'import-bench-'));
  try {
    const { config, credentials } = makeFiles();
    const configPath = path.join(dir, 'config');
    const credentialsPath = path.join(dir, 'credentials');
    writeFileSync(configPath, config, { mode: 0o600 });
    writeFileSync(credentialsPath, credentials, { mode: 0o600 });
    const files = new AwsFiles({ env: { AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath }, homeDir: dir, lock: fileLock(path.join(dir, 'lock')) });
    const input = { configText: config, credentialsText: credentials, configPath, credentialsPath, state: emptyState('d') };

    const plan = buildImportPlan(input);
    const planTimes = await time(() => buildImportPlan(input));
    const previewTimes = await time(() => importPreview(plan, { backupSuffix: '.bak' }));
    let round = 0;
    const applyTimes = await time(async () => {
      // Each run removes the keys from a fresh copy, as one accepted import does.
      writeFileSync(credentialsPath, credentials, { mode: 0o600 });
      const ok = await files.replaceIfUnchanged('credentials', credentials, plan.keyRemoval[0].after, `${credentialsPath}.bak-${round++}`);
      if (!ok) throw new Error('unexpected change');
    });
    const doctorTimes = await time(() =>
      diagnose({
        environment: {
          envs: { terminal: { HOME: dir, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath, AWS_PROFILE: `team-${PROFILES - 1}` }, workspace: { HOME: dir, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath } },
          homeDir: dir,
          cwd: dir,
          readFile: async (p) => (p === configPath ? config : p === credentialsPath ? credentials : undefined),
          now: () => Date.now(),
          stsDate: async () => new Date(),
          runProcess: async () => ({ exitCode: 0, stdout: '{}', stderr: '' }),
        },
        managed: [],
      }),
    );
    const floor = await time(() => {
      const a = readFileSync(configPath, 'utf8');
      const b = readFileSync(credentialsPath, 'utf8');
      writeFileSync(configPath + '.floor', a);
      writeFileSync(credentialsPath + '.floor', b);
    });

    const lines = config.split('\n').length - 1;
    const credLines = credentials.split('\n').length - 1;
    console.log(`Import benchmark: config ${lines} lines (${PROFILES} profiles, ${(config.length / 1024).toFixed(0)} KiB) + credentials ${credLines} lines (${KEYED} key pairs); plan: ${importable(plan)} importable, ${plan.keyRemoval[0].removed.length} lines to remove; ${RUNS} runs, node ${process.version}`);
    console.log('| step | median ms | p95 ms | min ms |');
    console.log('|---|---:|---:|---:|');
    const rows: Array<[string, number[]]> = [
      ['import plan (parse both, index, plan, removal text)', planTimes],
      ['preview markdown', previewTimes],
      ['apply key removal (lock, compare, backup, temp+fsync+rename)', applyTimes],
      ['doctor (both scopes, both files)', doctorTimes],
      ['floor: read + write both files', floor],
    ];
    const json: Record<string, unknown> = { bench: 'import', configLines: lines, credentialsLines: credLines, profiles: PROFILES, runs: RUNS };
    for (const [name, samples] of rows) {
      const s = stats(samples);
      console.log(`| ${name} | ${s.median.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.min.toFixed(2)} |`);
      json[name] = { median: +s.median.toFixed(3), p95: +s.p95.toFixed(3) };
    }
    const p95 = stats(planTimes).p95;
    const floorMedian = stats(floor).median;
    json.size = `${PROFILES} profiles, ${KEYED} key pairs`;
    json.headline = {
      what: 'import plan (p95 is the goal)',
      median: +stats(planTimes).median.toFixed(2),
      p95: +p95.toFixed(2),
      floor: +floorMedian.toFixed(2),
      floorWhat: 'read + write both files',
      ratio: +(stats(planTimes).median / floorMedian).toFixed(2),
      goal: 'p95 < 50 ms',
    };
    json.goalMs = 50;
    json.meetsGoal = p95 < 50;
    console.log(`goal: import plan p95 < 50 ms → ${p95 < 50 ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify(json));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
