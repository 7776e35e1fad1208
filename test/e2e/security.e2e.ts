/**
 * Issue 8, item 1: no plaintext secret anywhere after a real run. Through the UI: an IAM User session
 * with MFA typed into the form and started, an IAM Identity Center login (device code approved in a
 * browser tab), sync and a role started, the AWS CLI in a terminal. Then every long-term secret key,
 * SSO access/refresh token and OIDC client secret the run used is searched (UTF-8 and UTF-16) in HOME,
 * code-server's user-data (settings, global and workspace storage, the extension's log output),
 * the extensions folder, the workspace, code-server's log, the browser profile and the terminal
 * environment: 0 hits. SecretStorage itself: code-server keeps it in the browser's localStorage,
 * AES-GCM sealed (see SECURITY.md); the scan covers that store too, so it must hold no plain value.
 */
import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FOREIGN_CREDENTIALS, mfaCode, startEditor, waitFor, type Editor } from './harness';

interface Needle {
  label: string;
  value: string;
}

interface ScanResult {
  files: number;
  bytes: number;
  hits: string[];
}

function scan(roots: string[], needles: Needle[]): ScanResult {
  const patterns = needles.flatMap((n) => [
    { label: n.label, bytes: Buffer.from(n.value, 'utf8') },
    { label: `${n.label} (UTF-16)`, bytes: Buffer.from(n.value, 'utf16le') },
  ]);
  const result: ScanResult = { files: 0, bytes: 0, hits: [] };
  const seen = new Set<string>();
  const walk = (path: string) => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
      return;
    }
    if (!st.isFile() || st.size > 512 * 1024 * 1024) return;
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      return; // a file removed while scanning (locks, temp files)
    }
    result.files++;
    result.bytes += data.length;
    for (const p of patterns) if (data.includes(p.bytes)) result.hits.push(`${path}: ${p.label}`);
  };
  for (const root of roots) walk(root);
  return result;
}

/** The profile folder of the Chromium this process launched (playwright's temp profile). */
function chromiumProfiles(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const dir = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find((a) => a.startsWith('--user-data-dir='));
      if (dir) found.push(dir.slice('--user-data-dir='.length));
    } catch {
      /* gone */
    }
  }
  return [...new Set(found)];
}

