/**
 * Consoles side by side in the browser: with `awsSessions.console.browser` = `isolated`, "Open AWS Console" from the
 * tree for two IAM User sessions of two accounts launches the real Chromium once per session, each in its own
 * profile folder, against the double's federation and console pages; both windows stay signed in to their own account.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EXTENSION_ID } from '../../src/core/constants';
import { CONSOLE_PROFILES_DIR } from '../../src/core/console/isolated';
import { REPO_ROOT, startEditor, startLocalAws, waitFor, type Editor, type LocalAws } from './harness';

const CONSOLE_ARGS = '--headless=new --remote-debugging-port=0 --disable-gpu --disable-background-networking --disable-component-update --disable-sync';

/** The processes whose command line names `profileDir` (the console browsers this test had the editor launch). */
function browserPids(profileDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(`--user-data-dir=${profileDir}`)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

describe('consoles side by side in isolated browser profiles (browser end to end)', function () {
  this.timeout(300_000);
  let aws: LocalAws;
  let editor: Editor;
  let seedDir: string;
  const browsers: Browser[] = [];
  const profileDirs: string[] = [];

  before(async () => {
    seedDir = mkdtempSync(join(tmpdir(), 'aws-sessions-e2e-seed-'));
    const seed = join(seedDir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ users: [{ name: 'prod', accountId: '222222222222' }, { name: 'staging', accountId: '333333333333' }] }));
    aws = await startLocalAws({ command: [process.execPath, join(REPO_ROOT, 'scripts', 'local-aws.mjs'), '--port', '0', '--seed', seed] });
    editor = await startEditor({
      localAws: aws,
      viewport: { width: 1400, height: 900 },
      settings: { 'awsSessions.console.browser': 'isolated', 'awsSessions.samlBrowserPath': '/usr/bin/chromium' },
      env: { AWS_SESSIONS_FEDERATION_ENDPOINT: aws.endpoint, AWS_SESSIONS_CONSOLE_ENDPOINT: aws.endpoint, AWS_SESSIONS_CONSOLE_BROWSER_ARGS: CONSOLE_ARGS },
    });
  });

  after(async () => {
    for (const b of browsers.splice(0)) {
      await b.newBrowserCDPSession().then((s) => s.send('Browser.close')).catch(() => undefined);
      await b.close().catch(() => undefined);
    }
    // Whatever of the launched browsers is still there (by the pids of their profile folders).
    for (const dir of profileDirs) {
      for (const pid of browserPids(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    try {
      await editor?.stop();
      await aws?.stop();
    } finally {
      if (seedDir) rmSync(seedDir, { recursive: true, force: true });
    }
  });

  /** The browser of a profile folder, over the port it wrote to DevToolsActivePort. */
  async function connect(profileDir: string): Promise<Browser> {
    const file = join(profileDir, 'DevToolsActivePort');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('\n'), { what: `${file}`, timeoutMs: 60_000 });
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${readFileSync(file, 'utf8').split('\n')[0]}`);
    browsers.push(browser);
    return browser;
  }

  /** The double's console page in a browser, once it shows who is signed in. */
  async function consolePage(browser: Browser): Promise<Page> {
    const page = await waitFor<Page | undefined>(
      () => browser.contexts().flatMap((c) => c.pages()).find((p) => p.url().startsWith(`${aws.endpoint}/console/home`)),
      { what: 'the console page', timeoutMs: 60_000 },
    );
    if (!page) throw new Error('no console page');
    await page.waitForSelector('#who', { timeout: 30_000 });
    return page;
  }

  async function openConsole(alias: string): Promise<void> {
    const row = editor.treeItem(alias).first();
    await row.click();
    await editor.clickRowMenu(row, /^Open AWS Console/);
  }

  it('opens each session from the tree in its own browser profile, each signed in to its own account', async () => {
    await editor.openSessionsView();
    const add = (user: 'prod' | 'staging') =>
      `printf '%s\\n%s\\n' ${aws.user(user).accessKeyId} ${aws.user(user).secretAccessKey} | aws-sessions add --type iamUser --alias ${user}Console --profile ${user} --region eu-west-1`;
    const added = await editor.runInTerminal(`${add('prod')} && ${add('staging')} && aws-sessions list --json`);
    assert.equal(added.exitCode, 0, added.output);
    const listed = JSON.parse(added.output.slice(added.output.search(/^\[/m))) as Array<{ alias: string; id: string }>;
    const idOf = (alias: string) => listed.find((s) => s.alias === alias)!.id;
    const profiles = join(editor.home, '..', 'user-data', 'User', 'globalStorage', EXTENSION_ID, CONSOLE_PROFILES_DIR);
    const prodDir = join(profiles, idOf('prodConsole'));
    const stagingDir = join(profiles, idOf('stagingConsole'));
    profileDirs.push(prodDir, stagingDir);

    await openConsole('prodConsole');
    const prodPage = await consolePage(await connect(prodDir));
    assert.equal(await prodPage.locator('#who').getAttribute('data-account'), '222222222222');

    await openConsole('stagingConsole');
    const stagingPage = await consolePage(await connect(stagingDir));
    assert.equal(await stagingPage.locator('#who').getAttribute('data-account'), '333333333333');

    // Side by side: the first window is still signed in to its own account after the second signed in.
    await prodPage.reload();
    await prodPage.waitForSelector('#who');
    assert.equal(await prodPage.locator('#who').getAttribute('data-account'), '222222222222');
    assert.equal(await stagingPage.locator('#who').getAttribute('data-account'), '333333333333');
    for (const dir of [prodDir, stagingDir]) {
      for (const pid of browserPids(dir)) {
        assert.ok(!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('SigninToken'), 'no sign-in token on a command line');
      }
    }
    await editor.screenshot('consoles-isolated');
  });
});
