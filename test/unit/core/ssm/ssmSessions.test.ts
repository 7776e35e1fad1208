/** Start SSM Session in the core: tools on PATH, the terminal plan (names, no secret), and the instances of a session through the real SDK and the double. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SdkSsmGateway } from '../../../../src/core/aws/ssm';
import { SdkStsGateway } from '../../../../src/core/aws/sts';
import { SessionError } from '../../../../src/core/errors';
import { systemClock } from '../../../../src/core/ports';
import { findExecutable } from '../../../../src/core/pathLookup';
import { SessionService } from '../../../../src/core/sessionService';
import { findInstance, findSsmTools, instanceLabel, missingToolsMessage, SsmSessions, ssmTerminalPlan } from '../../../../src/core/ssm/ssmSessions';
import { startLocalAws, type LocalAws } from '../../../double';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';
import { tempDir } from '../../support/tempDirs';

describe('SSM sessions: tools and terminal', () => {
  it('finds executables on PATH in order, skipping files that are not executable', async () => {
    const root = tempDir('aws-sessions-path-');
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'aws'), '');
    writeFileSync(join(b, 'aws'), '#!/bin/sh\n');
    chmodSync(join(b, 'aws'), 0o755);
    writeFileSync(join(a, 'session-manager-plugin'), '#!/bin/sh\n');
    chmodSync(join(a, 'session-manager-plugin'), 0o755);
    assert.equal(findExecutable('aws', { PATH: `${a}:${b}` }, 'linux'), join(b, 'aws'));
    assert.deepEqual(await findSsmTools(`${a}:${b}`, 'linux'), { aws: join(b, 'aws'), plugin: join(a, 'session-manager-plugin') });
    assert.deepEqual(await findSsmTools(`${root}/none::`, 'linux'), { aws: undefined, plugin: undefined });
    assert.equal(findExecutable('aws', {}, 'linux'), undefined);
  });

  it('says which tool is missing and where to get it', () => {
    assert.equal(missingToolsMessage({ aws: '/a', plugin: '/p' }), undefined);
    assert.match(missingToolsMessage({ aws: '/a' })!, /Session Manager plugin .*not found on PATH\. Install it \(https:\/\/docs\.aws\.amazon\.com\/systems-manager\//);
    assert.match(missingToolsMessage({ plugin: '/p' })!, /AWS CLI was not found.*AWS CLI v2 \(https:\/\/docs\.aws\.amazon\.com\/cli\//);
    assert.match(missingToolsMessage({})!, /Neither the AWS CLI nor the Session Manager plugin/);
  });

  it('plans `aws ssm start-session --target` with the profile and region as names only', () => {
    const node = { instanceId: 'i-0123', name: 'web-1', platform: 'Amazon Linux 2023', pingStatus: 'Online' };
    const plan = ssmTerminalPlan({ profile: 'prod', region: 'eu-west-1', alias: 'prod-admin' }, node, '/usr/bin/aws');
    assert.deepEqual(plan.command, ['/usr/bin/aws', 'ssm', 'start-session', '--target', 'i-0123']);
    assert.deepEqual(plan.env, { AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    assert.equal(plan.name, 'SSM: web-1 (prod-admin)');
    assert.deepEqual(ssmTerminalPlan({ profile: 'p', region: 'r', alias: 'a' }, { ...node, name: '' }, 'aws', 'http://127.0.0.1:9').command.slice(-3), ['i-0123', '--endpoint-url', 'http://127.0.0.1:9']);
    assert.equal(instanceLabel(node), 'web-1 (i-0123)');
    assert.equal(instanceLabel({ ...node, name: '' }), 'i-0123');
    const twins = [node, { ...node, instanceId: 'i-2' }];
    assert.equal(findInstance(twins, 'i-2')?.instanceId, 'i-2');
    assert.equal(findInstance(twins, 'web-1'), undefined, 'a name two nodes share is ambiguous');
  });
});

describe('SSM sessions against the local AWS double', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws({ sso: false });
  });
  after(() => aws.close());

  it("lists the active session's region, online first; refuses an inactive session; names the session and region when SSM fails", async () => {
    const secrets = new MemorySecretVault();
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const service = new SessionService({ state: new MemoryStateStore(), secrets, sts, prompter: new ScriptedPrompter([]), clock: systemClock, logger: new RecordingLogger(), delivery: new MemoryDelivery() });
    const ssm = new SsmSessions({ state: service.state, resolver: service.resolver, ssm: new SdkSsmGateway({ endpoint: () => aws.endpoint, pageSize: 5 }), logger: new RecordingLogger(), endpoint: () => undefined });
    const bob = aws.user('bob');
    const s = await service.editor.save('iamUser', { alias: 'bob', profile: 'bob-prof', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey });
    await assert.rejects(ssm.instances('bob'), (e: unknown) => e instanceof SessionError && /Session "bob": it is not active/.test(e.message));
    await service.lifecycle.start(s.id);
    const found = await ssm.instances('bob');
    assert.equal(found.profile, 'bob-prof');
    assert.equal(found.region, 'us-east-1');
    assert.deepEqual(found.instances.map((i) => [i.name, i.pingStatus]), [['web-1', 'Online'], ['WIN-BUILD', 'Online'], ['batch', 'ConnectionLost']]);
    assert.equal(found.instances[1].platform, 'Microsoft Windows Server 2022 Datacenter 2023');
    aws.state.addFault({ action: 'DescribeInstanceInformation', kind: 'throttle', count: 3 });
    await assert.rejects(ssm.instances(s.id), (e: unknown) => e instanceof SessionError && /Session "bob": could not list the managed instances of us-east-1/.test(e.message) && /ssm:DescribeInstanceInformation in us-east-1/.test(e.full));
  });
});
