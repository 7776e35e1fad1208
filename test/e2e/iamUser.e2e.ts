/**
 * The walking skeleton's user story through the UI: the form, start with the MFA prompt, the AWS CLI in the
 * integrated terminal, the status bar, stop; every foreign byte of ~/.aws survives.
 */
import * as assert from 'node:assert/strict';
import { FOREIGN_CONFIG, FOREIGN_CREDENTIALS, mfaCode, startEditor, waitFor, type Editor } from './harness';

describe('IAM User session (browser end to end)', function () {
  this.timeout(240_000);
  let editor: Editor;

  before(async () => {
    editor = await startEditor({ viewport: { width: 1400, height: 900 } });
  });

  after(async () => {
    await editor?.stop();
  });

  it('creates a session with the form, starts it with MFA, and the AWS CLI in a new terminal uses it', async () => {
    const alice = editor.localAws!.users.find((u) => u.name === 'alice')!;
    const page = editor.page;
    await editor.openSessionsView();
    await page.locator('.sidebar .welcome-view-content, .sidebar .monaco-list').first().waitFor({ state: 'visible', timeout: 30_000 });
    await editor.screenshot('welcome');

    await page.locator('.sidebar .actions-container [aria-label^="Add Session"]').first().click();
    await editor.pick('IAM User');
    const form = editor.webview();
    await form.getByLabel('Session alias').fill('alice-dev');
    assert.equal(await form.getByLabel('Named profile').inputValue(), 'default');
    await form.getByLabel('Region').selectOption('eu-west-1');
    await form.getByLabel('Access key ID').fill('AKIA-not-valid');
    await form.getByLabel('Secret access key').fill(alice.secretAccessKey);
    await form.getByLabel('MFA device ARN (optional)').fill(alice.mfaSerial!);
    await form.getByRole('button', { name: 'Create session' }).click();
    await waitFor(async () => /20 characters starting with AKIA/.test(await form.locator('#field-accessKeyId-error').innerText()), { what: 'the access key error' });
    await form.getByLabel('Access key ID').fill(alice.accessKeyId);
    await editor.screenshot('session-form');
    await form.getByRole('button', { name: 'Create session' }).click();

    const row = editor.treeItem('alice-dev');
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await row.innerText(), /default · eu-west-1/);

    await editor.clickRowAction(row, 'Start Session');
    const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget input[type="password"]').first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await page.locator('.quick-input-widget').innerText(), /MFA code for "alice-dev"/);
    await input.fill(await mfaCode(alice));
    await input.press('Enter');

    const credentials = await waitFor<string>(() => {
      const text = editor.readAwsFiles().credentials ?? '';
      return /\[default\]\naws_access_key_id = ASIA/.test(text) ? text : '';
    }, { what: 'temporary credentials in the credentials file', timeoutMs: 30_000 });
    assert.ok(credentials.startsWith(FOREIGN_CREDENTIALS), 'foreign credentials kept byte for byte');
    assert.ok(!credentials.includes(alice.secretAccessKey), 'no long-term secret in the file');
    assert.match(editor.readAwsFiles().config ?? '', /\[default\]\nregion = eu-west-1/);

    const status = page.locator('.statusbar-item').filter({ hasText: /default · alice-dev · / }).first();
    await status.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await status.innerText(), /default · alice-dev · 9h 5\dm/);
    await editor.screenshot('session-active');

    const { output, exitCode } = await editor.runInTerminal(`echo "profile=$AWS_PROFILE region=$AWS_REGION"; ${editor.aws('sts get-caller-identity --query Arn --output text')}`);
    assert.equal(exitCode, 0, output);
    assert.match(output, /profile=default region=eu-west-1/);
    assert.ok(output.includes(alice.arn), output);
    // The same command once more where people see it, for the README's picture.
    await editor.page.keyboard.type(`clear; ${editor.aws('sts get-caller-identity --output table')}`, { delay: 1 });
    await editor.page.keyboard.press('Enter');
    await editor.page.locator('.terminal-wrapper.active .xterm-rows, .terminal .xterm-rows').last().filter({ hasText: 'GetCallerIdentity' }).waitFor({ timeout: 30_000 }).catch(() => undefined);
    await editor.screenshot('terminal-caller-identity');

    await editor.clickRowAction(row, 'Stop Session');
    await waitFor(() => editor.readAwsFiles().credentials === FOREIGN_CREDENTIALS, { what: 'the credentials file back to its original bytes' });
    assert.equal(editor.readAwsFiles().config, FOREIGN_CONFIG);
  });
});
