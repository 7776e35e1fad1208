/**
 * `npm run package` builds dist/aws-sessions.vsix with @vscode/vsce holding only what the extension needs;
 * that .vsix installed into code-server with --install-extension (no development path) shows its icon and
 * the README's images on its details page in the Extensions view, and passes the end-to-end smoke: the view,
 * an IAM User session through the form, started, read by the AWS CLI in the terminal, stopped with the files
 * restored byte for byte.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerBin } from '../../scripts/install-code-server.mjs';
import { FOREIGN_CREDENTIALS, REPO_ROOT, startEditor, waitFor, webviewFrame, type Editor } from './harness';

const VSIX = join(REPO_ROOT, 'dist', 'aws-sessions.vsix');

describe('packaged .vsix installed into code-server (browser end to end)', function () {
  this.timeout(400_000);
  let editor: Editor | undefined;
  let entries: string[] = [];
  let extensionsDir = '';

  before(async () => {
    const build = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `npm run package failed:\n${build.stdout}\n${build.stderr}`);
    entries = execFileSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).trim().split('\n');
    const root = mkdtempSync(join(tmpdir(), 'aws-sessions-vsix-'));
    extensionsDir = join(root, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    const install = spawnSync(codeServerBin(), ['--extensions-dir', extensionsDir, '--user-data-dir', join(root, 'user-data'), '--install-extension', VSIX], { encoding: 'utf8', env: { ...process.env, HOME: join(root, 'home') } });
    assert.equal(install.status, 0, `--install-extension failed:\n${install.stdout}\n${install.stderr}`);
    editor = await startEditor({ extensionPath: false, extensionsDir, viewport: { width: 1400, height: 900 } });
  });

  after(async () => {
    await editor?.stop();
  });

  it('holds only what it needs: the bundles, the manifest, media; no sources, tests, maps or node_modules', () => {
    const files = entries.filter((e) => !e.endsWith('/'));
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/sdk.js', 'extension/dist/cli.js', 'extension/dist/generate.js', 'extension/media/icon.svg', 'extension/media/icon.png', 'extension/schemas/aws-sessions.schema.json']) assert.ok(files.includes(needed), `${needed} is packaged`);
    assert.ok(files.some((f) => /^extension\/dist\/webviews\/.+\.js$/.test(f)), 'the webview bundles are packaged');
    const unwanted = files.filter((f) => /^extension\/(src|test|bench|scripts|docs|\.cache|out)\//.test(f) || /\.map$|\.ts$|\.tsbuildinfo$/.test(f) || (/(^|\/)node_modules\//.test(f) && !f.startsWith('extension/dist/')));
    assert.deepEqual(unwanted, [], 'nothing the extension does not need');
    assert.ok(!files.some((f) => /(^|\/)\.env|\.pem$|id_rsa|credentials$/i.test(f)), 'no secrets-looking files');
    const size = statSync(VSIX).size;
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
});