describe('no plaintext secrets after an end-to-end run (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor;

  before(async () => {
    editor = await startEditor({ viewport: { width: 1400, height: 900 } });
  });

  after(async () => {
    await editor?.stop();
  });

  it('IAM User with MFA and an IAM Identity Center role, used from the terminal: 0 hits on disk, in logs and in the terminal', async () => {
    const page = editor.page;
    const alice = editor.localAws!.user('alice');
    await editor.openSessionsView();

    // 1. IAM User through the form (the secret is typed into the webview), started with MFA.
    await editor.runCommand('AWS Sessions: Add Session');
    await editor.pick('IAM User');
    let form = editor.webview();
    await form.getByLabel('Session alias').fill('alice-sec');
    await form.getByLabel('Named profile').fill('sec');
    await form.getByLabel('Region').selectOption('eu-west-1');
    await form.getByLabel('Access key ID').fill(alice.accessKeyId);
    await form.getByLabel('Secret access key').fill(alice.secretAccessKey);
    await form.getByLabel('MFA device ARN (optional)').fill(alice.mfaSerial!);
    await form.getByRole('button', { name: 'Create session' }).click();
    const row = editor.treeItem('alice-sec');
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const startAlice = row.locator('[aria-label^="Start Session"]');
    await waitFor(async () => {
      await row.hover();
      return startAlice.isVisible();
    }, { what: 'the Start Session action', timeoutMs: 15_000 });
    await startAlice.click();
    const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget input[type="password"]').first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(await mfaCode(alice));
    await input.press('Enter');
    await waitFor(() => /\[sec\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'alice-sec delivered', timeoutMs: 30_000 });

    // 2. IAM Identity Center: the integration form, the device code approved in a tab, sync, a role started.
    const startUrl = (JSON.parse(editor.localAws!.line) as { ssoStartUrl: string }).ssoStartUrl;
    await editor.runCommand('AWS Sessions: Add IAM Identity Center Integration');
    form = editor.webview();
    await form.getByLabel('Integration alias').fill('acme');
    await form.getByLabel('AWS access portal URL').fill(startUrl);
    await form.getByLabel('SSO region').selectOption('eu-west-1');
    await form.getByRole('button', { name: 'Add integration' }).click();
    const text = await editor.notification(/confirm the code [A-Z]{4}-[A-Z]{4}/, 60_000);
    const userCode = /([A-Z]{4}-[A-Z]{4})/.exec(text)![1];
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole('button', { name: /Cancel/ }).click();
    const tab = await page.context().newPage();
    await tab.goto(`${editor.endpoint}/device?user_code=${encodeURIComponent(userCode)}`);
    await tab.getByRole('button', { name: 'Allow access' }).click();
    await tab.locator('#result').filter({ hasText: 'approved' }).waitFor({ timeout: 10_000 });
    await tab.close();
    await page.bringToFront();
    await editor.treeItem('acme').filter({ hasText: 'logged in' }).waitFor({ state: 'visible', timeout: 60_000 });
    // The integration folder is folded by default (organisations may have thousands of accounts).
    await waitFor(async () => /\d+ accounts/.test(await editor.treeItem('acme').innerText()), { what: 'the synced account count', timeoutMs: 30_000 });
    await editor.treeItem('acme').click();
    const account = editor.treeItem('account-0002');
    await account.waitFor({ state: 'visible', timeout: 30_000 });
    await account.click();
    const role = editor.treeItem('ReadOnlyAccess').first();
    await role.waitFor({ state: 'visible', timeout: 15_000 });
    const startRole = role.locator('[aria-label^="Start Session"]');
    await waitFor(async () => {
      await role.hover();
      return startRole.isVisible();
    }, { what: 'the Start Session action on the role', timeoutMs: 15_000 });
    await startRole.click();
    await waitFor(() => /\[default\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'the role delivered', timeoutMs: 30_000 });

    // 3. The terminal: what its environment holds, and the AWS CLI with both profiles.
    const env = await editor.runInTerminal(`env; ${editor.aws('sts get-caller-identity --profile sec --query Arn --output text')}`);
    assert.equal(env.exitCode, 0, env.output);
    assert.ok(env.output.includes(alice.arn), env.output);
    assert.match(env.output, /^AWS_PROFILE=/m, 'the terminal environment was read');

    // 4. What the run used: the long-term keys, and every token and client secret the portal issued.
    const issued = (await (await fetch(`${editor.endpoint}/_double/sso/issued-secrets`)).json()) as { accessTokens: string[]; refreshTokens: string[]; clientSecrets: string[] };
    assert.ok(issued.accessTokens.length >= 1 && issued.refreshTokens.length >= 1 && issued.clientSecrets.length >= 1, JSON.stringify(issued).slice(0, 200));
    const needles: Needle[] = [
      { label: 'IAM secret access key', value: alice.secretAccessKey },
      ...issued.accessTokens.map((value, i) => ({ label: `SSO access token #${i + 1}`, value })),
      ...issued.refreshTokens.map((value, i) => ({ label: `SSO refresh token #${i + 1}`, value })),
      ...issued.clientSecrets.map((value, i) => ({ label: `OIDC client secret #${i + 1}`, value })),
    ];

    // Let VS Code and Chromium flush their storage (state.vscdb, localStorage) before reading the disk.
    await page.waitForTimeout(4000);
    const server = editor.server;
    const logs = scan([join(server.userDataDir, 'logs')], []);
    const extensionLog = readdirSync(join(server.userDataDir, 'logs'), { recursive: true, encoding: 'utf8' }).filter((f) => /AWS Sessions\.log$/.test(f));
    assert.ok(extensionLog.length >= 1 && logs.files > 0, 'the extension log output exists on disk and is part of the scan');
    const logText = readFileSync(join(server.userDataDir, 'logs', extensionLog[0]), 'utf8');
    assert.match(logText, /Session "alice-sec" started/, 'the log is the real one');
    const profiles = chromiumProfiles();
    assert.equal(profiles.length, 1, `the browser profile was found: ${profiles.join(', ')}`);
    const roots = [editor.home, server.userDataDir, server.extensionsDir, editor.workspace, server.logFile, join(server.root, 'terminal'), profiles[0]];
    // Control: a secret known to be on disk (the hand-written foreign profile) is found, so the scan can fail.
    const canary = scan(roots, [{ label: 'canary', value: FOREIGN_CREDENTIALS.split('aws_secret_access_key = ')[1].split('\n')[0] }]);
    assert.deepEqual(canary.hits.map((h) => h.replace(/: .*$/, '').slice(editor.home.length)), ['/.aws/credentials'], 'the scan finds a secret that is there');
    const result = scan(roots, needles);
    console.log(`      scanned ${result.files} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MB, for ${needles.length} secrets (UTF-8 and UTF-16): ${result.hits.length} hits`);
    assert.deepEqual(result.hits, [], 'no plaintext secret anywhere');
    assert.ok(result.files > 50, 'the scan saw the folders');

    // 5. Where SecretStorage went: code-server's browser-side provider, sealed in localStorage.
    const sealed = await page.evaluate(() => localStorage.getItem('secrets.provider'));
    assert.ok(sealed && sealed.length > 200, 'SecretStorage holds our secrets in the browser, sealed');
    for (const n of needles) assert.ok(!sealed.includes(n.value), `${n.label} is not in the sealed blob in clear`);
    const keyHalf = join(server.userDataDir, 'serve-web-key-half');
    assert.ok(existsSync(keyHalf), 'the server half of the key is in user-data');
    console.log(`      SecretStorage: localStorage "secrets.provider", ${sealed.length} chars sealed; server key half ${keyHalf.slice(server.root.length)} mode ${(statSync(keyHalf).mode & 0o777).toString(8)}`);
    const all = await page.evaluate(() => Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k) ?? ''}`).join('\n'));
    for (const n of needles) assert.ok(!all.includes(n.value), `${n.label} is nowhere in the browser's localStorage`);
  });
});
