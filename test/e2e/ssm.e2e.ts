/**
 * Start SSM Session… from the tree in the browser: an IAM User session added with the CLI and started from the
 * tree, "Start SSM Session…" from its row's context menu, an instance picked from the quick pick of the session
 * region's managed nodes (the double's defaults), then a terminal named after the instance where the real AWS CLI
 * calls StartSession at the double and hands the session to a fake session-manager-plugin that records its arguments.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEditor, waitFor, type Editor } from './harness';

describe('Start SSM Session from the tree (browser end to end)', function () {
  this.timeout(240_000);
  let editor: Editor;
  let record = '';
  let release = '';

  before(async () => {
    editor = await startEditor({
      viewport: { width: 1400, height: 900 },
      // The plugin sits next to the harness's AWS CLI v2 link: it records its arguments, then waits for the test
      // to let it end, so the terminal stays open while the test looks at it. The extension host's PATH is the
      // login shell's (VS Code's server resolves the shell environment, and Debian's /etc/profile sets PATH), so
      // ~/.profile puts ~/.local/bin first, as Debian's default ~/.profile does for a user who installed there.
      beforeStart: ({ root, home }) => {
        const bin = join(home, '.local', 'bin');
        mkdirSync(bin, { recursive: true });
        writeFileSync(join(home, '.profile'), 'if [ -d "$HOME/.local/bin" ]; then PATH="$HOME/.local/bin:$PATH"; fi\n');
        record = join(root, 'plugin-args');
        release = join(root, 'plugin-release');
        writeFileSync(
          join(bin, 'session-manager-plugin'),
          `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${record}.tmp" && mv "${record}.tmp" "${record}"\nwhile [ ! -e "${release}" ]; do sleep 0.2; done\nexit 0\n`,
        );
        chmodSync(join(bin, 'session-manager-plugin'), 0o755);
      },
    });
  });

  after(async () => {
    if (release) writeFileSync(release, '');
    await editor?.stop();
  });

  it('Start SSM Session… from the row menu, pick an instance, and the terminal hands the plugin its target, region and profile', async () => {
    const { page } = editor;
    const bob = editor.localAws!.user('bob');
    await editor.openSessionsView();
    const added = await editor.runInTerminal(`printf '%s\\n%s\\n' ${bob.accessKeyId} ${bob.secretAccessKey} | aws-sessions add --type iamUser --alias ssmOps --profile ssmops --region us-east-1`);
    assert.equal(added.exitCode, 0, added.output);
    const row = editor.treeItem('ssmOps');
    await editor.clickRowAction(row, 'Start Session');
    await waitFor(() => /\[ssmops\]\naws_access_key_id = /.test(editor.readAwsFiles().credentials ?? ''), { what: 'the credentials of ssmops', timeoutMs: 60_000 });

    // The selected row's context menu: the pick of the region's nodes. (VS Code 1.100 passes the selected rows as a
    // second argument only when several are selected; the extension-host test covers that call.)
    await row.first().click();
    await waitFor(async () => /\bselected\b/.test((await row.first().getAttribute('class')) ?? ''), { what: 'the row selected' });
    await editor.clickRowMenu(row, /^Start SSM Session/);
    const pick = page.locator('.quick-input-widget');
    await waitFor(async () => /Start SSM Session: ssmOps \(us-east-1\)/.test(await pick.innerText()), { what: 'the pick of managed instances', timeoutMs: 60_000 });
    const rows = pick.locator('.quick-input-list .monaco-list-row');
    await waitFor(async () => (await rows.count()) === 3, { what: 'three instances in the pick' });
    const shown = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(shown[0], /web-1 \(i-01a1b2c3d4e5f60001\).*Online/);
    assert.match(shown[1], /WIN-BUILD \(i-01a1b2c3d4e5f60003\).*Online/);
    assert.match(shown[2], /batch \(i-01a1b2c3d4e5f60002\).*ConnectionLost/);
    await editor.screenshot('ssm-instance-pick');
    await rows.filter({ hasText: 'batch (i-01a1b2c3d4e5f60002)' }).first().click();

    // A terminal named after the instance and the session runs `aws ssm start-session`, which calls the plugin.
    await page.locator('.part.panel').getByText('SSM: batch (ssmOps)').first().waitFor({ state: 'visible', timeout: 60_000 });
    await waitFor(() => existsSync(record), { what: 'the plugin to be called', timeoutMs: 60_000 });
    const args = readFileSync(record, 'utf8').split('\n');
    const answer = JSON.parse(args[0]) as { SessionId: string; StreamUrl: string; TokenValue: string };
    assert.ok(answer.SessionId, 'the StartSession answer of the double');
    assert.equal(args[1], 'us-east-1', 'the region');
    assert.equal(args[2], 'StartSession');
    assert.equal(args[3], 'ssmops', 'the session profile');
    assert.deepEqual(JSON.parse(args[4]), { Target: 'i-01a1b2c3d4e5f60002' }, 'the target');
    assert.equal(args[5].replace(/\/$/, ''), editor.endpoint, 'the endpoint the AWS CLI called');
    const calls = (await (await fetch(`${editor.endpoint}/_double/calls?service=ssm&action=StartSession`)).json()) as { calls: Array<{ status: number }> };
    assert.deepEqual(calls.calls.map((c) => c.status), [200], 'one StartSession, answered');
    await editor.screenshot('ssm-terminal');
    writeFileSync(release, '');
  });
});
