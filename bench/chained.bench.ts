/**
 * Benchmark: from "start" to credentials written, for a chained session three deep
 * (IAM User → role → role → role) on the local AWS double, through the real SDK, SigV4 verification,
 * the credentials-file delivery (lock, atomic write) and the file state store.
 * Floor, measured in the same run: one STS GetCallerIdentity round trip through the same SDK path.
 * Run: node --import tsx bench/chained.bench.ts [runs]. Prints a table and one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SessionService } from '../src/core/sessionService';
import { SdkStsGateway } from '../src/core/aws/sts';
import { AwsFiles } from '../src/core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from '../src/core/fileDelivery';
import { fileLock } from '../src/core/fileLock';
import { FileStateStore } from '../src/core/stateStore';
import { silentLogger, systemClock } from '../src/core/ports';
import { startLocalAws } from '../test/double';
import { MemorySecretVault, ScriptedPrompter } from '../test/unit/support/fakes';

const RUNS = Number(process.argv[2] ?? 30);

function stats(samples: number[]): { median: number; p95: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: s[0] };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chained-bench-'));
  const aws = await startLocalAws();
  try {
    const bob = aws.user('bob');
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const state = new FileStateStore({ filePath: path.join(dir, 'sessions.json'), lockPath: path.join(dir, 'state.lock') });
    const files = new AwsFiles({ env: { AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AWS_CONFIG_FILE: path.join(dir, 'config') }, homeDir: dir, lock: fileLock(path.join(dir, 'aws.lock')) });
    const secrets = new MemorySecretVault();
    const service = new SessionService({ state, secrets, sts, prompter: new ScriptedPrompter(), clock: systemClock, logger: silentLogger, delivery: new CredentialsFileDelivery(files) });
    const user = await service.editor.save('iamUser', { alias: 'bob', profile: 'bob', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    let assumer = user.id;
    for (const n of [1, 2, 3]) {
      assumer = (await service.editor.save('iamRoleChained', { alias: `hop${n}`, profile: `hop${n}`, region: 'us-east-1', roleArn: `arn:aws:iam::111111111111:role/Hop${n}`, assumerSessionId: assumer })).id;
    }
    const deepest = assumer;

    const floor: number[] = [];
    const warm: number[] = [];
    const cold: number[] = [];
    const credsOnly: number[] = [];
    const userCreds = { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey };
    for (let i = 0; i < 3; i++) {
      await sts.getCallerIdentity({ credentials: userCreds, region: 'us-east-1' });
      await service.lifecycle.start(deepest);
      await service.lifecycle.stop(deepest);
    }
    for (let i = 0; i < RUNS; i++) {
      let t0 = performance.now();
      await sts.getCallerIdentity({ credentials: userCreds, region: 'us-east-1' });
      floor.push(performance.now() - t0);

      t0 = performance.now();
      await service.lifecycle.start(deepest); // IAM User token cached: 3 × AssumeRole + delivery
      warm.push(performance.now() - t0);
      await service.lifecycle.stop(deepest);

      t0 = performance.now();
      await service.resolver.credentials(deepest); // the 3 AssumeRole hops alone, no state or file writes
      credsOnly.push(performance.now() - t0);

      await secrets.delete(`aws-sessions/${user.id}/sessionCredentials`);
      t0 = performance.now();
      await service.lifecycle.start(deepest); // no cached token: GetSessionToken + 3 × AssumeRole + delivery
      cold.push(performance.now() - t0);
      await service.lifecycle.stop(deepest);
    }
    const f = stats(floor);
    const w = stats(warm);
    const c = stats(cold);
    const k = stats(credsOnly);
    const row = (name: string, s: { median: number; p95: number; min: number }) =>
      `${name.padEnd(52)} ${s.median.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)} ${s.min.toFixed(1).padStart(8)} ${(s.median / f.median).toFixed(1).padStart(7)}×`;
    console.log(`chained session three deep, start → credentials written (${RUNS} runs, ms)`);
    console.log(`${'measure'.padEnd(52)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'min'.padStart(8)} ${'/floor'.padStart(8)}`);
    console.log(row('floor: one GetCallerIdentity round trip (SDK)', f));
    console.log(row('credentials only (3 AssumeRole, no writes)', k));
    console.log(row('start, IAM User token cached (3 AssumeRole)', w));
    console.log(row('start, no cached token (GetSessionToken + 3 AssumeRole)', c));
    console.log(
      JSON.stringify({
        bench: 'chained',
        headline: { what: 'start of a chained session three deep, IAM User token cached', median: +w.median.toFixed(2), p95: +w.p95.toFixed(2), floor: +f.median.toFixed(2), floorWhat: 'one GetCallerIdentity round trip', ratio: +(w.median / f.median).toFixed(2) },
        runs: RUNS,
        floorMedianMs: +f.median.toFixed(2),
        warmMedianMs: +w.median.toFixed(2),
        warmP95Ms: +w.p95.toFixed(2),
        coldMedianMs: +c.median.toFixed(2),
        coldP95Ms: +c.p95.toFixed(2),
        credentialsOnlyMedianMs: +k.median.toFixed(2),
        warmOverFloor: +(w.median / f.median).toFixed(2),
      }),
    );
    state.dispose();
  } finally {
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
