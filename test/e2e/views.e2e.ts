/**
 * The tree, the status bar and the terminal through the UI: filter, context menu, status bar quick pick,
 * and a workspace folder that pins its own profile for its terminals.
 */
import * as assert from 'node:assert/strict';
import { startEditor, waitFor, type Editor } from './harness';

describe('views (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor;

  before(async () => {
    editor = await startEditor({
      viewport: { width: 1400, height: 900 },
      // This project pins its terminals to the "ci" profile, whatever session is used elsewhere.
      workspaceFiles: { '.vscode/settings.json': JSON.stringify({ 'awsSessions.terminal.profile': 'ci' }) },
    });
  });

  after(async () => {
    await editor?.stop();
  });

  async function addSession(alias: string, profile: string, user: 'alice' | 'bob'): Promise<void> {
    const u = editor.localAws!.users.find((x) => x.name === user)!;
    await editor.runCommand('AWS Sessions: Add Session');
    await editor.pick('IAM User');
    const form = editor.webview();
    await form.getByLabel('Session alias').fill(alias);
    await form.getByLabel('Named profile').fill(profile);
    await form.getByLabel('Access key ID').fill(u.accessKeyId);
    await form.getByLabel('Secret access key').fill(u.secretAccessKey);
    await form.getByRole('button', { name: 'Create session' }).click();
    await editor.treeItem(alias).waitFor({ state: 'visible', timeout: 30_000 });
  }

  /** Right-click a tree row and choose a menu entry. */
  async function contextMenu(row: string, entry: string): Promise<void> {
    const page = editor.page;
    await editor.treeItem(row).first().click();
    await editor.treeItem(row).first().click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: new RegExp(`^${entry}`) }).first();
    await item.waitFor({ state: 'visible' });
    await page.waitForTimeout(300); // the menu fades in; clicks during the animation are dropped
    await item.click();
    await item.waitFor({ state: 'hidden' });
  }

  it('filters, acts from the context menu and the status bar, and gives a pinned folder its own profile', async () => {
    const page = editor.page;
    await editor.openSessionsView();
    await addSession('ci-deployer', 'ci', 'bob');
    await addSession('sandbox', 'sandbox', 'bob');
    await addSession('staging-reader', 'staging', 'bob');

    // Filter from the view title: only matching rows remain, the view says how many.
    await page.locator('.sidebar .actions-container [aria-label^="Filter Sessions"]').first().click();
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor({ state: 'visible' });
    await input.pressSequentially('stag', { delay: 30 });
    await waitFor(async () => (await editor.treeItem('sandbox').count()) === 0, { what: 'sandbox filtered out' });
    assert.equal(await editor.treeItem('staging-reader').count(), 1);
    await page.locator('.sidebar').getByText(/Filter "stag": 1 of 3 sessions/).waitFor({ timeout: 10_000 });
    await editor.screenshot('tree-filter');
    await input.press('Enter');
    await page.locator('.sidebar .actions-container [aria-label^="Clear Filter"]').first().click();
    await editor.treeItem('sandbox').waitFor({ state: 'visible' });

    // Context menu: pin the sandbox session; it moves into the Pinned group.
    await contextMenu('sandbox', 'Pin Session');
    await editor.treeItem('Pinned').waitFor({ state: 'visible' });

    // Context menu: start the ci session.
    await contextMenu('ci-deployer', 'Start Session');
    await waitFor(() => /\[ci\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'ci credentials written' });
    await editor.screenshot('tree-context-menu-started');

    // Status bar quick pick: start sandbox, which terminals outside the pinned folder would use.
    const status = page.locator('.statusbar-item').filter({ hasText: /ci · ci-deployer/ }).first();
    await status.waitFor({ state: 'visible', timeout: 15_000 });
    await status.click();
    const pick = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'sandbox' }).first();
    await pick.waitFor({ state: 'visible' });
    await editor.screenshot('status-bar-quick-pick');
    await pick.click();
    await waitFor(() => /\[sandbox\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'sandbox credentials written' });
    await page.locator('.statusbar-item').filter({ hasText: /sandbox · sandbox/ }).first().waitFor({ state: 'visible', timeout: 15_000 });

    // A terminal of the pinned workspace folder still gets the folder's profile.
    const { output, exitCode } = await editor.runInTerminal(`echo "profile=$AWS_PROFILE"; ${editor.aws('sts get-caller-identity --query Arn --output text')}`);
    assert.equal(exitCode, 0, output);
    assert.match(output, /profile=ci\b/);
    assert.match(output, /user\/bob/);
  });

  it("the credentials doctor's page (its script inline under the nonce) acts on its buttons: Run again re-renders the report", async () => {
    await editor.openSessionsView();
    await editor.runCommand('AWS Sessions: Diagnose AWS Credentials');
    const report = editor.webview();
    const summary = report.locator('p.summary');
    await summary.waitFor({ state: 'visible', timeout: 30_000 });
    const first = await summary.innerText();
    await report.getByRole('button', { name: 'Run again' }).click();
    await waitFor(async () => (await summary.innerText()) !== first, { what: 'the report written again by "Run again"' });
  });
});
