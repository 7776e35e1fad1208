import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalAws, type LocalAws } from '../../double';
import { tempDir } from '../support/tempDirs';

/** AWS CLI v2 from Debian's awscli package (a pyenv v1 shim may shadow `aws` on PATH). */
const AWS_CLI = '/usr/bin/aws';

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('local AWS double: the real AWS CLI accepts it', function () {
  this.timeout(60_000);
  let double: LocalAws;
  let dir: string;

  before(() => {
    // Fail, not skip: without the CLI this suite proves nothing.
    assert.ok(existsSync(AWS_CLI), `${AWS_CLI} is missing: apt-get update && apt-get install -y awscli`);
  });
  beforeEach(async () => {
    double = await startLocalAws();
    dir = tempDir('local-aws-cli-');
    writeFileSync(join(dir, 'config'), '');
    writeFileSync(join(dir, 'credentials'), '');
  });
  afterEach(async () => {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function aws(keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, args: string[]): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
    };
    return new Promise((resolve) => {
      execFile(AWS_CLI, [...args, '--endpoint-url', double.endpoint, '--output', 'json'], { env }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  const parse = <T>(r: CliResult): T => {
    assert.equal(r.code, 0, `aws exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };

  it('get-caller-identity with a seeded user prints the user ARN', async () => {
    const out = parse<{ Arn: string; Account: string }>(await aws(double.user('bob'), ['sts', 'get-caller-identity']));
    assert.equal(out.Arn, 'arn:aws:iam::111111111111:user/bob');
    assert.equal(out.Account, '111111111111');
  });

  it('get-session-token with MFA, then get-caller-identity with the issued session credentials', async () => {
    const alice = double.user('alice');
    const serial = alice.mfaSerial ?? '';
    const { Credentials: c } = parse<{ Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string } }>(
      await aws(alice, ['sts', 'get-session-token', '--serial-number', serial, '--token-code', double.mfaCode(serial), '--duration-seconds', '900']),
    );
    assert.match(c.AccessKeyId, /^ASIA/);
    assert.ok(Date.parse(c.Expiration) > Date.now());
    const who = parse<{ Arn: string }>(
      await aws({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, ['sts', 'get-caller-identity']),
    );
    assert.equal(who.Arn, alice.arn);
  });

  it('assume-role credentials identify as the assumed role', async () => {
    const { Credentials: c } = parse<{ Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }>(
      await aws(double.user('bob'), ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::111111111111:role/ReadOnly', '--role-session-name', 'cli-test']),
    );
    const who = parse<{ Arn: string }>(
      await aws({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, ['sts', 'get-caller-identity']),
    );
    assert.equal(who.Arn, 'arn:aws:sts::111111111111:assumed-role/ReadOnly/cli-test');
  });

  it('a wrong secret gets SignatureDoesNotMatch, a wrong MFA code AccessDenied', async () => {
    const wrong = await aws({ ...double.user('bob'), secretAccessKey: 'y'.repeat(40) }, ['sts', 'get-caller-identity']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation/);
    const alice = double.user('alice');
    const code = double.mfaCode(alice.mfaSerial ?? '') === '000000' ? '111111' : '000000';
    const mfa = await aws(alice, ['sts', 'get-session-token', '--serial-number', alice.mfaSerial ?? '', '--token-code', code]);
    assert.match(mfa.stderr, /\(AccessDenied\) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code\./);
  });
});
