/**
 * Issue 8, item 1: no plaintext secret anywhere after a real run of every session type. Through the UI
 * and the `aws-sessions` CLI in the integrated terminal:
 * - "Import from ~/.aws" of two profiles with long-term keys, keys removed from the file (byte-exact backup);
 * - the imported IAM User started with 40-second credentials and rotated by the extension (new keys in
 *   the file, a second GetSessionToken signed with its long-term key in the double's log);
 * - an IAM User with MFA typed into the form and started;
 * - an IAM Role Chained session on that user in credential_process delivery, added with the CLI, started,
 *   used by the AWS CLI through `aws-sessions generate`;
 * - an IAM Role Federated (SAML) session signed in on the double's IdP page in headless Chromium;
 * - an IAM Identity Center login (device code approved in a browser tab), sync and a role started;
 * - `env` and the AWS CLI with every profile in a terminal.
 * Then every long-term secret key, SSO access/refresh token and OIDC client secret the run used is
 * searched (UTF-8 and UTF-16) in HOME, code-server's user-data (settings, global and workspace storage,
 * the extension's log output, the SAML browser profile), the extensions folder, the workspace,
 * code-server's log, the browser profile and the terminal output: 0 hits, except the imported keys in
 * the import's backup of the user's own credentials file (see below). SecretStorage itself: code-server
 * keeps it in the browser's localStorage, AES-GCM sealed (see SECURITY.md); the scan covers that store
 * too, so it must hold no plain value.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FOREIGN_CONFIG, FOREIGN_CREDENTIALS, mfaCode, startEditor, startLocalAws, waitFor, type Editor, type LocalAws } from './harness';
import { chromiumProfiles, scan, type Needle } from './secretScan';

const SAML_ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const SAML_PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';
const CHAINED_ROLE = 'arn:aws:iam::111111111111:role/Deploy';
const FOREIGN_SECRET = FOREIGN_CREDENTIALS.split('aws_secret_access_key = ')[1].split('\n')[0];

const keyOf = (text: string | undefined, profile: string) => new RegExp(`\\[${profile}\\]\\naws_access_key_id = (ASIA\\w+)`).exec(text ?? '')?.[1];

describe('no plaintext secrets after an end-to-end run (browser end to end)', function () {
  this.timeout(420_000);
  let editor: Editor;
  let aws: LocalAws;
  let credentials: string;

  before(async () => {
    aws = await startLocalAws();
    await fetch(`${aws.endpoint}/_double/config`, { method: 'POST', body: JSON.stringify({ samlSignatureRequired: true }) });
    const bob = aws.user('bob');
    // The user's own files: the harness's hand-written ones plus bob's long-term keys, to be imported.
    credentials = `${FOREIGN_CREDENTIALS}\n[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`;
    editor = await startEditor({
      localAws: aws,
      viewport: { width: 1400, height: 900 },
      awsFiles: { config: `${FOREIGN_CONFIG}\n[profile bob]\nregion = eu-west-1\n`, credentials },
      env: { AWS_SESSIONS_SAML_SIGNIN_URLS: `${aws.endpoint}/saml`, AWS_SESSIONS_SAML_HEADLESS: '1' },
    });
  });

  after(async () => {
    await editor?.stop();
    await aws?.stop();
  });

  const double = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${aws.endpoint}/_double/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    assert.ok(response.ok, `${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const calls = async (action: string) => (await double<{ calls: Array<{ accessKeyId: string; status: number }> }>(`calls?action=${action}`)).calls;
  const dialogButton = (name: string) => editor.page.locator('.monaco-dialog-box').getByRole('button', { name, exact: true });
  const startFromTree = (row: ReturnType<Editor['treeItem']>) => editor.clickRowAction(row, 'Start Session');

  it('every session type, an import and a rotation, used from the terminal: 0 hits on disk, in logs and in the terminal', async () => {
    const page = editor.page;
    const alice = aws.user('alice');
    const bob = aws.user('bob');
    await editor.openSessionsView();

    // 1. Import from ~/.aws: bob and the foreign profile, keys removed from the file after a backup.
    await editor.runCommand('AWS Sessions: Import from ~/.aws');
    await dialogButton('Import').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await page.locator('.monaco-dialog-box').innerText(), /Import 2 item\(s\)/);
    await dialogButton('Import').click();
    await dialogButton('Remove Keys').waitFor({ state: 'visible', timeout: 30_000 });
    await dialogButton('Remove Keys').click();
    await waitFor(() => editor.readAwsFiles().credentials !== credentials, { what: 'the keys removed from the credentials file' });
    await editor.notification(/2 session\(s\) created.*backup at/);
    const backups = readdirSync(editor.awsFiles!.dir).filter((n) => n.startsWith('credentials.aws-sessions-backup-'));
    assert.equal(backups.length, 1, backups.join(', '));
    const backup = join(editor.awsFiles!.dir, backups[0]);
    assert.equal(readFileSync(backup, 'utf8'), credentials, 'the backup is the user\'s file, byte for byte');

    // 2. Rotation: the imported user started with 40-second credentials (refreshed 20 s before expiry).
    await double('config', { credentialSeconds: 40 });
    await startFromTree(editor.treeItem(/^bob/).first());
    const bobFirstKey = await waitFor(() => keyOf(editor.readAwsFiles().credentials, 'bob'), { what: 'bob started from the imported keys', timeoutMs: 30_000 });
    await double('config', { credentialSeconds: null }); // what follows gets the usual lifetimes

    // 3. IAM User through the form (the secret is typed into the webview), started with MFA.
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
    await startFromTree(editor.treeItem('alice-sec'));
    const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget input[type="password"]').first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(await mfaCode(alice));
    await input.press('Enter');
    await waitFor(() => /\[sec\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'alice-sec delivered', timeoutMs: 30_000 });

    // 4. With the CLI in a terminal: a chained role on alice-sec in credential_process delivery, and a SAML role.
    const idpUrl = `${aws.endpoint}/_double/idp?role=${encodeURIComponent(SAML_ROLE)}&provider=${encodeURIComponent(SAML_PROVIDER)}&acs=${encodeURIComponent(`${aws.endpoint}/saml`)}&user=jane`;
    const added = await editor.runInTerminal(
      `aws-sessions add --type iamRoleChained --alias deploy-cp --profile cp --region eu-west-1 --role-arn ${CHAINED_ROLE} --assumer-session-id alice-sec --delivery-mode credentialProcess < /dev/null` +
        ` && aws-sessions add --type iamRoleFederated --alias corp --profile corp --region eu-west-1 --role-arn ${SAML_ROLE} --idp-url '${idpUrl}' --saml-provider-arn ${SAML_PROVIDER} < /dev/null && aws-sessions list`,
    );
    assert.equal(added.exitCode, 0, added.output);
    assert.match(added.output, /deploy-cp\s+cp\s+eu-west-1\s+iamRoleChained\s+credentialProcess\s+inactive/);
    assert.match(added.output, /corp\s+corp\s+eu-west-1\s+iamRoleFederated\s+credentialsFile\s+inactive/);
    await startFromTree(editor.treeItem('deploy-cp'));
    await waitFor(() => /\[profile cp\]\ncredential_process = \S+\/bin\/aws-sessions generate [0-9a-f-]{36}\n/.test(editor.readAwsFiles().config ?? ''), { what: 'credential_process for deploy-cp', timeoutMs: 30_000 });
    await startFromTree(editor.treeItem('corp'));
    await waitFor(() => keyOf(editor.readAwsFiles().credentials, 'corp'), { what: 'SAML credentials in the credentials file', timeoutMs: 60_000 });
    assert.deepEqual((await calls('AssumeRoleWithSAML')).map((c) => c.status), [200], 'the SAML start signed in through the IdP page');

    // 5. IAM Identity Center: the integration form, the device code approved in a tab, sync, a role started.
    const startUrl = (JSON.parse(aws.line) as { ssoStartUrl: string }).ssoStartUrl;
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
    await tab.goto(`${aws.endpoint}/device?user_code=${encodeURIComponent(userCode)}`);
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
    await startFromTree(editor.treeItem('ReadOnlyAccess').first());
    await waitFor(() => /\[account-0002-ReadOnlyAccess\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'the role delivered', timeoutMs: 30_000 });

    // 6. The terminal: what its environment holds, and the AWS CLI with every profile; cp through
    // credential_process, i.e. the shim's `generate` (run once by hand too, to know its key).
    const cli = (profile: string) => editor.aws(`sts get-caller-identity --profile ${profile} --query Arn --output text`);
    const env = await editor.runInTerminal(`env && aws-sessions generate deploy-cp && ${['sec', 'cp', 'corp', 'bob'].map(cli).join(' && ')}`);
    assert.equal(env.exitCode, 0, env.output);
    assert.match(env.output, /^AWS_PROFILE=/m, 'the terminal environment was read');
    for (const arn of [alice.arn, 'assumed-role/Deploy/aws-sessions-deploy-cp', 'assumed-role/SamlDev/jane', bob.arn]) assert.ok(env.output.includes(arn), `${arn} in:\n${env.output}`);
    const generated = JSON.parse(/^\{"Version":1.*$/m.exec(env.output)![0]) as { AccessKeyId: string; SecretAccessKey: string };
    assert.match(generated.AccessKeyId, /^ASIA/);
    assert.ok((await calls('GetCallerIdentity')).some((c) => c.accessKeyId === generated.AccessKeyId && c.status === 200), 'the AWS CLI signed with what generate returns');
    assert.ok(!(editor.readAwsFiles().credentials ?? '').includes(generated.AccessKeyId), 'credential_process delivery writes no keys to the credentials file');

    // 7. The rotation happened by now (or does shortly): new keys in the file, a second GetSessionToken with bob's key.
    const bobSecondKey = await waitFor(() => {
      const key = keyOf(editor.readAwsFiles().credentials, 'bob');
      return key && key !== bobFirstKey ? key : '';
    }, { what: 'bob\'s rotated credentials', timeoutMs: 60_000, intervalMs: 500 });
    const bobTokens = (await calls('GetSessionToken')).filter((c) => c.accessKeyId === bob.accessKeyId && c.status === 200);
    assert.ok(bobTokens.length >= 2, `bob asked STS again: ${bobTokens.length} GetSessionToken calls`);
    console.log(`      rotation: bob ${bobFirstKey} → ${bobSecondKey} (${bobTokens.length} GetSessionToken calls)`);

    // 8. What the run used: the long-term keys (typed, imported), every token and client secret the portal issued.
    const issued = await double<{ accessTokens: string[]; refreshTokens: string[]; clientSecrets: string[] }>('sso/issued-secrets');
    assert.ok(issued.accessTokens.length >= 1 && issued.refreshTokens.length >= 1 && issued.clientSecrets.length >= 1, JSON.stringify(issued).slice(0, 200));
    const imported: Needle[] = [
      { label: 'imported secret access key (bob)', value: bob.secretAccessKey },
      { label: 'imported secret access key (foreign)', value: FOREIGN_SECRET },
    ];
    const needles: Needle[] = [
      { label: 'IAM secret access key (alice, typed into the form)', value: alice.secretAccessKey },
      ...imported,
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
    assert.match(logText, /Session "bob" refreshed until/, 'the rotation is in the log');
    const profiles = chromiumProfiles();
    assert.equal(profiles.length, 1, `the browser profile was found: ${profiles.join(', ')}`);
    const roots = [editor.home, server.userDataDir, server.extensionsDir, editor.workspace, server.logFile, join(server.root, 'terminal'), profiles[0]];
    const result = scan(roots, needles);
    // The import's backup is the user's own credentials file as it was, byte for byte (checked above): it
    // must hold the imported keys, so exactly those two hits in exactly that file are expected — and they
    // are the canary: secrets known to be on disk are found by the same scan, so the scan can fail. Any
    // other hit (another needle in the backup, an imported key anywhere else) fails the test.
    const expected = (h: { path: string; label: string }) => h.path === backup && imported.some((n) => n.label === h.label);
    const leaks = result.hits.filter((h) => !expected(h)).map((h) => `${h.path}: ${h.label}`);
    console.log(
      `      scanned ${result.files} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MB, for ${needles.length} secrets (UTF-8 and UTF-16): ` +
        `${leaks.length} hits (+ ${result.hits.length - leaks.length} expected in the import backup ${basename(backup)})`,
    );
    assert.deepEqual(result.hits.filter(expected).map((h) => h.label).sort(), imported.map((n) => n.label).sort(), 'the scan finds the imported keys in the backup (canary)');
    assert.deepEqual(leaks, [], 'no plaintext secret anywhere else');
    assert.ok(result.files > 50, 'the scan saw the folders');

    // 9. Where SecretStorage went: code-server's browser-side provider, sealed in localStorage.
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
