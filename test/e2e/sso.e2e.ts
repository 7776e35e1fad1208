/**
 * IAM Identity Center through the UI: add an integration with the form, confirm the device code on
 * the portal's verification page in a real browser tab, and see the accounts and roles in the tree.
 */
import * as assert from 'node:assert/strict';
import { startEditor, waitFor, type Editor } from './harness';

describe('IAM Identity Center integration (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor;

  before(async () => {
    editor = await startEditor({ viewport: { width: 1400, height: 900 } });
  });

  after(async () => {
    await editor?.stop();
  });

  it('adds an integration, approves the device code in the browser, and shows accounts → roles in the tree', async () => {
    const page = editor.page;
    const startUrl = (JSON.parse(editor.localAws!.line) as { ssoStartUrl: string }).ssoStartUrl;
    assert.ok(startUrl, 'the double prints its start URL');
    await editor.openSessionsView();
    await editor.runCommand('AWS Sessions: Add IAM Identity Center Integration');

    const form = editor.webview();
    await form.getByLabel('Integration alias').fill('acme');
    await form.getByLabel('AWS access portal URL').fill('not a url');
    await form.getByLabel('SSO region').selectOption('eu-west-1');
    await form.getByRole('button', { name: 'Add integration' }).click();
    await waitFor(async () => /access portal URL/.test(await form.locator('#field-startUrl-error').innerText()), { what: 'the start URL error' });
    await form.getByLabel('AWS access portal URL').fill(startUrl);
    await editor.screenshot('sso-integration-form');
    await form.getByRole('button', { name: 'Add integration' }).click();

    // The login runs under a cancellable notification that shows the code to confirm.
    const text = await editor.notification(/confirm the code [A-Z]{4}-[A-Z]{4}/, 60_000);
    const userCode = /([A-Z]{4}-[A-Z]{4})/.exec(text)![1];
    await editor.screenshot('sso-device-code');
    // A VS Code dialog may ask before opening the external page; the user confirms in their own tab.
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole('button', { name: /Cancel/ }).click();

    // The user confirms the code on the portal's verification page, in a browser tab of their own.
    const tab = await page.context().newPage();
    await tab.goto(`${editor.endpoint}/device?user_code=${encodeURIComponent(userCode)}`);
    assert.equal(await tab.locator('#user-code').innerText(), userCode);
    await tab.getByRole('button', { name: 'Allow access' }).click();
    await tab.locator('#result').filter({ hasText: 'approved' }).waitFor({ timeout: 10_000 });
    await tab.close();
    await page.bringToFront();

    // Login, then the sync: the integration with its accounts (name and id), then the roles.
    const integration = editor.treeItem('acme');
    await integration.filter({ hasText: 'logged in' }).waitFor({ state: 'visible', timeout: 60_000 });
    await waitFor(async () => /3 accounts/.test(await integration.innerText()), { what: 'the synced account count', timeoutMs: 30_000 });
    await integration.click(); // folded by default (organisations may have thousands of accounts)
    const account = editor.treeItem('account-0002');
    await account.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await account.innerText(), /200000000002/);
    await editor.treeItem('account-0001').waitFor({ state: 'visible' });
    await editor.treeItem('account-0003').waitFor({ state: 'visible' });
    await account.click();
    const role = editor.treeItem('ReadOnlyAccess');
    await role.first().waitFor({ state: 'visible', timeout: 15_000 });
    // Each role on a profile of its own (the name template), in the default region (us-east-1 here).
    assert.match(await role.first().innerText(), /account-0002-ReadOnlyAccess · us-east-1/);
    await editor.screenshot('sso-accounts-tree');

    // Start the role from the tree: its credentials reach the AWS CLI in the terminal.
    await editor.clickRowAction(role, 'Start Session');
    const credentials = await waitFor(() => {
      const c = editor.readAwsFiles().credentials ?? '';
      return /aws_session_token/.test(c) ? c : '';
    }, { what: 'role credentials in the credentials file', timeoutMs: 30_000 });
    assert.match(credentials, /\[account-0002-ReadOnlyAccess\]/);
    const { output, exitCode } = await editor.runInTerminal(editor.aws('sts get-caller-identity --profile account-0002-ReadOnlyAccess --query Arn --output text'));
    assert.equal(exitCode, 0, output);
    assert.match(output, /arn:aws:sts::200000000002:assumed-role\/AWSReservedSSO_ReadOnlyAccess_/);
  });
  it('selects three roles in two accounts and starts them together; the AWS CLI gets three role ARNs', async () => {
    const page = editor.page;
    // After the first test: the integration and account-0002 are unfolded; unfold account-0001 too.
    await editor.treeItem('account-0001').first().click();
    const rows = ['account-0001-AdministratorAccess', 'account-0001-ReadOnlyAccess', 'account-0002-AdministratorAccess'].map((p) => editor.treeItem(new RegExp(`${p} ·`)).first());
    for (const row of rows) await row.waitFor({ state: 'visible', timeout: 30_000 });
    await rows[0].click();
    await rows[1].click({ modifiers: ['Control'] });
    await rows[2].click({ modifiers: ['Control'] });
    await waitFor(async () => (await page.locator('.sidebar .monaco-list-row.selected').count()) === 3, { what: 'three rows selected' });
    await editor.screenshot('sso-multi-select');

    await rows[2].click({ button: 'right', modifiers: ['Control'] }).catch(() => rows[2].click({ button: 'right' }));
    await waitFor(async () => (await page.locator('.sidebar .monaco-list-row.selected').count()) === 3, { what: 'the selection kept for the context menu' });
    const entry = page.getByRole('menuitem', { name: /^Start Session/ }).first();
    await entry.waitFor({ state: 'visible' });
    await page.waitForTimeout(300); // the menu fades in; clicks during the animation are dropped
    await entry.click();

    await waitFor(() => {
      const c = editor.readAwsFiles().credentials ?? '';
      return ['account-0001-AdministratorAccess', 'account-0001-ReadOnlyAccess', 'account-0002-AdministratorAccess'].every((p) => c.includes(`[${p}]`)) ? c : '';
    }, { what: 'the three roles in the credentials file', timeoutMs: 60_000 });
    const { output, exitCode } = await editor.runInTerminal(
      ['account-0001-AdministratorAccess', 'account-0001-ReadOnlyAccess', 'account-0002-AdministratorAccess'].map((p) => editor.aws(`sts get-caller-identity --profile ${p} --query Arn --output text`)).join(' && '),
    );
    assert.equal(exitCode, 0, output);
    const arns = output.match(/arn:aws:sts::\d{12}:assumed-role\/\S+/g) ?? [];
    assert.equal(new Set(arns).size, 3, output);
    assert.match(output, /200000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_/);
    assert.match(output, /200000000001:assumed-role\/AWSReservedSSO_ReadOnlyAccess_/);
    assert.match(output, /200000000002:assumed-role\/AWSReservedSSO_AdministratorAccess_/);
  });
});
