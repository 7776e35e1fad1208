/**
 * A large organisation behind IAM Identity Center in the browser: the double's Identity Center with 300 accounts ×
 * 3 roles, every fifth account named like the one before it (spelled so that both sanitise to the same profile name).
 * The integration is added and logged in from the CLI (the device code approved at the double), synced, and the tree
 * shows each role on a profile of its own: the colliding accounts' roles take the account id as a suffix. Writes
 * media/screenshots/sso-large-organisation.png with UPDATE_SCREENSHOTS=1 (the README's IAM Identity Center section).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT, startEditor, startLocalAws, waitFor, type Editor, type LocalAws } from './harness';

const ACCOUNTS = 300;
const ROLES = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess'];

describe('a large organisation in IAM Identity Center (browser end to end)', function () {
  this.timeout(300_000);
  let aws: LocalAws;
  let editor: Editor;

  before(async () => {
    aws = await startLocalAws({ command: [process.execPath, join(REPO_ROOT, 'scripts', 'local-aws.mjs'), '--port', '0', '--accounts', String(ACCOUNTS), '--roles', String(ROLES.length), '--colliding-names'] });
    editor = await startEditor({ localAws: aws, viewport: { width: 1400, height: 900 }, settings: { 'awsSessions.ssoLoginFlow': 'device' } });
  });

  after(async () => {
    await editor?.stop();
    await aws?.stop();
  });

  /**
   * Pages down the focused sessions tree until a row with `text` is rendered (the list renders only the rows in
   * view). The keyboard, not the mouse wheel: a row's tooltip under the pointer takes the wheel's events.
   */
  async function reveal(text: string) {
    const row = editor.treeItem(text).first();
    await waitFor(
      async () => {
        if (await row.isVisible().catch(() => false)) return true;
        await editor.page.keyboard.press('PageDown');
        return false;
      },
      { what: `the row ${text}`, timeoutMs: 60_000, intervalMs: 200 },
    );
    return row;
  }

  /** Role rows under an account as shown: [role, description] (the description is "profile · region"). */
  async function rolesShown(): Promise<Array<[string, string]>> {
    const rows = editor.page.locator('.sidebar .monaco-list-row');
    const shown: Array<[string, string]> = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const label = (await rows.nth(i).locator('.label-name').innerText().catch(() => '')).trim();
      const description = (await rows.nth(i).locator('.label-description').innerText().catch(() => '')).trim();
      if (ROLES.includes(label)) shown.push([label, description]);
    }
    return shown;
  }

  it('syncs 300 accounts with colliding names; every role shown has a profile of its own', async () => {
    const { page } = editor;
    const startUrl = (JSON.parse(aws.line) as { ssoStartUrl: string }).ssoStartUrl;
    await editor.openSessionsView();

    // The CLI's login waits for the device code; the user confirms it (here: the double's control route).
    const login = editor.runInTerminal(`aws-sessions integration add --alias acme --start-url ${startUrl} --region eu-west-1 && aws-sessions integration login acme`, { timeoutMs: 180_000 });
    const approved = await waitFor(
      async () => {
        const { pending } = (await (await fetch(`${aws.endpoint}/_double/sso/pending`)).json()) as { pending: Array<{ userCode: string }> };
        if (pending.length === 0) return undefined;
        const res = await fetch(`${aws.endpoint}/_double/sso/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userCode: pending[0].userCode }) });
        return res.ok;
      },
      { what: 'a device code to approve', timeoutMs: 60_000 },
    );
    assert.ok(approved);
    const done = await login;
    assert.equal(done.exitCode, 0, done.output);
    assert.match(done.output, new RegExp(`synced ${ACCOUNTS} accounts: ${ACCOUNTS * ROLES.length} sessions added`));
    // A dialog may have asked before opening the verification page: the code was confirmed elsewhere.
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole('button', { name: /Cancel/ }).click();
    await page.keyboard.press('Escape');

    const integration = editor.treeItem('acme').first();
    await waitFor(async () => new RegExp(`${ACCOUNTS} accounts`).test(await integration.innerText()), { what: 'the synced account count', timeoutMs: 30_000 });
    // Wide enough for the longest profile names (a colliding account's roles carry its id).
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    assert.ok(sidebar, 'the sidebar is shown');
    const edge = sidebar.x + sidebar.width;
    await page.mouse.move(edge, sidebar.y + 300);
    await page.mouse.down();
    await page.mouse.move(edge + 420, sidebar.y + 300, { steps: 10 });
    await page.mouse.up();
    await editor.runCommand('View: Hide Panel'); // the terminal's panel: the tree gets the window's height
    await integration.click(); // folded by default

    // account-0014 and "accöunt-0014" (account 15) both sanitise to account-0014 (and sort side by side); account-0013 above them.
    for (const id of ['200000000013', '200000000014', '200000000015']) await (await reveal(id)).click();
    // The last account's roles in view (it was unfolded at the bottom of the list): down to its last role and back.
    for (let i = 0; i < ROLES.length; i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < ROLES.length; i++) await page.keyboard.press('ArrowUp');
    await page.mouse.move(sidebar.x + sidebar.width + 600, 300); // no hover or tooltip in the screenshot
    const shown = await waitFor<Array<[string, string]> | undefined>(async () => {
      const roles = await rolesShown();
      return roles.length >= 9 ? roles : undefined;
    }, { what: 'the roles of three accounts' });
    const profiles = (shown ?? []).map(([, description]) => description.split(' · ')[0]);
    assert.equal(new Set(profiles).size, profiles.length, `distinct profiles: ${profiles.join(', ')}`);
    // Of two accounts whose names sanitise alike, one role keeps the plain name and the other's takes its account id.
    for (const [base, ids] of [['account-0014', ['200000000014', '200000000015']]] as const) {
      for (const role of ROLES) {
        assert.ok(profiles.includes(`${base}-${role}`), `${base}-${role} in ${profiles.join(', ')}`);
        assert.ok(ids.some((id) => profiles.includes(`${base}-${role}-${id}`)), `the colliding account's ${role} takes its id: ${profiles.join(', ')}`);
      }
    }
    const box = (await page.locator('.part.sidebar').boundingBox())!;
    // The activity bar, the tree and the status bar below the title bar.
    await editor.screenshot('sso-large-organisation', { clip: { x: 0, y: Math.round(box.y), width: Math.round(box.x + box.width), height: Math.round(900 - box.y) } });
  });
});
