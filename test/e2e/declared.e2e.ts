/**
 * Project sessions in the browser: a workspace folder with `.vscode/aws-sessions.json` gets its sessions after one
 * confirmation: the notification offers them, Preview… shows exactly what is added, Apply (modal) creates them,
 * and they appear in the tree.
 */
import * as assert from 'node:assert/strict';
import { startEditor, waitFor, webviewFrame, type Editor } from './harness';

// The preview is rendered Markdown (its source escapes `-`, `_` and the like; the extension-host test reads that).
const FILE = JSON.stringify(
  {
    sessions: [
      { type: 'saml', alias: 'teamCorp', idpUrl: 'https://idp.example.com/app/amazon_aws/sso/saml', roleArn: 'arn:aws:iam::333333333333:role/Reader', providerArn: 'arn:aws:iam::333333333333:saml-provider/Okta', profile: 'teamcorp', region: 'us-east-1' },
      { type: 'chained', alias: 'teamDeploy', assumer: 'teamCorp', roleArn: 'arn:aws:iam::444444444444:role/Deploy', durationSeconds: 3600, profile: 'teamdeploy', region: 'us-east-1' },
    ],
    expectedAccountIds: { teamdeploy: ['444444444444'] },
  },
  null,
  2,
);

describe('project sessions from .vscode/aws-sessions.json (browser end to end)', function () {
  this.timeout(240_000);
  let editor: Editor;

  before(async () => {
    editor = await startEditor({ viewport: { width: 1400, height: 900 }, workspaceFiles: { '.vscode/aws-sessions.json': FILE } });
  });

  after(async () => {
    await editor?.stop();
  });

  it('offers the folder file once, previews what is added, and Apply creates the sessions shown in the tree', async () => {
    const { page } = editor;
    await editor.openSessionsView();
    assert.equal(await editor.treeItem(/teamCorp|teamDeploy/).count(), 0, 'nothing before the confirmation');

    const offered = await editor.notification(/declares AWS sessions/, 60_000);
    assert.match(offered, /folder "workspace" declares AWS sessions: 2 to add, 0 to update\. Nothing changes until you confirm\./);
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /declares AWS sessions/ }).first();
    await toast.getByRole('button', { name: 'Preview…' }).click();

    // The preview: a read-only document, rendered by the Markdown preview, listing exactly what is added.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /Apply the project sessions of "workspace"\?/);
    const frame = await webviewFrame(page);
    const text = await waitFor(async () => {
      const shown = (await frame.locator('body').innerText()).replace(/\u00a0/g, ' ');
      return /teamDeploy/.test(shown) ? shown : '';
    }, { what: 'the rendered preview' });
    assert.equal((await frame.locator('h1').first().innerText()).trim(), 'Project sessions of "workspace"', 'a heading, not Markdown source');
    assert.equal((await frame.locator('h2').first().innerText()).trim(), 'To add');
    assert.doesNotMatch(text, /\\|^#/m, 'no Markdown escapes or marks shown');
    assert.match(text, /"teamCorp"/);
    assert.match(text, /"teamDeploy"/);
    assert.match(text, /profile "teamdeploy": 444444444444/);
    assert.doesNotMatch(text, /## To update/);
    assert.equal(await editor.treeItem(/teamCorp|teamDeploy/).count(), 0, 'still nothing before Apply');

    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await editor.notification(/project sessions of "workspace": 2 added, 0 updated, 0 no longer declared/, 60_000);
    await editor.treeItem(/teamCorp/).first().waitFor({ state: 'visible', timeout: 30_000 });
    await editor.treeItem(/teamDeploy/).first().waitFor({ state: 'visible', timeout: 30_000 });
    await editor.screenshot('project-sessions');

    const listed = await editor.runInTerminal('aws-sessions list');
    assert.equal(listed.exitCode, 0, listed.output);
    assert.match(listed.output, /teamCorp\s+teamcorp\s+us-east-1/);
    assert.match(listed.output, /teamDeploy\s+teamdeploy\s+us-east-1/);
  });
});
