/**
 * The container credentials endpoint as the real clients use it: the AWS CLI and the JavaScript SDK v3's
 * node provider chain, with no ~/.aws files and no profile, get the session's identity from the local AWS double.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerCredentialsEndpoint, type ContainerVariables } from '../../../src/core/containerEndpoint';
import { SdkStsGateway } from '../../../src/core/aws/sts';
import { systemClock } from '../../../src/core/ports';
import { SessionService } from '../../../src/core/sessionService';
import { startLocalAws, type LocalAws } from '../../double';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

/** AWS CLI v2 from Debian's awscli package (a pyenv v1 shim may shadow `aws` on PATH). */
const AWS_CLI = '/usr/bin/aws';
const REPO = join(__dirname, '..', '..', '..');

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('container credentials endpoint: the real AWS CLI and SDK', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let endpoint: ContainerCredentialsEndpoint;
  let vars: ContainerVariables;
  let home: string;

  before(async () => {
    assert.ok(existsSync(AWS_CLI), `${AWS_CLI} is missing: apt-get update && apt-get install -y awscli`);
    aws = await startLocalAws({ sso: false });
    const state = new MemoryStateStore();
    const logger = new RecordingLogger();
    const service = new SessionService({ state, secrets: new MemorySecretVault(), sts: new SdkStsGateway({ endpoint: () => aws.endpoint }), prompter: new ScriptedPrompter(), clock: systemClock, logger, delivery: new MemoryDelivery() });
    const bob = aws.user('bob');
    const session = await service.editor.save('iamUser', { alias: 'bob', profile: 'bob', region: 'eu-west-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    await service.lifecycle.start(session.id);
    endpoint = new ContainerCredentialsEndpoint({ resolver: service.resolver, state, logger });
    vars = await endpoint.variables(session.id);
    home = tempDir('aws-sessions-endpoint-');
  });
  after(async () => {
    endpoint?.dispose();
    await aws?.close();
  });

  /** A clean environment: no ~/.aws files (HOME is empty, the file variables name missing files), no profile, no keys. */
  const cleanEnv = (withEndpoint: boolean): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_REGION: 'eu-west-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(withEndpoint ? vars : {}),
  });

  it('aws sts get-caller-identity gets the session identity through the endpoint', async () => {
    const r = await run(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], cleanEnv(true));
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { Arn: string }).Arn, 'arn:aws:iam::111111111111:user/bob');
  });

  it('the AWS CLI without the endpoint variables finds no credentials (the test can fail)', async () => {
    const r = await run(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], cleanEnv(false));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /credentials/i);
  });

  it('the AWS CLI with a wrong token gets no credentials', async () => {
    const r = await run(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', aws.endpoint, '--output', 'json'], { ...cleanEnv(true), AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-the-token' });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /arn:aws/);
  });

  it("the JavaScript SDK v3's node provider chain (no profile) gets the session identity", async () => {
    const script = `
      const { defaultProvider } = require('@aws-sdk/credential-provider-node');
      const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
      const client = new STSClient({ region: 'eu-west-1', endpoint: process.argv[1], credentials: defaultProvider() });
      client.send(new GetCallerIdentityCommand({})).then((r) => console.log(JSON.stringify({ arn: r.Arn })), (e) => { console.error(e.name + ': ' + e.message); process.exit(3); });`;
    const r = await run(process.execPath, ['-e', script, aws.endpoint], cleanEnv(true), REPO);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { arn: string }).arn, 'arn:aws:iam::111111111111:user/bob');
  });
});
