/**
 * `aws-sessions exec` and `export` through the shim against the endpoint of a separate process wired like the
 * extension, the local AWS double and the real AWS CLI: credentials in the child's environment only, stdio,
 * exit codes and signals passed through, --profile-only, --endpoint, and `eval "$(aws-sessions export …)"`.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { LocalAws } from '../../double';
import { execFixture, runProcess, type ExecFixture } from '../support/cli';

const AWS_CLI = '/usr/bin/aws';
const PRINT_ENV = `process.stdout.write(JSON.stringify({ env: process.env, argv: process.argv }))`;

describe('aws-sessions exec and export', function () {
  this.timeout(90_000);
  let fixture: ExecFixture;
  let aws: LocalAws;
  let shim: string;
  let env: Record<string, string>;

  // No AWS files at all, and a stale profile in the caller's environment that exec must not pass on.
  before(async () => {
    fixture = await execFixture('aws-sessions-exec-');
    ({ aws, shim, env } = fixture);
  });
  after(async () => {
    await fixture?.close();
  });

  const cli = (args: string[], input = '') => runProcess(shim, args, env, input);

  it('exec: the credentials and their expiry in the child environment, never in its arguments; other credential variables removed', async () => {
    const r = await cli(['exec', 'bob', '--', process.execPath, '-e', PRINT_ENV]);
    assert.equal(r.status, 0, r.stderr);
    const { env: childEnv, argv } = JSON.parse(r.stdout) as { env: Record<string, string>; argv: string[] };
    assert.match(childEnv.AWS_ACCESS_KEY_ID, /^ASIA/);
    assert.ok(childEnv.AWS_SECRET_ACCESS_KEY && childEnv.AWS_SESSION_TOKEN);
    assert.ok(Date.parse(childEnv.AWS_CREDENTIAL_EXPIRATION) > Date.now());
    assert.equal(childEnv.AWS_REGION, 'eu-west-1');
    assert.equal(childEnv.AWS_PROFILE, undefined, 'the stale profile would take precedence over nothing, but is removed');
    assert.ok(!argv.join(' ').includes(childEnv.AWS_SECRET_ACCESS_KEY), 'no secret in the arguments');
  });

  it('exec: a hand-over variable exported by hand does not make the JavaScript shim print the credentials', async () => {
    // The sh shim used to tell exec.js by AWS_SESSIONS_EXEC_SHELL=1; exported in a shell, every exec printed
    // `export AWS_SECRET_ACCESS_KEY=…` to the terminal instead of running the command.
    const r = await runProcess(shim, ['exec', 'bob', '--', process.execPath, '-e', 'process.stdout.write("ran " + (process.env.AWS_SECRET_ACCESS_KEY ? "with" : "without"))'], { ...env, AWS_SESSIONS_EXEC_SHELL: '1' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ran with');
  });

  it('exec: the real AWS CLI gets the session identity with no AWS files', async () => {
    const r = await cli(['exec', 'bob', AWS_CLI, 'sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { Arn: string }).Arn, 'arn:aws:iam::111111111111:user/bob');
  });

  it("exec: stdin and stdout pass through, the exit code is the command's, a missing command is 127", async () => {
    const echoed = await cli(['exec', 'bob', '--', 'sh', '-c', 'cat; exit 7'], 'piped in\n');
    assert.equal(echoed.stdout, 'piped in\n');
    assert.equal(echoed.status, 7);
    const missing = await cli(['exec', 'bob', '--', 'no-such-command-here']);
    assert.equal(missing.status, 127);
    assert.match(missing.stderr, /command not found/);
  });

  it('exec: a SIGTERM to aws-sessions reaches the command, whose exit code comes back', async () => {
    const child = spawn(shim, ['exec', 'bob', '--', 'sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 42);
  });

  it('--profile-only and --endpoint need an active session; then give AWS_PROFILE, or the endpoint the AWS CLI uses', async () => {
    const inactive = await cli(['exec', '--profile-only', 'bob', '--', 'true']);
    assert.equal(inactive.status, 1);
    assert.match(inactive.stderr, /not active.*aws-sessions start bob/);
    assert.equal((await cli(['start', 'bob'])).status, 0);
    const profile = await cli(['exec', '--profile-only', 'bob', '--', process.execPath, '-e', PRINT_ENV]);
    const pe = (JSON.parse(profile.stdout) as { env: Record<string, string> }).env;
    assert.equal(pe.AWS_PROFILE, 'bob');
    assert.equal(pe.AWS_ACCESS_KEY_ID, undefined);
    // The endpoint: no files are read for it (point the AWS CLI at empty ones).
    const viaEndpoint = await runProcess(shim, ['exec', '--endpoint', 'bob', AWS_CLI, 'sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], { ...env, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null' });
    assert.equal(viaEndpoint.status, 0, viaEndpoint.stderr);
    assert.equal((JSON.parse(viaEndpoint.stdout) as { Arn: string }).Arn, 'arn:aws:iam::111111111111:user/bob');
  });

  it('export: eval "$(aws-sessions export bob)" in sh, then the AWS CLI; json carries the expiry; docker names only', async () => {
    const script = `eval "$("${shim}" export bob)" && exec ${AWS_CLI} sts get-caller-identity --endpoint-url ${aws.endpoint} --output json`;
    const r = await runProcess('/bin/sh', ['-c', script], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { Arn: string }).Arn, 'arn:aws:iam::111111111111:user/bob');
    const json = JSON.parse((await cli(['export', 'bob', '--format', 'json'])).stdout) as Record<string, string>;
    assert.ok(json.AWS_CREDENTIAL_EXPIRATION && json.AWS_SESSION_TOKEN);
    const docker = await cli(['export', 'bob', '--format', 'docker']);
    assert.equal(docker.stdout.trim(), '--network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN -e AWS_REGION -e AWS_DEFAULT_REGION');
    assert.equal((await cli(['export', 'bob', '--format', 'csh'])).status, 2);
  });
});
