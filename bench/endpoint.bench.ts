/**
 * Benchmark: the container credentials endpoint.
 *  1. `aws sts get-caller-identity` (the real AWS CLI against the local AWS double), same run, interleaved:
 *     static keys in the credentials file (the floor) vs the endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI + token)
 *     vs credential_process (the shim and the IPC endpoint of a process wired like the extension). Goal: the
 *     endpoint's median ≤ 1.03× the floor.
 *  3. `aws-sessions exec <session> -- node -e 0` vs `node -e 0`: what exec adds, against the floor (goal ≤ 1.25×).
 *  2. A burst of 200 concurrent requests to the endpoint: p50/p99, failures, AWS calls made — warm (credentials in
 *     memory: 0 expected) and cold (memory and vault cache dropped, 4 sessions: 1 per session expected).
 * Every CLI run is a fresh process (async spawn, so this process's endpoint keeps serving while it runs).
 * Run: node --import tsx bench/endpoint.bench.ts [awsRuns=20] [burst=200]
 * Prints a table and one JSON line.
 */
import { execFile } from 'node:child_process';
import { request, Agent } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchHome } from './awsHome';
import { ContainerCredentialsEndpoint, type ContainerVariables } from '../src/core/containerEndpoint';
import { ContainerEnv, StorageFiles } from '../src/core/constants';
import { clearCachedCredentials } from '../src/core/credentialCache';
import { SdkStsGateway } from '../src/core/aws/sts';
import { silentLogger, systemClock } from '../src/core/ports';
import { SessionService } from '../src/core/sessionService';
import { startLocalAws } from '../test/double';
import { spawnServer, stopServer } from '../test/unit/support/cli';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, ScriptedPrompter } from '../test/unit/support/fakes';

const AWS_RUNS = Number(process.argv[2] ?? 20);
const BURST = Number(process.argv[3] ?? 200);
const AWS = '/usr/bin/aws';

function stats(samples: number[]): { p50: number; p95: number; p99: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), min: s[0] };
}

interface Cmd {
  name: string;
  /** Default: the AWS CLI. */
  file?: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function once(c: Cmd): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) =>
    execFile(c.file ?? AWS, c.args, { env: c.env }, (error, _stdout, stderr) => (error ? reject(new Error(`${c.name}: ${stderr}`)) : resolve(performance.now() - t0))),
  );
}

async function measure(cmds: Cmd[], runs: number): Promise<Map<string, number[]>> {
  for (const c of cmds) for (let i = 0; i < 3; i++) await once(c);
  const out = new Map(cmds.map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < runs; i++) for (const c of cmds) out.get(c.name)!.push(await once(c));
  return out;
}

