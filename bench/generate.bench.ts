/**
 * Benchmark: credential_process cost.
 *  1. `aws-sessions generate <id>` through the shim, with the endpoint served by a running process wired
 *     like the extension (test/support/ipcServe.ts, bundled) and valid credentials in its memory,
 *     against the floor `node -e 0` (same Node, same machine, same run). Goal: median ≤ 1.25× the floor.
 *  2. `aws sts get-caller-identity` (the real AWS CLI, against the local AWS double) with credential_process,
 *     against the same command with the same credentials written statically in the credentials file.
 *     Goal: median ≤ 1.15×.
 * Breakdown rows (not goals): the lean generate bundle without the shim, and a bare socket client that does the
 * handshake but no timeout, retry, trust or seal check, the least a Node process on this endpoint can cost.
 * Every command is a fresh process timed around spawnSync (hyperfine-like: warm-up, then N runs interleaved).
 * Run: node --import tsx bench/generate.bench.ts [runs=40] [awsRuns=20]
 * Prints a table and one JSON line.
 */
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measure, printRows, stats, withServedCli } from './spawnTiming';
import { ENV_IPC_DIR, IpcFiles, StorageFiles } from '../src/core/constants';
import { buildCli } from '../test/unit/support/cli';

const RUNS = Number(process.argv[2] ?? 40);
const AWS_RUNS = Number(process.argv[3] ?? 20);
const AWS = '/usr/bin/aws';

const BARE_CLIENT = `const net = require('node:net'), fs = require('node:fs'), c = require('node:crypto'), [dir, id] = process.argv.slice(2);
const { socket, token } = JSON.parse(fs.readFileSync(dir + '/${IpcFiles.endpoint}', 'utf8'));
const mac = (...p) => c.createHmac('sha256', token).update(p.join('\\0')).digest('base64url');
const frame = (o) => { const b = Buffer.from(JSON.stringify(o)), h = Buffer.alloc(4); h.writeUInt32BE(b.length); return Buffer.concat([h, b]); };
const cn = c.randomBytes(32).toString('base64url'), s = net.createConnection(socket);
s.on('connect', () => s.write(frame({ v: 2, hello: cn })));
let buf = Buffer.alloc(0), sn;
s.on('data', (d) => { buf = Buffer.concat([buf, d]); while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) { const n = buf.readUInt32BE(0), m = JSON.parse(buf.subarray(4, 4 + n)); buf = buf.subarray(4 + n);
  if (!sn) { sn = m.nonce; s.write(frame({ v: 2, proof: mac('aws-sessions client', cn, sn), method: 'generate', params: { session: id } })); } else { fs.writeSync(1, m.reply + '\\n'); s.destroy(); } } });
`;

async function main(): Promise<void> {
  await withServedCli('generate-bench-', async ({ home, env, storage, double, shim, sessionId, run }) => {
    const generateBundle = path.join(path.dirname(await buildCli()), 'generate.js');
    const bareClient = path.join(home, 'bare-client.js');
    writeFileSync(bareClient, BARE_CLIENT);
    const ipcDir = path.join(storage, StorageFiles.ipcDir);
    const session = { id: sessionId };
    const creds = JSON.parse(run(['generate', session.id])) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, `[static]\naws_access_key_id = ${creds.AccessKeyId}\naws_secret_access_key = ${creds.SecretAccessKey}\naws_session_token = ${creds.SessionToken}\n`, { mode: 0o600 });

    const gen = measure(
      [
        { name: 'floor: node -e 0', file: process.execPath, args: ['-e', '0'], env },
        { name: 'aws-sessions generate <id> (shim, memory)', file: shim, args: ['generate', session.id], env },
        // Breakdown, not part of the goal: the lean bundle without the shim, and the least any Node client of this
        // socket can cost (no timeout, no retry, no reply check: a floor for the design, not something to ship).
        { name: 'breakdown: node generate.js generate <id> (no shim)', file: process.execPath, args: [generateBundle, 'generate', session.id], env: { ...env, [ENV_IPC_DIR]: ipcDir } },
        { name: 'breakdown: bare handshake client', file: process.execPath, args: [bareClient, ipcDir, session.id], env },
      ],
      RUNS,
    );
    const awsArgs = (profile: string) => ['sts', 'get-caller-identity', '--endpoint-url', double.ready.endpoint, '--profile', profile, '--region', 'us-east-1', '--output', 'json'];
    const cli = measure(
      [
        { name: 'aws sts get-caller-identity, static keys in credentials file', file: AWS, args: awsArgs('static'), env },
        { name: 'aws sts get-caller-identity via credential_process', file: AWS, args: awsArgs('bench'), env },
      ],
      AWS_RUNS,
    );

    const rows = [...gen, ...cli];
    console.log(`credential_process benchmark: ${RUNS} runs (generate), ${AWS_RUNS} runs (AWS CLI), node ${process.version}, ${os.cpus().length} CPUs`);
    const json: Record<string, unknown> = { bench: 'generate', runs: RUNS, awsRuns: AWS_RUNS };
    printRows(new Map(rows), json);
    const ratio = (a: number[], b: number[]) => ({ median: +(stats(a).median / stats(b).median).toFixed(3), p95: +(stats(a).p95 / stats(b).p95).toFixed(3) });
    const [floor, generate] = [...gen.values()].slice(0, 2);
    const [staticKeys, process_] = [...cli.values()];
    const g = ratio(generate, floor);
    const a = ratio(process_, staticKeys);
    json.generateVsFloor = { ...g, goal: 1.25, met: g.median <= 1.25 };
    json.awsProcessVsStatic = { ...a, goal: 1.15, met: a.median <= 1.15 };
    json.headline = [
      { what: 'aws-sessions generate <id> (credential_process)', median: +stats(generate).median.toFixed(2), p95: +stats(generate).p95.toFixed(2), floor: +stats(floor).median.toFixed(2), floorWhat: 'node -e 0', ratio: g.median, goal: '≤ 1.25× floor', met: g.median <= 1.25 },
      { what: 'aws sts get-caller-identity via credential_process', median: +stats(process_).median.toFixed(2), p95: +stats(process_).p95.toFixed(2), floor: +stats(staticKeys).median.toFixed(2), floorWhat: 'static keys in the credentials file', ratio: a.median, goal: '≤ 1.15× floor', met: a.median <= 1.15 },
    ];
    console.log(`generate / floor: median ${g.median}×, p95 ${g.p95}× (goal ≤ 1.25× → ${g.median <= 1.25 ? 'met' : 'NOT met'})`);
    console.log(`AWS CLI credential_process / static: median ${a.median}×, p95 ${a.p95}× (goal ≤ 1.15× → ${a.median <= 1.15 ? 'met' : 'NOT met'})`);
    console.log(JSON.stringify(json));
  });
}

void main();
