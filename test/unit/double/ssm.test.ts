import { strict as assert } from 'node:assert';
import { DescribeInstanceInformationCommand, type DescribeInstanceInformationCommandOutput, SSMClient, SSMServiceException, StartSessionCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startLocalAws, type LocalAws } from '../../double';

describe('local AWS double: SSM (JSON 1.1 protocol, SigV4)', () => {
  let double: LocalAws;
  const clients: Array<{ destroy(): void }> = [];
  beforeEach(async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ instanceId: `i-0fff${String(i).padStart(12, '0')}`, region: 'eu-central-1', name: `n${i}` }));
    double = await startLocalAws({ sso: false, ssmInstances: [...many, { instanceId: 'mi-0123456789abcdef0', region: 'eu-central-1', accountId: '999999999999', name: 'other-account' }] });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.destroy());
    await double.close();
  });
  const ssm = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region = 'eu-central-1') => {
    const c = new SSMClient({ region, endpoint: double.endpoint, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  async function rejection(p: Promise<unknown>): Promise<SSMServiceException> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof SSMServiceException, String(err));
      return err;
    }
    throw new Error('expected the call to fail');
  }

  it('pages the nodes of the signing region and account with NextToken, for role credentials too', async () => {
    const bob = double.user('bob');
    const sts = new STSClient({ region: 'us-east-1', endpoint: double.endpoint, credentials: bob, maxAttempts: 1 });
    clients.push(sts);
    const role = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/Ops', RoleSessionName: 'ops' }))).Credentials!;
    const client = ssm({ accessKeyId: role.AccessKeyId!, secretAccessKey: role.SecretAccessKey!, sessionToken: role.SessionToken! });
    const first = await client.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    assert.equal(first.InstanceInformationList?.length, 5);
    assert.ok(first.NextToken);
    const ids = [...first.InstanceInformationList!.map((i) => i.InstanceId)];
    let token: string | undefined = first.NextToken;
    while (token) {
      const page: DescribeInstanceInformationCommandOutput = await client.send(new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: token }));
      ids.push(...page.InstanceInformationList!.map((i) => i.InstanceId));
      token = page.NextToken;
    }
    assert.equal(ids.length, 12, 'the node of another account is not listed');
    assert.equal(new Set(ids).size, 12);
    const node = first.InstanceInformationList![0];
    assert.equal(node.PingStatus, 'Online');
    assert.equal(node.ResourceType, 'EC2Instance');
    assert.ok(node.LastPingDateTime instanceof Date);
    assert.equal((await ssm(bob, 'ap-south-1').send(new DescribeInstanceInformationCommand({}))).InstanceInformationList?.length, 0, 'none in another region');
  });

  it('checks the signature, the page size and the token; StartSession only for a node of the region', async () => {
    const bob = double.user('bob');
    const forged = await rejection(ssm({ accessKeyId: bob.accessKeyId, secretAccessKey: 'x'.repeat(40) }).send(new DescribeInstanceInformationCommand({})));
    assert.equal(forged.name, 'SignatureDoesNotMatch');
    assert.equal(forged.$metadata.httpStatusCode, 403);
    const size = await rejection(ssm(bob).send(new DescribeInstanceInformationCommand({ MaxResults: 51 })));
    assert.equal(size.name, 'ValidationException');
    const badToken = await rejection(ssm(bob).send(new DescribeInstanceInformationCommand({ NextToken: 'made-up' })));
    assert.equal(badToken.name, 'InvalidNextToken');
    const started = await ssm(bob).send(new StartSessionCommand({ Target: 'i-0fff000000000003' }));
    assert.match(started.SessionId ?? '', /^bob-[0-9a-f]{16}$/);
    assert.ok(started.TokenValue && started.StreamUrl?.startsWith('wss://ssmmessages.eu-central-1.amazonaws.com/'));
    assert.deepEqual(double.ssmLog().sessions.map((s) => [s.target, s.region]), [['i-0fff000000000003', 'eu-central-1']]);
    const elsewhere = await rejection(ssm(bob, 'us-west-2').send(new StartSessionCommand({ Target: 'i-0fff000000000003' })));
    assert.equal(elsewhere.name, 'TargetNotConnected');
  });
});