/** `n` concurrent GETs with the token; latencies of the successful ones and the failures. */
async function burst(targets: ContainerVariables[], n: number): Promise<{ latencies: number[]; failures: number }> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const one = (v: ContainerVariables) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = request(v[ContainerEnv.fullUri], { agent, headers: { Authorization: v[ContainerEnv.token] } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => (res.statusCode === 200 && body.includes('"Token"') ? resolve(performance.now() - t0) : reject(new Error(`${res.statusCode} ${body}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => one(targets[i % targets.length])));
  agent.destroy();
  return { latencies: settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])), failures: settled.filter((r) => r.status === 'rejected').length };
}

async function main(): Promise<void> {
  const { home, env } = benchHome('endpoint-bench-', { AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' });
  const aws = await startLocalAws({ sso: false });
  const storage = path.join(home, 'storage');
  const server = await spawnServer(storage, { ...env, SERVE_STS_ENDPOINT: aws.endpoint, SERVE_MODE: 'credentialProcess' });
  const state = new MemoryStateStore();
  const secrets = new MemorySecretVault();
  const service = new SessionService({ state, secrets, sts: new SdkStsGateway({ endpoint: () => aws.endpoint }), prompter: new ScriptedPrompter(), clock: systemClock, logger: silentLogger, delivery: new MemoryDelivery() });
  const endpoint = new ContainerCredentialsEndpoint({ resolver: service.resolver, state, logger: silentLogger });
  try {
    await server.serving;
    const bob = aws.user('bob');
    const ids: string[] = [];
    for (const alias of ['a', 'b', 'c', 'd']) {
      const s = await service.editor.save('iamUser', { alias, profile: alias, region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
      await service.lifecycle.start(s.id);
      ids.push(s.id);
    }
    const vars = await Promise.all(ids.map((id) => endpoint.variables(id)));
    const creds = await service.resolver.credentialsForProcess(ids[0]);
    // credential_process: a session of the spawned server, its profile in the config file.
    const shim = path.join(storage, StorageFiles.binDir, 'aws-sessions');
    const cli = (args: string[], input = '') =>
      new Promise<string>((resolve, reject) => execFile(shim, args, { env }, (e, out, err) => (e ? reject(new Error(err)) : resolve(out))).stdin?.end(input));
    await cli(['add', '--type', 'iamUser', '--alias', 'proc', '--profile', 'proc', '--region', 'us-east-1', '--json'], `${bob.accessKeyId}\n${bob.secretAccessKey}\n`);
    await cli(['start', 'proc']);
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, `[static]\naws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\naws_session_token = ${creds.sessionToken}\n`, { mode: 0o600 });

    const args = ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'];
    const cliRuns = await measure(
      [
        { name: 'static keys in the credentials file (floor)', args, env: { ...env, AWS_PROFILE: 'static' } },
        { name: 'credentials endpoint (no profile)', args, env: { ...env, ...vars[0] } },
        { name: 'credential_process', args, env: { ...env, AWS_PROFILE: 'proc' } },
      ],
      AWS_RUNS,
    );

    const execRuns = await measure(
      [
        { name: 'floor: node -e 0', file: process.execPath, args: ['-e', '0'], env },
        { name: 'aws-sessions exec proc -- node -e 0', file: shim, args: ['exec', 'proc', '--', process.execPath, '-e', '0'], env },
      ],
      AWS_RUNS,
    );

    const issued = () => aws.state.callLog().filter((c) => c.status === 200 && c.action === 'GetSessionToken').length;
    let before = issued();
    const warm = await burst(vars.slice(0, 1), BURST);
    const warmCalls = issued() - before;
    // Cold: what this process holds and the vault's cached tokens are gone; 4 sessions share the burst.
    for (const id of ids) {
      await service.resolver.forgetAll(id);
      await clearCachedCredentials(secrets, id);
    }
    before = issued();
    const cold = await burst(vars, BURST);
    const coldCalls = issued() - before;

    console.log(`credentials endpoint benchmark: ${AWS_RUNS} AWS CLI runs each, burst ${BURST}, node ${process.version}, ${os.cpus().length} CPUs`);
    console.log('| command | p50 ms | p95 ms | min ms |');
    console.log('|---|---:|---:|---:|');
    const json: Record<string, unknown> = { bench: 'endpoint', awsRuns: AWS_RUNS, burst: BURST };
    for (const [name, samples] of cliRuns) {
      const s = stats(samples);
      console.log(`| aws sts get-caller-identity, ${name} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.min.toFixed(1)} |`);
      json[name] = { median: +s.p50.toFixed(2), p95: +s.p95.toFixed(2) };
    }
    const [floor, viaEndpoint, viaProcess] = [...cliRuns.values()].map((s) => stats(s).p50);
    const ratio = +(viaEndpoint / floor).toFixed(3);
    json.endpointVsStatic = { median: ratio, goal: 1.03, met: ratio <= 1.03 };
    json.headline = [{ what: 'aws sts get-caller-identity through the credentials endpoint', median: +viaEndpoint.toFixed(2), p95: +stats([...cliRuns.values()][1]).p95.toFixed(2), floor: +floor.toFixed(2), floorWhat: 'static keys in the credentials file', ratio, goal: '≤ 1.03× floor', met: ratio <= 1.03 }];
    json.processVsStatic = { median: +(viaProcess / floor).toFixed(3) };
    console.log(`endpoint / static: median ${ratio}× (goal ≤ 1.03× → ${ratio <= 1.03 ? 'met' : 'NOT met'}); credential_process / static: ${(viaProcess / floor).toFixed(3)}×`);
    const [nodeFloor, viaExec] = [...execRuns.values()].map((x) => stats(x).p50);
    const added = +((viaExec - nodeFloor) / nodeFloor).toFixed(3);
    console.log(`| node -e 0 (floor) | ${nodeFloor.toFixed(1)} | | |\n| aws-sessions exec proc -- node -e 0 | ${viaExec.toFixed(1)} | | |`);
    console.log(`exec adds ${(viaExec - nodeFloor).toFixed(1)} ms = ${added}× node -e 0 (goal ≤ 1.25× → ${added <= 1.25 ? 'met' : 'NOT met'})`);
    json.execAddedVsNode = { ratio: added, floorMs: +nodeFloor.toFixed(2), execMs: +viaExec.toFixed(2), goal: 1.25, met: added <= 1.25 };
    for (const [label, r, calls, sessions] of [
      ['warm (in memory), 1 session', warm, warmCalls, 1],
      ['cold (nothing cached), 4 sessions', cold, coldCalls, 4],
    ] as const) {
      const s = stats(r.latencies);
      console.log(`burst ${BURST}, ${label}: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ${r.failures} failures, ${calls} AWS calls (goal ≤ ${sessions === 1 ? 0 : sessions})`);
      json[`burst ${label}`] = { p50: +s.p50.toFixed(2), p99: +s.p99.toFixed(2), failures: r.failures, awsCalls: calls };
      const allowed = sessions === 1 ? 0 : sessions;
      (json.headline as object[]).push({ what: `burst of ${BURST} requests, ${label}: ${r.failures} failures, ${calls} AWS calls (p99 in the p95 column)`, median: +s.p50.toFixed(2), p95: +s.p99.toFixed(2), goal: `0 failures, ≤ ${allowed} AWS calls`, met: r.failures === 0 && calls <= allowed });
    }
    console.log(JSON.stringify(json));
  } finally {
    endpoint.dispose();
    await stopServer(server);
    await aws.close();
    rmSync(home, { recursive: true, force: true });
  }
}

void main();
