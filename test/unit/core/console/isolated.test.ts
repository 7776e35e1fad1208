/**
 * Consoles side by side: the profile folder and the redirect page (modes, refusals, what the command line holds),
 * then the real Chromium launched by IsolatedConsoleBrowser for two sessions of two accounts against the double's
 * federation endpoint, driven over its remote-debugging port: each window stays signed in to its own account.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { SdkStsGateway } from '../../../../src/core/aws/sts';
import { ConsoleSignIn } from '../../../../src/core/console/consoleSignIn';
import { CONSOLE_PROFILES_DIR, consoleProfileDir, isolatedBrowserArgs, PROFILE_COLOURS, profileColour, redirectPage, removeConsoleProfile, removeStalePages, seedProfileColour, writeRedirectPage } from '../../../../src/core/console/isolated';
import { systemClock } from '../../../../src/core/ports';
import { SessionService } from '../../../../src/core/sessionService';
import { IsolatedConsoleBrowser, type IsolatedLaunch } from '../../../../src/platform/consoleBrowser';
import { startLocalAws, type LocalAws } from '../../../double';
import { MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';
import { tempDir } from '../../support/tempDirs';

const CHROMIUM = '/usr/bin/chromium';
const mode = (path: string) => lstatSync(path).mode & 0o777;

describe('isolated console: profile folders and the redirect page', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('aws-sessions-isolated-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes one 0700 folder per session and tightens a loose one', () => {
    const a = consoleProfileDir(dir, 'session-a');
    const b = consoleProfileDir(dir, 'session-b');
    assert.notEqual(a, b);
    assert.equal(mode(a), 0o700);
    assert.equal(mode(join(dir, CONSOLE_PROFILES_DIR)), 0o700);
    chmodSync(a, 0o755);
    assert.equal(consoleProfileDir(dir, 'session-a'), a);
    assert.equal(mode(a), 0o700, 'a folder opened to others is closed again');
  });

  it('refuses a symbolic link in place of the folder, a file, and ids that are not plain names', () => {
    mkdirSync(join(dir, CONSOLE_PROFILES_DIR), { mode: 0o700 });
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(dir, CONSOLE_PROFILES_DIR, 'linked'));
    assert.throws(() => consoleProfileDir(dir, 'linked'), /symbolic link/);
    writeFileSync(join(dir, CONSOLE_PROFILES_DIR, 'file'), '');
    assert.throws(() => consoleProfileDir(dir, 'file'), /not a folder|cannot be created/);
    for (const bad of ['../x', '', '.hidden', 'a/b']) assert.throws(() => consoleProfileDir(dir, bad), /cannot name a browser profile folder/, bad);
  });

  it('keeps the sign-in URL in a 0600 page, off the command line, and escapes it in the page', async () => {
    const profile = consoleProfileDir(dir, 's1');
    const url = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRET"</script><b>&Destination=x';
    const page = await writeRedirectPage(profile, url, 'AWS: dev');
    assert.equal(mode(page), 0o600);
    const html = readFileSync(page, 'utf8');
    assert.ok(!html.includes('</script><b>'), 'the URL cannot end the script or add markup');
    assert.ok(html.includes('location.replace('));
    assert.equal(redirectPage(url, 'x'), html.replace('AWS: dev', 'x'));
    const args = isolatedBrowserArgs(profile, page, 'AWS: dev');
    assert.ok(args.includes(`--user-data-dir=${profile}`));
    assert.ok(args.includes('--new-window'));
    assert.ok(args.includes('--window-name=AWS: dev'));
    assert.match(args.at(-1)!, /^file:\/\/.*open-[0-9a-f]{32}\.html$/);
    assert.ok(!args.join(' ').includes('SECRET'), 'no sign-in token on the command line');
  });

  it('removes pages left by a crash once they are old, and only those', async () => {
    const profile = consoleProfileDir(dir, 's1');
    const old = await writeRedirectPage(profile, 'https://x/', 't');
    const fresh = await writeRedirectPage(profile, 'https://y/', 't');
    const past = new Date(Date.now() - 10 * 60_000);
    utimesSync(old, past, past);
    writeFileSync(join(profile, 'Preferences'), '{}');
    assert.equal(await removeStalePages(profile, Date.now()), 1);
    assert.ok(!existsSync(old));
    assert.ok(existsSync(fresh));
    assert.ok(existsSync(join(profile, 'Preferences')), 'the browser’s own files stay');
  });

  it('gives a new profile its session’s window colour, once, and never writes into a profile the browser owns or through a link', async () => {
    const profile = consoleProfileDir(dir, 's1');
    assert.equal(await seedProfileColour(profile, 's1'), true);
    assert.equal(mode(join(profile, 'Default')), 0o700);
    const preferences = join(profile, 'Default', 'Preferences');
    assert.equal(mode(preferences), 0o600);
    const written = JSON.parse(readFileSync(preferences, 'utf8'));
    assert.equal(written.browser.theme.user_color, (0xff000000 | profileColour('s1')) | 0, 'an opaque ARGB integer, as Chromium stores it');
    assert.equal(written.extensions.theme.id, 'user_color_theme_id');

    writeFileSync(preferences, '{"browser":{"theme":{"user_color":-1}},"profile":{"name":"the browser wrote this"}}');
    assert.equal(await seedProfileColour(profile, 's1'), false);
    assert.match(readFileSync(preferences, 'utf8'), /the browser wrote this/, 'a profile the browser owns keeps its preferences');

    const other = consoleProfileDir(dir, 's2');
    const target = join(dir, 'elsewhere-default');
    mkdirSync(target);
    symlinkSync(target, join(other, 'Default'));
    assert.equal(await seedProfileColour(other, 's2'), false);
    assert.deepEqual(readdirSync(target), [], 'nothing written through a link');

    const colours = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id) => profileColour(`session-${id}`));
    assert.ok(colours.every((c) => (PROFILE_COLOURS as readonly number[]).includes(c)));
    assert.ok(new Set(colours).size >= 4, `ten sessions get several colours, not one: ${colours.map((c) => c.toString(16))}`);
    assert.equal(profileColour('session-a'), colours[0], 'a session keeps its colour');
  });

  it("a deleted session's profile folder goes with its cookies; a link in its place and other ids are left alone", async () => {
    const profile = consoleProfileDir(dir, 's1');
    mkdirSync(join(profile, 'Default'));
    writeFileSync(join(profile, 'Default', 'Cookies'), 'signed in');
    const other = consoleProfileDir(dir, 's2');
    assert.equal(await removeConsoleProfile(dir, 's1'), true);
    assert.ok(!existsSync(profile));
    assert.ok(existsSync(other), "another session's profile stays");
    assert.equal(await removeConsoleProfile(dir, 's1'), false, 'a folder never made (or gone) is no error');

    const target = join(dir, 'elsewhere');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    symlinkSync(target, join(dir, CONSOLE_PROFILES_DIR, 's3'));
    assert.equal(await removeConsoleProfile(dir, 's3'), false);
    assert.ok(existsSync(join(target, 'keep')), "the link's target is untouched");
    assert.equal(await removeConsoleProfile(dir, '..'), false);
    assert.equal(await removeConsoleProfile(dir, '../elsewhere'), false);
    assert.ok(existsSync(join(target, 'keep')));
  });
});

describe('isolated console: two sessions signed in side by side in the real Chromium', function () {
  this.timeout(120_000);
  let aws: LocalAws;
  let dir: string;
  const launches: IsolatedLaunch[] = [];
  const browsers: Browser[] = [];

  before(function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is needed (apt-get install chromium)`);
  });
  beforeEach(async () => {
    dir = tempDir('aws-sessions-consoles-');
    aws = await startLocalAws({ sso: false, seed: { users: [{ name: 'prod', accountId: '222222222222' }, { name: 'staging', accountId: '333333333333' }] } });
  });
  afterEach(async () => {
    for (const b of browsers.splice(0)) await b.close().catch(() => undefined);
    for (const l of launches.splice(0)) {
      try {
        if (l.pid) process.kill(-l.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function setup() {
    const secrets = new MemorySecretVault();
    const sts = new SdkStsGateway({ endpoint: () => aws.endpoint });
    const logger = new RecordingLogger();
    const service = new SessionService({ state: new MemoryStateStore(), secrets, sts, prompter: new ScriptedPrompter([]), clock: systemClock, logger, delivery: new MemoryDelivery() });
    const signIn = new ConsoleSignIn({
      state: service.state,
      resolver: service.resolver,
      secrets,
      sts,
      prompter: new ScriptedPrompter([]),
      clock: systemClock,
      logger,
      fetch: (u, i) => fetch(u, i),
      hostOverrides: () => ({ federationEndpoint: aws.endpoint, consoleEndpoint: aws.endpoint }),
      sessionDurationSeconds: () => 3600,
    });
    const browser = new IsolatedConsoleBrowser({
      storageDir: dir,
      browserPath: () => CHROMIUM,
      extraArgs: () => ['--headless=new', '--remote-debugging-port=0', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      logger,
      // Long enough for a cold start of the browser on a busy machine (the default is a minute).
      pageLifetimeMs: 20_000,
    });
    const save = (user: 'prod' | 'staging') =>
      service.editor.save('iamUser', { alias: user, profile: user, region: 'eu-west-1', accessKeyId: aws.user(user).accessKeyId, secretAccessKey: aws.user(user).secretAccessKey });
    return { service, signIn, browser, save, logger };
  }

  /** The browser of a profile folder, over the port it wrote to DevToolsActivePort. */
  async function connect(profileDir: string): Promise<Browser> {
    const file = join(profileDir, 'DevToolsActivePort');
    for (let i = 0; i < 300 && !(existsSync(file) && readFileSync(file, 'utf8').includes('\n')); i++) await new Promise((r) => setTimeout(r, 100));
    const port = readFileSync(file, 'utf8').split('\n')[0];
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    browsers.push(browser);
    return browser;
  }

  /** The console page of a browser once it shows an account (or "Not signed in"). */
  async function consolePage(browser: Browser) {
    for (let i = 0; i < 300; i++) {
      for (const context of browser.contexts()) {
        for (const page of context.pages()) {
          if (page.url().startsWith(`${aws.endpoint}/console/home`)) {
            await page.waitForSelector('#who');
            return page;
          }
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the console page never opened: ${browser.contexts().flatMap((c) => c.pages().map((p) => p.url())).join(", ")}`);
  }

  /** media/screenshots/consoles-side-by-side.png: both windows (their real pages, under the window names they were given). */
  async function sideBySide(windows: Array<[string, Awaited<ReturnType<typeof consolePage>>]>): Promise<void> {
    const shots: string[] = [];
    for (const [, page] of windows) {
      await page.setViewportSize({ width: 640, height: 260 });
      shots.push((await page.screenshot()).toString('base64'));
    }
    const frame = (title: string, png: string) =>
      `<div class="w"><div class="t">${title}</div><img src="data:image/png;base64,${png}"></div>`;
    const html = `<!doctype html><style>body{margin:0;padding:16px;background:#d6d9dc;display:flex;gap:16px;font:13px system-ui,sans-serif}.w{border:1px solid #999;border-radius:6px;overflow:hidden;box-shadow:0 2px 8px #0003;background:#fff}.t{background:#dfe1e5;padding:6px 10px}img{display:block}</style>${windows.map(([title], i) => frame(title, shots[i])).join('')}`;
    const composer = await windows[0][1].context().newPage();
    await composer.setViewportSize({ width: 1330, height: 330 });
    await composer.setContent(html);
    mkdirSync(join(__dirname, '../../../../media/screenshots'), { recursive: true });
    const shot = join(__dirname, '../../../../media/screenshots/consoles-side-by-side.png');
    await composer.screenshot({ path: shot });
    // A palette PNG of 64 colours, as the e2e harness writes the README's other screenshots.
    spawnSync('pngquant', ['--speed', '1', '--strip', '--force', '--output', shot, '64', shot]);
    await composer.close();
  }

  const accountShown = async (page: Awaited<ReturnType<typeof consolePage>>) => page.locator('#who').getAttribute('data-account');

  it('opens each session in its own profile; both stay signed in to their own accounts, and no token is on a command line', async () => {
    const t = setup();
    const prod = await t.save('prod');
    const staging = await t.save('staging');

    const prodLink = await t.signIn.link(prod.id);
    const a = await t.browser.open(prod, prodLink.url);
    launches.push(a);
    const prodPage = await consolePage(await connect(a.profileDir));
    assert.equal(await accountShown(prodPage), '222222222222');

    const stagingLink = await t.signIn.link(staging.id);
    const b = await t.browser.open(staging, stagingLink.url);
    launches.push(b);
    assert.notEqual(a.profileDir, b.profileDir);
    const stagingPage = await consolePage(await connect(b.profileDir));
    assert.equal(await accountShown(stagingPage), '333333333333');

    // The first console is still its own after the second signed in.
    await prodPage.reload();
    assert.equal(await accountShown(prodPage), '222222222222');
    await stagingPage.reload();
    assert.equal(await accountShown(stagingPage), '333333333333');
    assert.equal(aws.federationLog().logouts, 0, 'no sign-out step in isolated mode');

    for (const launch of [a, b]) {
      const cmdline = readFileSync(`/proc/${launch.pid}/cmdline`, 'utf8');
      assert.ok(cmdline.includes(`--user-data-dir=${launch.profileDir}`));
      assert.ok(!cmdline.includes('SigninToken') && !cmdline.includes(new URL(prodLink.url).searchParams.get('SigninToken')!), 'the sign-in token is not on the command line');
      assert.equal(mode(launch.profileDir), 0o700);
    }
    if (process.env.UPDATE_SCREENSHOTS) await sideBySide([['AWS: prod', prodPage], ['AWS: staging', stagingPage]]);
    await Promise.all([a.pageRemoved, b.pageRemoved]);
    for (const launch of [a, b]) assert.deepEqual(readdirSync(launch.profileDir).filter((n) => n.startsWith('open-')), [], 'the redirect page is removed');
    assert.ok(!t.logger.lines.some((l) => l.includes('SigninToken')), 'the link is never logged');
  });

  it('in one shared profile (what the system browser does) the second sign-in replaces the first', async () => {
    const t = setup();
    const prod = await t.save('prod');
    const staging = await t.save('staging');
    const shared = { id: 'shared-profile', alias: 'shared' };
    const a = await t.browser.open(shared, (await t.signIn.link(prod.id)).url);
    launches.push(a);
    const browser = await connect(a.profileDir);
    const first = await consolePage(browser);
    assert.equal(await accountShown(first), '222222222222');
    // A second page of the same profile signs in as staging (the login sets the one console cookie).
    const second = await browser.contexts()[0].newPage();
    await second.goto((await t.signIn.link(staging.id)).url);
    assert.equal(await accountShown(second), '333333333333');
    await first.reload();
    assert.equal(await accountShown(first), '333333333333', 'the first console now shows the other account');
  });
});
