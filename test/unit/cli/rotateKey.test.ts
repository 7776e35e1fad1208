/** `aws-sessions rotate-key` through the shim and the real IPC endpoint, against the local AWS double. */
import * as assert from 'node:assert/strict';
import { cliFixture, runProcess, type CliFixture } from '../support/cli';

describe('aws-sessions rotate-key and set', function () {
  this.timeout(60_000);
  let f: CliFixture;
  const cli = (args: string[], input?: string) => f.cli(args, input);
  const awsCli = (profile: string) => runProcess('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', f.aws.endpoint, '--output', 'json'], { ...f.env, AWS_PROFILE: profile }, '', 30_000);

  before(async () => {
    f = await cliFixture({ sso: false });
  });
  after(async () => f?.close());

  it('rotates an active session\'s key step by step; the session keeps working; the old key is gone', async () => {
    const bob = f.aws.user('bob');
    const added = await cli(['add', '--type', 'iamUser', '--alias', 'bob', '--profile', 'bob', '--region', 'eu-west-1'], `${bob.accessKeyId}\n${bob.secretAccessKey}\n`);
    assert.equal(added.status, 0, added.stderr);
    assert.equal((await cli(['start', 'bob'])).status, 0);

    const r = await cli(['rotate-key', 'bob']);
    assert.equal(r.status, 0, r.stderr);
    const keys = f.aws.state.accessKeysOf('bob').map((k) => k.accessKeyId);
    assert.equal(keys.length, 1);
    assert.notEqual(keys[0], bob.accessKeyId);
    assert.match(r.stdout, new RegExp(`^1\\. Created access key ${keys[0]}\\n2\\. Verified the new key with STS: ${bob.arn}\\n3\\. Stored the new key in secret storage\\n4\\. Deleted the old key ${bob.accessKeyId}\\nSession "bob" now uses ${keys[0]}; ${bob.accessKeyId} is deleted\\.\\n$`));
    assert.ok(!r.stdout.includes(bob.secretAccessKey));

    const still = await awsCli('bob');
    assert.equal(still.status, 0, still.stderr);
    assert.equal(JSON.parse(still.stdout).Arn, bob.arn, 'the delivered session credentials still work');

    const again = await cli(['rotate-key', 'bob', '--json']);
    assert.equal(again.status, 0, again.stderr);
    const json = JSON.parse(again.stdout) as { oldAccessKeyId: string; newAccessKeyId: string; oldKeyDeleted: boolean };
    assert.equal(json.oldAccessKeyId, keys[0], 'the stored key was the rotated one');
    assert.ok(json.oldKeyDeleted);
  });

  it('at the two-keys limit exits 1, names the key to delete and changes nothing', async () => {
    const alice = f.aws.user('alice');
    assert.equal((await cli(['add', '--type', 'iamUser', '--alias', 'alice', '--profile', 'alice', '--region', 'eu-west-1'], `${alice.accessKeyId}\n${alice.secretAccessKey}\n`)).status, 0);
    f.aws.state.accessKeysOf('alice').push({ accessKeyId: 'AKIAOTHERKEY00000002', secretAccessKey: 'y'.repeat(40), status: 'Active', createdMs: Date.now() });
    const r = await cli(['rotate-key', 'alice']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already has two access keys .*Delete AKIAOTHERKEY00000002/s);
    assert.equal(f.aws.state.accessKeysOf('alice').length, 2);
  });

  it('set moves a session to another profile and region and changes its delivery, through the real endpoint', async () => {
    const r = await cli(['set', 'bob', '--profile', 'moved', '--region', 'us-west-2', '--delivery', 'credentialProcess', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { profile: string; region: string; deliveryMode: string; status: string };
    assert.deepEqual([s.profile, s.region, s.deliveryMode, s.status], ['moved', 'us-west-2', 'credentialProcess', 'active']);
    const who = await awsCli('moved');
    assert.equal(who.status, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).Arn, f.aws.user('bob').arn);
    const bad = await cli(['set', 'bob', '--profile', 'bad name!']);
    assert.equal(bad.status, 2, bad.stderr);
  });

  it('says what it does in --help and refuses a missing session', async () => {
    const help = await cli(['rotate-key', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /iam:CreateAccessKey.*old key stays until the new one/s);
    const missing = await cli(['rotate-key', 'nobody']);
    assert.equal(missing.status, 4, missing.stderr);
  });
});
