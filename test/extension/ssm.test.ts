/**
 * Start SSM Session… in a real VS Code against the local AWS double: the quick pick of the session region's
 * managed instances, then an integrated terminal running the real AWS CLI's `ssm start-session`, which hands the
 * session to a fake session-manager-plugin that records its arguments; and the advice when the plugin is missing.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import type { SsmSessionStarted } from '../../src/commands/ssm';
import { startLocalAws, type LocalAws } from '../double';

describe('Start SSM Session in VS Code', function () {
  this.timeout(90_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  let bin: string;
  let record: string;
  let dir: string | undefined;
  const sandbox = sinon.createSandbox();
  const original = { path: process.env.PATH, ssm: process.env.AWS_ENDPOINT_URL_SSM };

  before(async () => {
    aws = await startLocalAws({ sso: false });
    dir = mkdtempSync(join(tmpdir(), 'aws-sessions-ssm-ext-'));
    bin = join(dir, 'bin');
    record = join(dir, 'plugin-args');
    mkdirSync(bin);
    symlinkSync('/usr/bin/aws', join(bin, 'aws'));
    writeFileSync(join(bin, 'session-manager-plugin'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${record}.tmp" && mv "${record}.tmp" "${record}"\n`);
    chmodSync(join(bin, 'session-manager-plugin'), 0o755);
    process.env.AWS_ENDPOINT_URL_SSM = aws.endpoint;
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
    await api.ready;
  });

  afterEach(() => {
    sandbox.restore();
    process.env.PATH = original.path;
  });

  after(async () => {
    try {
      for (const s of (await api.service.state.read()).sessions) await api.service.editor.delete(s.id).catch(() => undefined);
      if (original.ssm === undefined) delete process.env.AWS_ENDPOINT_URL_SSM;
      else process.env.AWS_ENDPOINT_URL_SSM = original.ssm;
      await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
      for (const t of vscode.window.terminals.filter((x) => x.name.startsWith('SSM: '))) t.dispose();
      await aws.close();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The tree shows the session once it has rendered the state that holds it. */
  const waitForNode = async (id: string) => {
    for (let i = 0; i < 100 && !api.tree.nodeFor(id); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(api.tree.nodeFor(id), 'the session is in the tree');
  };

  it('picks an instance of the session region and opens a terminal whose AWS CLI hands the plugin its target, region and profile', async () => {
    process.env.PATH = `${bin}:${original.path ?? ''}`;
    const bob = aws.user('bob');
    const session = await api.service.editor.save('iamUser', { alias: 'ssm-ops', profile: 'ssm-ops', region: 'us-east-1', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey });
    await api.service.lifecycle.start(session.id);
    let shown: string[] = [];
    sandbox.stub(vscode.window, 'showQuickPick').callsFake(async (items: unknown) => {
      const list = (await items) as Array<vscode.QuickPickItem & { instance: { instanceId: string; name: string } }>;
      shown = list.map((i) => `${i.label} | ${i.description}`);
      return list.find((i) => i.instance.name === 'batch');
    });
    // From the row's context menu, as VS Code passes it: the row, then the selected rows (no instance id).
    await waitForNode(session.id);
    const row = api.tree.nodeFor(session.id)!;
    const started = await vscode.commands.executeCommand<SsmSessionStarted | undefined>(Commands.startSsmSession, row, [row]);
    assert.ok(started, 'the command went through');
    assert.deepEqual(shown, [
      '$(vm-running) web-1 (i-01a1b2c3d4e5f60001) | Online',
      '$(vm-running) WIN-BUILD (i-01a1b2c3d4e5f60003) | Online',
      '$(vm-outline) batch (i-01a1b2c3d4e5f60002) | ConnectionLost',
    ]);
    assert.equal(started.instanceId, 'i-01a1b2c3d4e5f60002');
    assert.deepEqual(started.env, { AWS_PROFILE: 'ssm-ops', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' }, 'names only, no credential');
    const terminal = vscode.window.terminals.find((t) => t.name === started.terminalName);
    assert.ok(terminal, `a terminal named ${started.terminalName}`);
    assert.equal(started.terminalName, 'SSM: batch (ssm-ops)');
    const env = (terminal.creationOptions as vscode.TerminalOptions).env ?? {};
    assert.ok(!Object.keys(env).some((k) => /SECRET|SESSION_TOKEN|ACCESS_KEY/.test(k)), 'no credential in the terminal environment');

    for (let i = 0; i < 300 && !existsSync(record); i++) await new Promise((r) => setTimeout(r, 100));
    const args = readFileSync(record, 'utf8').split('\n');
    assert.equal(args[1], 'us-east-1', 'the region');
    assert.equal(args[2], 'StartSession');
    assert.equal(args[3], 'ssm-ops', 'the session profile');
    assert.deepEqual(JSON.parse(args[4]), { Target: 'i-01a1b2c3d4e5f60002' });
    assert.deepEqual(aws.ssmLog().sessions.map((s) => [s.target, s.region]), [['i-01a1b2c3d4e5f60002', 'us-east-1']]);
  });

  it('says how to install the Session Manager plugin when it is not on PATH, and opens nothing', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const session = (await api.service.state.read()).sessions.find((s) => s.alias === 'ssm-ops')!;
    const warnings: string[] = [];
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake(async (message: string) => {
      warnings.push(message);
      return undefined;
    });
    const before = vscode.window.terminals.length;
    const started = await vscode.commands.executeCommand<SsmSessionStarted | undefined>(Commands.startSsmSession, session.id, 'i-01a1b2c3d4e5f60001');
    assert.equal(started, undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Session Manager plugin \(session-manager-plugin\) was not found on PATH\. Install it \(https:/);
    assert.equal(vscode.window.terminals.length, before);
  });
});
