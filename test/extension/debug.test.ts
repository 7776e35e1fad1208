/**
 * Debug sessions get what terminals get: a real Node launch configuration started through VS Code's debugger
 * (js-debug) prints AWS_PROFILE and the identity the SDK gets against the local AWS double — by profile, and
 * through the credentials endpoint; a configuration that sets its own profile keeps it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import { startLocalAws, type LocalAws } from '../double';

interface Printed {
  profile?: string;
  region?: string;
  fullUri?: string;
  arn?: string;
  error?: string;
}

describe('debug sessions get the session', function () {
  this.timeout(90_000);
  let aws: LocalAws;
  let api: AwsSessionsApi;
  let dir: string;
  let program: string;
  let sessionId: string;

  before(async () => {
    aws = await startLocalAws({ sso: false });
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await config.update(Settings.stsEndpointUrl, aws.endpoint, vscode.ConfigurationTarget.Global);
    const extension = vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!;
    api = await extension.activate();
    await api.ready;
    const bob = aws.user('bob');
    const session = await api.service.editor.save('iamUser', { alias: 'debug-dev', profile: 'debug-dev', region: 'eu-west-2', accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey, mfaSerial: '' });
    sessionId = session.id;
    await api.service.lifecycle.start(session.id);
    dir = mkdtempSync(join(tmpdir(), 'aws-sessions-debug-'));
    program = join(dir, 'who.js');
    // The debuggee: prints what it got and the identity the SDK's default chain resolves (no profile given in code).
    const sdk = (name: string) => JSON.stringify(join(extension.extensionPath, 'node_modules', '@aws-sdk', name));
    writeFileSync(
      program,
      `const fs = require('fs');
       const out = process.argv[2];
       const printed = { profile: process.env.AWS_PROFILE, region: process.env.AWS_REGION, fullUri: process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI };
       const { defaultProvider } = require(${sdk('credential-provider-node')});
       const { STSClient, GetCallerIdentityCommand } = require(${sdk('client-sts')});
       new STSClient({ region: 'eu-west-2', endpoint: ${JSON.stringify(aws.endpoint)}, credentials: defaultProvider() })
         .send(new GetCallerIdentityCommand({}))
         .then((r) => (printed.arn = r.Arn), (e) => (printed.error = e.name + ': ' + e.message))
         .finally(() => fs.writeFileSync(out, JSON.stringify(printed)));`,
    );
  });

  after(async () => {
    try {
      await api.service.editor.delete(sessionId).catch(() => undefined);
      await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.stsEndpointUrl, undefined, vscode.ConfigurationTarget.Global);
      await aws.close();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Starts a Node launch configuration, returns what the program printed and the configuration VS Code resolved. */
  async function launch(name: string, extra: Partial<vscode.DebugConfiguration> = {}): Promise<{ printed: Printed; resolved: vscode.DebugConfiguration }> {
    const out = join(dir, `${name}.json`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    let resolved: vscode.DebugConfiguration | undefined;
    const started = vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === name) resolved ??= s.configuration;
    });
    try {
      const ok = await vscode.debug.startDebugging(folder, { type: 'node', request: 'launch', name, program, args: [out], runtimeExecutable: process.execPath, console: 'internalConsole', ...extra });
      assert.ok(ok, 'the debug session started');
      const deadline = Date.now() + 60_000;
      while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(existsSync(out), 'the program ran');
      await new Promise((r) => setTimeout(r, 100)); // the file is written in one call; let it land
      assert.ok(resolved, 'the session was seen');
      return { printed: JSON.parse(readFileSync(out, 'utf8')) as Printed, resolved };
    } finally {
      started.dispose();
      if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    }
  }

  it('a Node launch configuration gets AWS_PROFILE and the region; the SDK gets the session identity', async () => {
    const { printed, resolved } = await launch('aws-profile');
    assert.equal((resolved.env as Record<string, string>).AWS_PROFILE, 'debug-dev', JSON.stringify(resolved.env));
    assert.equal(printed.profile, 'debug-dev');
    assert.equal(printed.region, 'eu-west-2');
    assert.equal(printed.arn, 'arn:aws:iam::111111111111:user/bob', printed.error);
  });

  it('a configuration that sets its own profile keeps it', async () => {
    const { printed } = await launch('own-profile', { env: { AWS_PROFILE: 'someone-else' } });
    assert.equal(printed.profile, 'someone-else');
    assert.equal(printed.region, 'eu-west-2', 'the region is still added');
  });

  it('a shell task runs in a terminal that gets AWS_PROFILE from the terminal environment', async () => {
    const out = join(dir, 'task.txt');
    const folder = vscode.workspace.workspaceFolders?.[0] ?? vscode.TaskScope.Workspace;
    const task = new vscode.Task({ type: 'shell' }, folder, 'aws-profile-task', 'test', new vscode.ShellExecution(`printf '%s' "$AWS_PROFILE" > '${out}'`));
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name === 'aws-profile-task') resolve((listener.dispose(), e.exitCode));
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 0);
    assert.equal(readFileSync(out, 'utf8'), 'debug-dev');
  });

  it('with terminal.delivery = endpoint the debuggee gets the endpoint variables, not a profile, and the identity through it', async () => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await config.update(Settings.terminalDelivery, 'endpoint', vscode.ConfigurationTarget.Global);
    try {
      const { printed } = await launch('aws-endpoint', { env: { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_CONFIG_FILE: join(dir, 'none') } });
      assert.equal(printed.profile, undefined);
      assert.match(printed.fullUri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v1\/sessions\//);
      assert.equal(printed.arn, 'arn:aws:iam::111111111111:user/bob', printed.error);
    } finally {
      await config.update(Settings.terminalDelivery, undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
