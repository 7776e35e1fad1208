/**
 * credential_process end to end in the browser: the `aws-sessions` CLI on the integrated terminal's PATH
 * adds a session, the tree starts it, the AWS CLI in a terminal gets credentials from the editor while the
 * credentials file stays untouched; then two tabs (two extension hosts): closing the serving one, the
 * other takes over and `aws-sessions generate` keeps working.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { EXTENSION_ID } from '../../src/core/constants';
import { FOREIGN_CONFIG, FOREIGN_CREDENTIALS, startEditor, waitFor, type Editor } from './harness';

const run = promisify(execFile);

describe('credential_process and the aws-sessions CLI (browser end to end)', function () {
  this.timeout(240_000);
  let editor: Editor;
  let storage: string;

  const leasePid = (): number | undefined => {
    const file = join(storage, 'ipc', 'server.lease');
    if (!existsSync(file)) return undefined;
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  };

  before(async () => {
    editor = await startEditor({ viewport: { width: 1400, height: 900 }, settings: { 'awsSessions.deliveryMode': 'credentialProcess' } });
    storage = join(dirname(editor.home), 'user-data', 'User', 'globalStorage', EXTENSION_ID);
  });

  after(async () => {
    await editor?.stop();
  });

  it('adds with the CLI in a terminal, starts from the tree, and the AWS CLI in a terminal uses credential_process', async () => {
    const bob = editor.localAws!.users.find((u) => u.name === 'bob')!;
    await editor.openSessionsView();
    const added = await editor.runInTerminal(`printf '%s\\n%s\\n' ${bob.accessKeyId} ${bob.secretAccessKey} | aws-sessions add --type iamUser --alias bob-cp --profile cp --region eu-west-1 && aws-sessions list`);
    assert.equal(added.exitCode, 0, added.output);
    assert.match(added.output, /bob-cp\s+cp\s+eu-west-1\s+iamUser\s+credentialProcess\s+inactive/);

    const row = editor.treeItem('bob-cp');
    await editor.clickRowAction(row, 'Start Session');
    const config = await waitFor(() => {
      const text = editor.readAwsFiles().config ?? '';
      return /credential_process = /.test(text) ? text : '';
    }, { what: 'credential_process in the config file', timeoutMs: 30_000 });
    assert.ok(config.startsWith(FOREIGN_CONFIG), 'foreign config bytes kept');
    assert.match(config.slice(FOREIGN_CONFIG.length), /^\n?\[profile cp\]\ncredential_process = \S+\/bin\/aws-sessions generate [0-9a-f-]{36}\nregion = eu-west-1\n$/);
    await editor.screenshot('credential-process-active');

    const { output, exitCode } = await editor.runInTerminal(`AWS_PROFILE=cp ${editor.aws('sts get-caller-identity --query Arn --output text')}; aws-sessions current cp`);
    assert.equal(exitCode, 0, output);
    assert.ok(output.includes(bob.arn), output);
    assert.match(output, /bob-cp/);
    assert.equal(editor.readAwsFiles().credentials, FOREIGN_CREDENTIALS, 'the credentials file is untouched');
  });

  it('two tabs are two extension hosts: close the serving one and generate still works', async () => {
    const firstPid = await waitFor(leasePid, { what: 'the lease file' });
    const second = await editor.browser.contexts()[0].newPage();
    await second.goto(editor.page.url());
    await second.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await second.locator('.activitybar [aria-label="AWS Sessions"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    const item = second.locator('.activitybar [aria-label="AWS Sessions"]').first();
    // The window restores its layout while it loads: click until the view shows, not blindly (a click on an open view closes it).
    const viewTitle = second.locator('.sidebar .composite.title').filter({ hasText: /AWS SESSIONS/i }).first();
    await waitFor(async () => {
      if (await viewTitle.isVisible().catch(() => false)) return true;
      await item.click();
      await second.waitForTimeout(1000);
      return viewTitle.isVisible().catch(() => false);
    }, { what: 'the AWS Sessions view in the second window', timeoutMs: 30_000 });
    const rowInSecond = second.locator('.sidebar .monaco-list-row').filter({ hasText: 'bob-cp' });
    await rowInSecond.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(leasePid(), firstPid, 'the first window keeps serving while it lives');

    // A change made through the first window (it serves the CLI) shows in the second window's tree.
    const shim = join(storage, 'bin', 'aws-sessions');
    const env = { PATH: process.env.PATH ?? '', HOME: editor.home };
    await run(shim, ['region', 'bob-cp', 'us-west-2'], { env });
    const changed = Date.now();
    await waitFor(async () => /us-west-2/.test(await rowInSecond.innerText()), { what: 'the region change in the other window', timeoutMs: 15_000, intervalMs: 50 });
    console.log(`      the other window's tree showed the change ${Date.now() - changed} ms after the CLI returned`);
    assert.match(editor.readAwsFiles().config ?? '', /\[profile cp\]\ncredential_process = \S+ generate \S+\nregion = us-west-2\n/);
    const before = JSON.parse((await run(shim, ['generate', 'bob-cp'], { env })).stdout) as { Version: number; AccessKeyId: string };
    assert.equal(before.Version, 1);

    await editor.page.close();
    const t0 = Date.now();
    const newPid = await waitFor(() => {
      const pid = leasePid();
      return pid !== undefined && pid !== firstPid ? pid : undefined;
    }, { what: 'another extension host taking over the lease', timeoutMs: 30_000 });
    const handOverMs = Date.now() - t0;
    const after = await run(shim, ['generate', 'bob-cp'], { env });
    const creds = JSON.parse(after.stdout) as { Version: number; AccessKeyId: string; Expiration: string };
    assert.equal(creds.Version, 1);
    assert.ok(Date.parse(creds.Expiration) > Date.now());
    assert.notEqual(newPid, firstPid);
    console.log(`      hand-over: lease moved from process ${firstPid} to ${newPid} ${handOverMs} ms after the tab closed`);
  });
});
