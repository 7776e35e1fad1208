/**
 * `aws-sessions ssm` and `aws-sessions console --isolated` through the shim and the real IPC endpoint, against the
 * local AWS double: the instances of the session's region (paginated by the SDK), the real AWS CLI's
 * `ssm start-session` handing over to a fake session-manager-plugin that records its arguments, and a fake browser
 * that records how it was started and the page it was given.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalAws, DEFAULT_SSM_INSTANCES, type LocalAws } from '../../double';
import { runProcess, spawnServer, stopServer, type ServerProcess } from '../support/cli';
import { tempDir } from '../support/tempDirs';

const AWS_CLI = '/usr/bin/aws';

describe('aws-sessions ssm and console --isolated', function () {
  this.timeout(90_000);
  let aws: LocalAws;
  let env: Record<string, string>;
  let shim: string;
  let storage: string;
  let records: string;
  const servers: ServerProcess[] = [];
  const cli = (args: string[], input = '', extra: Record<string, string> = {}) => runProcess(shim, args, { ...env, ...extra }, input);

  before(async () => {
    // 55 nodes in eu-west-1: two pages of DescribeInstanceInformation at its maximum of 50.
    const many = Array.from({ length: 55 }, (_, i) => ({ instanceId: `i-0abc${String(i).padStart(12, '0')}`, region: 'eu-west-1', name: `node-${i}`, pingStatus: 'Online' as const }));
    aws = await startLocalAws({ sso: false, ssmInstances: [...DEFAULT_SSM_INSTANCES, ...many] });
    const home = tempDir('aws-sessions-ssm-home-');
    storage = join(home, 'storage');
    records = join(home, 'records');
    const bin = join(home, 'bin');
    mkdirSync(records);
    mkdirSync(bin);
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), '');
    // The AWS CLI v2 of the machine, and a Session Manager plugin that records what the CLI handed it.
    symlinkSync(AWS_CLI, join(bin, 'aws'));
    writeFileSync(join(bin, 'session-manager-plugin'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${records}/plugin-args"\nexit 0\n`);
    chmodSync(join(bin, 'session-manager-plugin'), 0o755);
    // A browser that records its arguments and the page it was given (the page is removed a minute later).
    writeFileSync(join(bin, 'browser'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${records}/browser-args"\nfor a in "$@"; do case "$a" in file://*) cat "\${a#file://}" > "${records}/browser-page";; esac; done\n`);
    chmodSync(join(bin, 'browser'), 0o755);
    env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
    const server = await spawnServer(storage, { ...env, SERVE_STS_ENDPOINT: aws.endpoint, SERVE_BROWSER: join(bin, 'browser') });
    servers.push(server);
    await server.serving;
    shim = join(storage, 'bin', 'aws-sessions');
    const bob = aws.user('bob');
    const added = await cli(['add', '--type', 'iamUser', '--alias', 'bob', '--profile', 'bob', '--region', 'eu-west-1'], `${bob.accessKeyId}\n${bob.secretAccessKey}\n`);
    assert.equal(added.status, 0, added.stderr);
  });
  after(async () => {
    for (const s of servers) await stopServer(s);
    await aws?.close();
  });

  it('refuses an inactive session, naming it and what to do', async () => {
    const r = await cli(['ssm', 'bob']);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /Session "bob": it is not active.*Start the session first/);
  });

  it('lists every managed instance of the session region (both pages), as a table and as JSON', async () => {
    assert.equal((await cli(['start', 'bob'])).status, 0);
    const r = await cli(['ssm', 'bob']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^INSTANCE\s+NAME\s+PLATFORM\s+PING\s+IP$/);
    assert.equal(lines.length, 1 + 3 + 55, 'the header, the three default nodes and 55 more: two pages');
    assert.ok(!r.stdout.includes('us-east-1') && !r.stdout.includes('i-01a1b2c3d4e5f60001'), 'only the nodes of eu-west-1');
    const json = await cli(['ssm', 'bob', '--json']);
    const list = JSON.parse(json.stdout) as Array<{ instanceId: string; name: string; pingStatus: string; platform: string }>;
    assert.equal(list.length, 58);
    assert.deepEqual(list.find((i) => i.instanceId === 'i-00a1b2c3d4e5f60002'), { instanceId: 'i-00a1b2c3d4e5f60002', name: 'batch', platform: 'Ubuntu 2023', pingStatus: 'ConnectionLost', ipAddress: '10.0.0.12' });
    assert.equal(list.at(-1)?.pingStatus, 'ConnectionLost', 'online nodes first');
    const calls = aws.state.callLog().filter((c) => c.action === 'DescribeInstanceInformation' && c.status === 200);
    assert.ok(calls.length >= 4, 'two pages for each listing');
  });

  it('starts a session on a node named by name: the AWS CLI calls StartSession and hands the plugin the target and region', async () => {
    const r = await cli(['ssm', 'bob', 'web-1']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const started = aws.ssmLog().sessions.at(-1)!;
    assert.equal(started.target, 'i-00a1b2c3d4e5f60001');
    assert.equal(started.region, 'eu-west-1');
    const args = readFileSync(join(records, 'plugin-args'), 'utf8').split('\n');
    assert.equal(JSON.parse(args[0]).SessionId, started.sessionId, 'the StartSession answer');
    assert.equal(args[1], 'eu-west-1');
    assert.equal(args[2], 'StartSession');
    assert.equal(args[3], 'bob', 'the session profile');
    assert.deepEqual(JSON.parse(args[4]), { Target: 'i-00a1b2c3d4e5f60001' });
    const missing = await cli(['ssm', 'bob', 'nope']);
    assert.equal(missing.status, 4);
    assert.match(missing.stderr, /no managed instance "nope" in eu-west-1 for "bob"/);
  });

  it('says what to install when the plugin is missing', async () => {
    const r = await cli(['ssm', 'bob', 'web-1'], '', { PATH: '/usr/bin:/bin' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Session Manager plugin \(session-manager-plugin\) was not found on PATH\. Install it \(https:\/\/docs\.aws\.amazon\.com\/.*\)/);
  });

  it('console --isolated: the browser gets the session’s own 0700 profile and a 0600 page, never the sign-in token', async () => {
    const before = aws.federationLog();
    const r = await cli(['console', 'bob', '--isolated']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Opened the AWS console in the browser.');
    for (let i = 0; i < 100 && !existsSync(join(records, 'browser-page')); i++) await new Promise((res) => setTimeout(res, 50));
    const args = readFileSync(join(records, 'browser-args'), 'utf8').trim().split('\n');
    const profile = args.find((a) => a.startsWith('--user-data-dir='))!.slice('--user-data-dir='.length);
    assert.ok(profile.startsWith(join(storage, 'console-profiles') + '/'));
    assert.ok(args.includes('--window-name=AWS: bob'));
    assert.ok(!args.join(' ').includes('SigninToken'), 'no token on the command line');
    const page = readFileSync(join(records, 'browser-page'), 'utf8');
    const token = aws.federationLog().tokens.length;
    assert.equal(token, before.tokens.length + 1);
    assert.match(page, /location\.replace\("http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login&.*SigninToken=/);
    const pagePath = fileURLToPath(args.at(-1)!);
    assert.equal(statSync(pagePath).mode & 0o777, 0o600);
    assert.equal(statSync(profile).mode & 0o777, 0o700);
    assert.equal(aws.federationLog().logouts, before.logouts, 'no sign-out step');
    const both = await cli(['console', 'bob', '--isolated', '--print']);
    assert.equal(both.status, 2);
  });
});
