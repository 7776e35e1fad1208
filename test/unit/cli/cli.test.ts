/**
 * The CLI through the shim against the endpoint served by a separate Node process (wired like the
 * extension), the local AWS double and the real AWS CLI reading credential_process.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalAws, type LocalAws } from '../../double';
import { spawnServer, stopServer, type ServerProcess } from '../support/cli';
import { tempDir } from '../support/tempDirs';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

const FOREIGN_CONFIG = '# mine\n[profile prod]\nregion = eu-central-1 ; keep\noutput = json\n\n[profile dev]\noutput = text\n';

describe('aws-sessions CLI with credential_process', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let home: string;
  let storage: string;
  let shim: string;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  // Asynchronous on purpose: the double runs in this process and must keep answering meanwhile.
  const exec = (file: string, args: string[], e: Record<string, string>, input?: string) =>
    new Promise<Ran>((resolve) => {
      const child = spawn(file, args, { env: e, timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  const cli = (args: string[], input?: string) => exec(shim, args, env, input);
  const awsCli = (profile: string) => exec('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], { ...env, AWS_PROFILE: profile });

  before(async () => {
    aws = await startLocalAws();
    home = tempDir('aws-sessions-cli-home-');
    storage = join(home, 'storage');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), FOREIGN_CONFIG);
    env = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
    const server = await spawnServer(storage, { ...env, SERVE_STS_ENDPOINT: aws.endpoint, SERVE_MODE: 'credentialProcess' });
    servers.push(server);
    await server.serving;
    shim = join(storage, 'bin', 'aws-sessions');
  });

  after(async () => {
    for (const s of servers) await stopServer(s);
    await aws?.close();
  });

  it('adds with secrets from stdin only, starts, and the real AWS CLI gets credentials from the editor', async () => {
    const alice = aws.user('alice');
    const refused = await cli(['add', '--type', 'iamUser', '--alias', 'alice-cp', '--secret-access-key', alice.secretAccessKey]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /never from the command line/);
    const added = await cli(['add', '--type', 'iamUser', '--alias', 'alice-cp', '--profile', 'dev', '--region', 'eu-west-1', '--json'], `${alice.accessKeyId}\n${alice.secretAccessKey}\n`);
    assert.equal(added.status, 0, added.stderr);
    const session = JSON.parse(added.stdout) as { id: string; deliveryMode: string };
    assert.equal(session.deliveryMode, 'credentialProcess');

    const started = await cli(['start', 'alice-cp']);
    assert.equal(started.status, 0, started.stderr);
    const config = readFileSync(env.AWS_CONFIG_FILE, 'utf8');
    assert.equal(config, FOREIGN_CONFIG.replace('[profile dev]\noutput = text\n', `[profile dev]\noutput = text\ncredential_process = ${shim} generate ${session.id}\nregion = eu-west-1\n`));
    assert.ok(!existsSync(env.AWS_SHARED_CREDENTIALS_FILE), 'no credentials file is created');

    for (let i = 0; i < 3; i++) {
      const r = await awsCli('dev');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).Arn, alice.arn);
    }
    assert.equal(aws.state.callLog().filter((c) => c.action === 'GetSessionToken').length, 1, 'later calls are served from memory');

    const generated = await cli(['generate', 'alice-cp']);
    assert.equal(generated.status, 0, generated.stderr);
    const creds = JSON.parse(generated.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(creds), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    assert.equal(creds.Version, 1);
    assert.ok(Date.parse(String(creds.Expiration)) > Date.now() + 3600_000);
    assert.equal((await cli(['generate', session.id])).stdout, generated.stdout, 'ids work where aliases do');
  });

  it('lists, reports the current session, manages profiles and regions, with documented exit codes', async () => {
    const list = await cli(['list', '--json']);
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as Array<{ alias: string; status: string; profile: string }>).map((s) => [s.alias, s.status, s.profile]), [['alice-cp', 'active', 'dev']]);
    assert.match((await cli(['list'])).stdout, /^ALIAS\s+PROFILE\s+REGION\s+TYPE\s+DELIVERY\s+STATUS\s+EXPIRES\s+ID\nalice-cp\s+dev\s+eu-west-1\s+iamUser\s+credentialProcess\s+active/);
    assert.equal((await cli(['current', 'dev'])).stdout, 'alice-cp\n');
    const none = await cli(['current', 'prod']);
    assert.equal(none.status, 4);
    const unknown = await cli(['generate', 'nobody']);
    assert.equal(unknown.status, 4);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /^aws-sessions: no session named or with id "nobody" \(see: aws-sessions list\)\n$/);
    assert.equal((await cli(['profile', 'create', 'ci'])).status, 0);
    assert.match((await cli(['profile', 'list'])).stdout, /default\s*\n.*dev\s+alice-cp\nci/s);
    const reserved = await cli(['profile', 'delete', 'default']);
    assert.equal(reserved.status, 1);
    assert.match(reserved.stderr, /"default" profile cannot be deleted/);
    assert.equal((await cli(['profile', 'rename', 'ci', 'ci2'])).status, 0);
    assert.equal((await cli(['profile', 'delete', 'ci2'])).status, 0);
    assert.doesNotMatch((await cli(['profile', 'list'])).stdout, /ci/);
    const region = await cli(['region', 'alice-cp', 'us-west-2']);
    assert.equal(region.status, 0, region.stderr);
    assert.match(readFileSync(env.AWS_CONFIG_FILE, 'utf8'), /\[profile dev\]\noutput = text\ncredential_process = .* generate .*\nregion = us-west-2\n/);
    assert.equal((await cli(['region', 'alice-cp', 'mars-1'])).status, 2);
    // The test server signs in to the double's federation endpoint: --print gives the one-time sign-in URL.
    const consoleUrl = await cli(['console', 'alice-cp', '--print']);
    assert.equal(consoleUrl.status, 0, consoleUrl.stderr);
    assert.match(consoleUrl.stdout, /SigninToken=/);
    assert.equal((await cli(['frobnicate'])).status, 2);
    for (const c of ['list', 'start', 'stop', 'generate', 'current', 'add', 'delete', 'profile', 'region', 'delivery', 'console']) {
      const h = await cli([c, '--help']);
      assert.equal(h.status, 0, `${c} --help: ${h.stderr}`);
      assert.match(h.stdout, /Usage: aws-sessions/);
    }
    assert.match((await cli(['--help'])).stdout, /Exit codes:/);
  });

  it('another process takes over when the serving one dies, and generate keeps working', async () => {
    const second = await spawnServer(storage, { ...env, SERVE_STS_ENDPOINT: aws.endpoint, SERVE_MODE: 'credentialProcess' });
    servers.push(second);
    await new Promise((r) => setTimeout(r, 800));
    assert.ok(!second.output().includes('serving'), 'only one process serves');
    await stopServer(servers[0], 'SIGKILL');
    const t0 = Date.now();
    const r = await cli(['generate', 'alice-cp']);
    assert.equal(r.status, 0, r.stderr);
    console.log(`      generate across the hand-over took ${Date.now() - t0} ms`);
    await second.serving;
    // The new server has its own memory: one more GetSessionToken; credentials are valid either way.
    assert.equal(JSON.parse(r.stdout).Version, 1);
  });

  it('stop removes exactly its keys; the CLI exits 3 when no editor serves', async () => {
    const stopped = await cli(['stop', 'alice-cp']);
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.equal(readFileSync(env.AWS_CONFIG_FILE, 'utf8'), FOREIGN_CONFIG);
    const chain = await cli(['add', '--type', 'iamRoleChained', '--alias', 'dep', '--profile', 'dep', '--region', 'eu-west-1', '--role-arn', 'arn:aws:iam::111111111111:role/Dep', '--assumer-session-id', 'alice-cp']);
    assert.equal(chain.status, 0, chain.stderr);
    const del = await cli(['delete', 'alice-cp', '--yes']);
    assert.equal(del.status, 0, del.stderr);
    assert.equal(del.stdout, 'Deleted "alice-cp".\n');
    assert.match(del.stderr, /chained sessions used it and cannot start until they get another assumer: dep\n$/);
    for (const s of servers) await stopServer(s);
    const r = await cli(['list']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /^aws-sessions: no AWS Sessions editor window is running .*\n$/);
  });
});
