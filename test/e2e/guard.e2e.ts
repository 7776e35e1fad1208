/**
 * The guard before long commands, in code-server with shell integration: `terraform apply` (a stub on
 * PATH that waits 2 s, then shows the key and the caller identity through the real AWS CLI) started on
 * credentials that expire in 10 minutes reads refreshed ones; a folder whose expected account is another
 * shows the error status and, on a guarded command, a modal warning naming both accounts.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXTENSION_ID } from '../../src/core/constants';
import { AWS_CLI, startEditor, startLocalAws, waitFor, type Editor, type LocalAws } from './harness';

const keyOf = (text: string | undefined, profile: string) => new RegExp(`\\[${profile}\\]\\naws_access_key_id = (ASIA\\w+)`).exec(text ?? '')?.[1];

// Its output goes to $STUB_OUT (then renamed to $STUB_OUT.done): the command line itself stays plain, so the
// shell integration's start sequence reaches the terminal as the command starts (a redirect around the whole
// line would send it into the file, and VS Code would learn of the start only at the end).
const STUB = `#!/bin/sh
# A stand-in for terraform: starts slowly, then shows what it signs with.
{
  sleep 2
  echo "terraform stub: $*"
  echo "key=$(${AWS_CLI} configure get aws_access_key_id)"
  ${AWS_CLI} --endpoint-url "$AWS_ENDPOINT_URL" sts get-caller-identity --query Arn --output text
} > "$STUB_OUT" 2>&1
mv "$STUB_OUT" "$STUB_OUT.done"
`;

describe('the guard before long commands (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor;
  let aws: LocalAws;
  let stateFile: string;
  let stubDir = '';
  const post = (path: string, body: unknown) => fetch(`${aws.endpoint}/_double/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const activeOf = (alias: string) => {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { sessions: Array<{ id: string; alias: string }>; active: Record<string, { expiration?: string }> };
    const id = state.sessions.find((s) => s.alias === alias)?.id ?? '';
    return state.active[id];
  };

  before(async () => {
    aws = await startLocalAws();
    editor = await startEditor({
      localAws: aws,
      viewport: { width: 1400, height: 900 },
      settings: {
        'terminal.integrated.shellIntegration.enabled': true,
        // Only the guard refreshes in this test, not the early rotation.
        'awsSessions.rotation.refreshAfterFraction': 1,
      },
      beforeStart: ({ root }) => {
        stubDir = join(root, 'stub-bin');
        mkdirSync(stubDir, { recursive: true });
        writeFileSync(join(stubDir, 'terraform'), STUB);
        chmodSync(join(stubDir, 'terraform'), 0o755);
      },
    });
    stateFile = join(dirname(editor.home), 'user-data', 'User', 'globalStorage', EXTENSION_ID, 'sessions.json');
  });

  after(async () => {
    await editor?.stop();
    await aws?.stop();
  });

  let runs = 0;
  /** Types `command` alone on its line in a new terminal (stub first on PATH) and returns what the stub wrote. */
  async function runStub(command: string, waitForOutput = true): Promise<() => Promise<string>> {
    const out = join(stubDir, `out-${++runs}`);
    await editor.runCommand('Terminal: Create New Terminal');
    const terminal = editor.page.locator('.terminal-wrapper.active .xterm, .terminal .xterm').last();
    await terminal.waitFor({ state: 'visible', timeout: 30_000 });
    await terminal.click();
    await editor.page.waitForTimeout(1500); // bash starts and loads the shell integration
    for (const line of [`export PATH=${stubDir}:$PATH STUB_OUT=${out}`, command]) {
      await editor.page.keyboard.type(line, { delay: 2 });
      await editor.page.keyboard.press('Enter');
      await editor.page.waitForTimeout(500);
    }
    const result = () => waitFor(() => (existsSync(`${out}.done`) ? readFileSync(`${out}.done`, 'utf8') : ''), { what: `the output of ${command}`, timeoutMs: 60_000 });
    if (waitForOutput) await result();
    return result;
  }

  it('terraform apply on credentials expiring in 10 minutes: refreshed as it starts, the stub reads the new ones', async () => {
    const bob = aws.user('bob');
    await editor.openSessionsView();
    await post('config', { credentialSeconds: 600 });
    const added = await editor.runInTerminal(`printf '%s\\n%s\\n' ${bob.accessKeyId} ${bob.secretAccessKey} | aws-sessions add --type iamUser --alias bob-guard --profile guard --region eu-west-1 && aws-sessions start bob-guard`);
    assert.equal(added.exitCode, 0, added.output);
    const first = await waitFor(() => keyOf(editor.readAwsFiles().credentials, 'guard'), { what: 'the 10-minute credentials in the file' });
    const leftBefore = Date.parse(activeOf('bob-guard')?.expiration ?? '') - Date.now();
    assert.ok(leftBefore > 0 && leftBefore <= 600_000, `10 minutes left (${Math.round(leftBefore / 1000)} s)`);
    await post('config', { credentialSeconds: null });

    const output = await (await runStub('terraform apply -auto-approve'))();
    const seen = /key=(ASIA\w+)/.exec(output)?.[1];
    assert.ok(seen && seen !== first, `the stub read refreshed credentials (before ${first}, read ${seen}):\n${output}`);
    assert.equal(seen, keyOf(editor.readAwsFiles().credentials, 'guard'));
    assert.ok(output.includes(bob.arn), output);
    const leftAfter = Date.parse(activeOf('bob-guard')?.expiration ?? '') - Date.now();
    assert.ok(leftAfter > 30 * 60_000, `the refreshed credentials have ${Math.round(leftAfter / 60_000)} min left`);
    console.log(`      the stub read ${seen}, valid ${Math.round(leftAfter / 60_000)} min (the start gave ${Math.round(leftBefore / 60_000)} min)`);
  });

  it('a folder expecting another account: the status bar shows the error with the reason, terraform apply gets a modal naming both accounts', async () => {
    const added = await editor.runInTerminal('aws-sessions add --type iamRoleChained --alias prod-deploy --profile prod --region eu-west-1 --role-arn arn:aws:iam::111111111111:role/Deploy --assumer-session-id bob-guard && aws-sessions start prod-deploy');
    assert.equal(added.exitCode, 0, added.output);
    mkdirSync(join(editor.workspace, '.vscode'), { recursive: true });
    writeFileSync(join(editor.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'awsSessions.terminal.expectedAccountIds': ['999999999999'] }));
    const status = editor.page.locator('.statusbar-item').filter({ hasText: /wrong account/ }).first();
    await status.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await status.getAttribute('class') ?? '', /error-kind/);
    assert.match((await status.getAttribute('aria-label')) ?? (await status.innerText()), /prod/);
    await editor.screenshot('guard-wrong-account-status');

    const output = await runStub('terraform apply', false);
    const dialog = editor.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, /started on the wrong AWS account/);
    assert.match(text, /expects AWS account 999999999999, but its terminal profile "prod" holds session "prod-deploy" in account 111111111111/);
    assert.match(text, /cannot stop a command/);
    await editor.screenshot('guard-wrong-account-modal');
    await editor.page.keyboard.press('Escape');
    assert.match(await output(), /assumed-role\/Deploy/, 'the shell was not stopped: the command ran');
  });
});
