import { strict as assert } from 'node:assert';
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, IAMClient, IAMServiceException, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startLocalAws, type LocalAws } from '../../double';

describe('local AWS double: IAM access keys (Query protocol, SigV4)', () => {
  let double: LocalAws;
  const clients: Array<{ destroy(): void }> = [];
  beforeEach(async () => {
    double = await startLocalAws({ sso: false });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.destroy());
    await double.close();
  });
  const iam = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const c = new IAMClient({ region: 'us-east-1', endpoint: double.endpoint, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  async function rejection(p: Promise<unknown>): Promise<IAMServiceException> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof IAMServiceException, String(err));
      return err;
    }
    throw new Error('expected the call to fail');
  }

  it('creates a key that STS accepts at once, lists both, deletes the old one, and refuses a third', async () => {
    const bob = double.user('bob');
    const created = await iam(bob).send(new CreateAccessKeyCommand({}));
    const key = created.AccessKey!;
    assert.equal(key.UserName, 'bob');
    assert.equal(key.Status, 'Active');
    assert.match(key.AccessKeyId ?? '', /^AKIA[A-Z2-7]{16}$/);
    assert.ok(key.CreateDate instanceof Date);
    const fresh = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const sts = new STSClient({ region: 'us-east-1', endpoint: double.endpoint, credentials: fresh, maxAttempts: 1 });
    clients.push(sts);
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, bob.arn);

    const listed = await iam(fresh).send(new ListAccessKeysCommand({}));
    assert.deepEqual(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId), [bob.accessKeyId, fresh.accessKeyId]);
    assert.equal(listed.IsTruncated, false);
    const third = await rejection(iam(bob).send(new CreateAccessKeyCommand({})));
    assert.equal(third.name, 'LimitExceededException', 'the SDK class of the code LimitExceeded');
    assert.equal(third.$metadata.httpStatusCode, 409);

    await iam(fresh).send(new DeleteAccessKeyCommand({ AccessKeyId: bob.accessKeyId }));
    const gone = await rejection(iam(bob).send(new ListAccessKeysCommand({})));
    assert.equal(gone.name, 'InvalidClientTokenId', 'a deleted key no longer signs');
    const again = await rejection(iam(fresh).send(new DeleteAccessKeyCommand({ AccessKeyId: bob.accessKeyId })));
    assert.equal(again.name, 'NoSuchEntityException');
  });

  it('checks the signature, the signing service and the user acted on', async () => {
    const bob = double.user('bob');
    const wrong = await rejection(iam({ accessKeyId: bob.accessKeyId, secretAccessKey: 'x'.repeat(40) }).send(new ListAccessKeysCommand({})));
    assert.equal(wrong.name, 'SignatureDoesNotMatch');
    const other = await rejection(iam(bob).send(new ListAccessKeysCommand({ UserName: 'alice' })));
    assert.equal(other.name, 'AccessDenied');
    assert.match(other.message, /user\/bob is not authorized to perform: iam:ListAccessKeys on resource: user alice/);
    assert.deepEqual(double.state.accessKeysOf('alice').length, 1);
  });
});
