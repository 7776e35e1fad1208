/**
 * `npm run package` builds dist/aws-sessions.vsix with @vscode/vsce holding only what the extension needs;
 * that .vsix installed into code-server with --install-extension (no development path) shows its icon and
 * the README's images on its details page in the Extensions view, and passes the end-to-end smoke: the view,
 * an IAM User session through the form, started, read by the AWS CLI in the terminal, stopped with the files
 * restored byte for byte; and a SAML sign-in at the double's IdP in headless Chromium, driven by the sign-in
 * window code as packaged (nothing of it outside the installed folder), starting the SAML session.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerBin } from '../../scripts/install-code-server.mjs';
import { VSIX_BUDGET_BYTES } from '../../scripts/package.mjs';
import { FOREIGN_CREDENTIALS, REPO_ROOT, startEditor, startLocalAws, waitFor, webviewFrame, type Editor, type LocalAws } from './harness';

const VSIX = join(REPO_ROOT, 'dist', 'aws-sessions.vsix');
const SAML_ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const SAML_PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';

describe('packaged .vsix installed into code-server (browser end to end)', function () {
  this.timeout(400_000);
  let editor: Editor | undefined;
  let aws: LocalAws | undefined;
  let entries: string[] = [];
  let extensionsDir = '';
  let root: string | undefined;

  before(async () => {
    const build = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `npm run package failed:\n${build.stdout}\n${build.stderr}`);
    entries = execFileSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).trim().split('\n');
    root = mkdtempSync(join(tmpdir(), 'aws-sessions-vsix-'));
    extensionsDir = join(root, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    const install = spawnSync(codeServerBin(), ['--extensions-dir', extensionsDir, '--user-data-dir', join(root, 'user-data'), '--install-extension', VSIX], { encoding: 'utf8', env: { ...process.env, HOME: join(root, 'home') } });
    assert.equal(install.status, 0, `--install-extension failed:\n${install.stdout}\n${install.stderr}`);
    aws = await startLocalAws();
    await fetch(`${aws.endpoint}/_double/config`, { method: 'POST', body: JSON.stringify({ samlSignatureRequired: true }) });
    editor = await startEditor({
      extensionPath: false,
      extensionsDir,
      localAws: aws,
      viewport: { width: 1400, height: 900 },
      env: { AWS_SESSIONS_SAML_SIGNIN_URLS: `${aws.endpoint}/saml`, AWS_SESSIONS_SAML_HEADLESS: '1' },
    });
  });

  after(async () => {
    try {
      await editor?.stop();
      await aws?.stop();
    } finally {
      if (root && process.env.E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('holds only what it needs: the bundles, the manifest, media; no sources, tests, maps or node_modules', () => {
    const files = entries.filter((e) => !e.endsWith('/'));
    for (const needed of ['extension/package.json', 'extension/dist/main.js', 'extension/dist/extension.js', 'extension/dist/sdk.js', 'extension/dist/cli.js', 'extension/dist/generate.js', 'extension/dist/exec.js', 'extension/media/icon.svg', 'extension/media/icon.png', 'extension/schemas/aws-sessions.schema.json']) assert.ok(files.includes(needed), `${needed} is packaged`);
    assert.ok(files.some((f) => /^extension\/dist\/webviews\/.+\.js$/.test(f)), 'the webview bundles are packaged');
    // The modules loaded on first use (esbuild.config.mjs, lazyEntries): every one the build made (not a development build's maps).
    for (const name of readdirSync(join(REPO_ROOT, 'dist', 'lazy')).filter((n) => n.endsWith('.js'))) assert.ok(files.includes(`extension/dist/lazy/${name}`), `dist/lazy/${name} is packaged`);
    const unwanted = files.filter((f) => /^extension\/(src|test|bench|scripts|docs|\.cache|out)\//.test(f) || /\.map$|\.ts$|\.tsbuildinfo$/.test(f) || (/(^|\/)node_modules\//.test(f) && !f.startsWith('extension/dist/')));
    assert.deepEqual(unwanted, [], 'nothing the extension does not need');
    assert.ok(!files.some((f) => /(^|\/)\.env|\.pem$|id_rsa|credentials$/i.test(f)), 'no secrets-looking files');
    const size = statSync(VSIX).size;
    assert.ok(size <= VSIX_BUDGET_BYTES, `the .vsix is ${size} bytes, over its budget of ${VSIX_BUDGET_BYTES}`);
    assert.deepEqual(files.filter((f) => /playwright/i.test(f)), [], 'the SAML sign-in window needs no browser-automation package');
    const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('aws-sessions.aws-sessions-'));
    assert.equal(installed.length, 1, `installed: ${readdirSync(extensionsDir).join(', ')}`);
    console.log(`      ${VSIX.slice(REPO_ROOT.length + 1)}: ${files.length} files, ${(size / 1024 / 1024).toFixed(2)} MB; installed as ${installed[0]}`);
  });

  it("the installed extension's details page shows its icon and every image of its README", async () => {
    assert.ok(editor);
    const page = editor.page;
    // The Extensions view lists what is installed (there is no gallery here).
    await editor.openSessionsView();
    const item = page.locator('.extensions-list .monaco-list-row').filter({ hasText: 'AWS Sessions' }).first();
    await waitFor(
      async () => {
        if (await item.isVisible()) return true;
        if (!(await page.locator('.sidebar .extensions-viewlet').isVisible())) await page.locator('.activitybar [aria-label^="Extensions"]').first().click();
        return item.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
      },
      { what: 'AWS Sessions in the Extensions view', timeoutMs: 60_000 },
    ).catch(async (error: unknown) => {
      await editor!.screenshot('extension-details-broken');
      throw error;
    });
    await item.click();
    const icon = page.locator('.extension-editor .header .icon').first();
    await icon.waitFor({ state: 'visible', timeout: 30_000 });
    await waitFor(() => icon.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth >= 128), { what: 'the icon loaded' });
    const readme = await webviewFrame(page);
    await readme.locator('h1', { hasText: 'AWS Sessions' }).waitFor({ timeout: 30_000 });
    const images = await waitFor<Array<{ alt: string; loaded: boolean }> | undefined>(
      async () => {
        const found = await readme.evaluate(() => Array.from(document.images).map((img) => ({ alt: img.alt, loaded: img.complete && img.naturalWidth > 0 })));
        return found.length > 0 && found.every((i) => i.loaded) ? found : undefined;
      },
      { what: 'every README image loaded in the details page', timeoutMs: 30_000 },
    ).catch(async (error: unknown) => {
      await editor!.screenshot('extension-details-broken');
      throw error;
    });
    assert.ok(images && images.length >= 4, `the README shows ${images?.length ?? 0} images`);
    await editor.screenshot('extension-details');
    console.log(`      details page: icon and ${images!.length} README images loaded`);
  });

  it('the installed extension passes the smoke: form → start → AWS CLI in the terminal → stop restores the files', async () => {
    assert.ok(editor);
    const bob = editor.localAws!.user('bob');
    await editor.openSessionsView();
    await editor.runCommand('AWS Sessions: Add Session');
    await editor.pick('IAM User');
    const form = editor.webview();
    await form.getByLabel('Session alias').fill('bob-vsix');
    await form.getByLabel('Region').selectOption('eu-west-1');
    await form.getByLabel('Access key ID').fill(bob.accessKeyId);
    await form.getByLabel('Secret access key').fill(bob.secretAccessKey);
    await form.getByRole('button', { name: 'Create session' }).click();
    const row = editor.treeItem('bob-vsix');
    await editor.clickRowAction(row, 'Start Session');
    await waitFor(() => /\[default\]\naws_access_key_id = ASIA/.test(editor!.readAwsFiles().credentials ?? ''), { what: 'credentials delivered', timeoutMs: 30_000 });
    const { output, exitCode } = await editor.runInTerminal(editor.aws('sts get-caller-identity --query Arn --output text'));
    assert.equal(exitCode, 0, output);
    assert.ok(output.includes(bob.arn), output);
    await editor.clickRowAction(row, 'Stop Session');
    await waitFor(() => editor!.readAwsFiles().credentials === FOREIGN_CREDENTIALS, { what: 'the credentials file back to its original bytes' });
  });

  it('the installed extension signs in with SAML at the IdP (headless Chromium over the DevTools pipe) and starts the session', async () => {
    assert.ok(editor && aws);
    // What the installed extension can load: its own folder only; no node_modules beside or above it.
    const installedDir = join(extensionsDir, readdirSync(extensionsDir).find((d) => d.startsWith('aws-sessions.aws-sessions-'))!);
    assert.equal(existsSync(join(installedDir, 'node_modules')), false);
    assert.equal(existsSync(join(extensionsDir, 'node_modules')), false);
    await editor.openSessionsView();
    await editor.runCommand('AWS Sessions: Add Session');
    await editor.pick('IAM Role Federated (SAML 2.0)');
    const form = editor.webview();
    await form.getByLabel('Session alias').fill('corp-vsix');
    await form.getByLabel('Named profile').fill('corp');
    await form.getByLabel('Region').selectOption('eu-west-1');
    await form.getByLabel('Role ARN').fill(SAML_ROLE);
    await form.getByLabel('SAML 2.0 sign-in URL').fill(`${aws.endpoint}/_double/idp?role=${encodeURIComponent(SAML_ROLE)}&provider=${encodeURIComponent(SAML_PROVIDER)}&acs=${encodeURIComponent(`${aws.endpoint}/saml`)}&user=jane`);
    await form.getByLabel('Identity provider ARN').fill(SAML_PROVIDER);
    await form.getByRole('button', { name: 'Create session' }).click();
    const row = editor.treeItem('corp-vsix');
    await editor.clickRowAction(row, 'Start Session');
    await waitFor(() => /\[corp\]\naws_access_key_id = ASIA/.test(editor!.readAwsFiles().credentials ?? ''), { what: 'SAML credentials in the credentials file', timeoutMs: 90_000 }).catch(async (error: unknown) => {
      await editor!.screenshot('package-saml-broken');
      throw error;
    });
    const { output, exitCode } = await editor.runInTerminal(editor.aws('sts get-caller-identity --profile corp --query Arn --output text'));
    assert.equal(exitCode, 0, output);
    assert.match(output, /assumed-role\/SamlDev\/jane/);
    const calls = (await (await fetch(`${aws.endpoint}/_double/calls?action=AssumeRoleWithSAML`)).json()) as { calls: Array<{ status: number }> };
    assert.deepEqual(calls.calls.map((c) => c.status), [200], 'one AssumeRoleWithSAML with the captured assertion; the sign-in POST never left the browser');
    await editor.clickRowAction(row, 'Stop Session');
    await waitFor(() => !/\[corp\]/.test(editor!.readAwsFiles().credentials ?? ''), { what: 'the SAML credentials withdrawn' });
  });
});
