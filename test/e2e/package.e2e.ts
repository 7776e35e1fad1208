/**
 * Issue 8, item 6: `npm run package` builds dist/aws-sessions.vsix with @vscode/vsce holding only what
 * the extension needs; that .vsix installed into code-server with --install-extension (no development
 * path) passes the end-to-end smoke: the view, an IAM User session through the form, started, read by
 * the AWS CLI in the terminal, stopped with the files restored byte for byte.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerBin } from '../../scripts/install-code-server.mjs';
import { FOREIGN_CREDENTIALS, REPO_ROOT, startEditor, waitFor, type Editor } from './harness';

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
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/sdk.js', 'extension/dist/cli.js', 'extension/dist/generate.js', 'extension/media/icon.svg']) assert.ok(files.includes(needed), `${needed} is packaged`);
    assert.ok(files.some((f) => /^extension\/dist\/webviews\/.+\.js$/.test(f)), 'the webview bundles are packaged');
    const unwanted = files.filter((f) => /^extension\/(src|test|bench|scripts|docs|\.cache|out)\//.test(f) || /\.map$|\.ts$|\.tsbuildinfo$/.test(f) || (/(^|\/)node_modules\//.test(f) && !f.startsWith('extension/dist/')));
    assert.deepEqual(unwanted, [], 'nothing the extension does not need');
    assert.ok(!files.some((f) => /(^|\/)\.env|\.pem$|id_rsa|credentials$/i.test(f)), 'no secrets-looking files');
    const size = statSync(VSIX).size;
    const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('aws-sessions.aws-sessions-'));
    assert.equal(installed.length, 1, `installed: ${readdirSync(extensionsDir).join(', ')}`);
    console.log(`      ${VSIX.slice(REPO_ROOT.length + 1)}: ${files.length} files, ${(size / 1024 / 1024).toFixed(2)} MB; installed as ${installed[0]}`);
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
