/**
 * Issue 7 through the UI: "Import from ~/.aws" on a file with static keys (the preview, the two modal
 * dialogs, the keys in SecretStorage and out of the file only after "Remove Keys", a backup), then
 * "Open AWS Console" on the imported chained session: the browser tab signs out, signs in through the
 * double's federation endpoint and lands on the console page of the session's region.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { REPO_ROOT, startEditor, startLocalAws, waitFor, type Editor, type LocalAws } from './harness';

describe('import from ~/.aws and console sign-in (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor;
  let aws: LocalAws;
  let credentials: string;

  before(async () => {
    // 127.0.0.2: code-server rewrites links to 127.0.0.1/localhost into its own port proxy (dropping path
    // and query); a link to AWS is never rewritten, and one to 127.0.0.2 is not either.
    aws = await startLocalAws({ command: [process.execPath, join(REPO_ROOT, 'scripts', 'local-aws.mjs'), '--port', '0', '--host', '127.0.0.2'] });
    const bob = aws.user('bob');
    credentials = `# my keys\n[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n\n[keep]\n; not mine\nregion = us-west-2\n`;
    const config = `[profile bob]\nregion = eu-west-1\n\n[profile admin]\nrole_arn = arn:aws:iam::111111111111:role/Admin\nsource_profile = bob\nregion = eu-central-1\n`;
    editor = await startEditor({
      localAws: aws,
      viewport: { width: 1400, height: 900 },
      awsFiles: { config, credentials },
      env: { AWS_SESSIONS_FEDERATION_ENDPOINT: aws.endpoint, AWS_SESSIONS_CONSOLE_ENDPOINT: aws.endpoint },
    });
  });

  after(async () => {
    await editor?.stop();
    await aws?.stop();
  });

  const dialogButton = (name: string) => editor.page.locator('.monaco-dialog-box').getByRole('button', { name, exact: true });

  it('imports with a preview; the keys leave the file only after confirmation; the chained session opens the console', async () => {
    const page = editor.page;
    await editor.openSessionsView();
    await editor.runCommand('AWS Sessions: Import from ~/.aws');
    await dialogButton('Import').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await page.locator('.monaco-dialog-box').innerText(), /Import 2 item\(s\)/);
    assert.equal(editor.readAwsFiles().credentials, credentials, 'nothing written before accepting');
    await editor.screenshot('import-preview');
    await dialogButton('Import').click();
    await dialogButton('Remove Keys').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(editor.readAwsFiles().credentials, credentials, 'nothing removed before confirming');
    await dialogButton('Remove Keys').click();

    const after = await waitFor(() => {
      const text = editor.readAwsFiles().credentials ?? '';
      return text !== credentials ? text : '';
    }, { what: 'the keys removed from the credentials file' });
    assert.equal(after, `# my keys\n\n[keep]\n; not mine\nregion = us-west-2\n`);
    const backups = readdirSync(dirname(editor.awsFiles!.credentialsFile)).filter((n) => n.startsWith('credentials.aws-sessions-backup-'));
    assert.equal(backups.length, 1);
    await editor.notification(/2 session\(s\) created.*backup at/);

    // The keys are in SecretStorage: the imported user session starts against the double.
    const bobRow = editor.treeItem(/^bob/);
    await editor.clickRowAction(bobRow, 'Start Session');
    await waitFor(() => /\[bob\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'bob started from the imported keys' });

    // Open AWS Console on the chained session: a new browser tab goes logout → login → console.
    const admin = editor.treeItem('admin').first();
    await admin.waitFor({ state: 'visible', timeout: 30_000 });
    const popup = page.context().waitForEvent('page', { timeout: 60_000 });
    await editor.clickRowMenu(admin, /^Open AWS Console/);
    const openButton = dialogButton('Open');
    const tab = await Promise.race([popup, openButton.waitFor({ state: 'visible', timeout: 60_000 }).then(async () => (await openButton.click(), popup))]);
    await tab.waitForLoadState('domcontentloaded');
    await waitFor(async () => /Signed in as/.test(await tab.locator('#who').innerText().catch(() => '')), { what: 'the console page', timeoutMs: 30_000 });
    assert.match(await tab.locator('#who').innerText(), /Signed in as arn:aws:sts::111111111111:assumed-role\/Admin\/aws-sessions-admin in eu-central-1/);
    assert.match(tab.url(), /\/console\/home\?region=eu-central-1$/);
    console.log(`      console landed on ${tab.url()}`);
    await tab.close();
    assert.ok(existsSync(editor.awsFiles!.credentialsFile));
  });
});
