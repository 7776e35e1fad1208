/**
 * The SAML sign-in window for real: the installed Chromium (headless) over the DevTools pipe on the local
 * double's IdP page. The POST is caught in the browser, the assertion is one AWS accepts, the browser is
 * gone afterwards; a browser that exits, a sign-in that never posts, a cancel, a browser that cannot start.
 */
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSamlResponse } from '../../../src/core/saml/assertion';
import { CancelledError } from '../../../src/core/errors';
import { Chromium, chromiumArgs } from '../../../src/platform/cdp/chromium';
import { BrowserSamlCapture, findBrowser, type BrowserSamlCaptureOptions } from '../../../src/platform/samlBrowser';
import { startLocalAws, type LocalAws } from '../../double';
import { RecordingLogger } from '../support/fakes';
import { tempDir } from '../support/tempDirs';
import { until as poll } from '../support/until';

/** Up to a minute, every 100 ms. */
const until = <T>(what: string, probe: () => T | undefined) => poll(what, probe, 600, 100);

const ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';

/** The pids of browser processes (not their renderers and helpers) started with this profile folder. */
function browsersOf(profileDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const args = readFileSync(join('/proc', name, 'cmdline'), 'utf8').split('\0');
      if (args.includes(`--user-data-dir=${profileDir}`) && !args.some((a) => a.startsWith('--type='))) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('SAML sign-in window: Chromium over the DevTools pipe, on the double IdP', function () {
  this.timeout(120_000);
  const executable = findBrowser(undefined);
  let aws: LocalAws;

  before(async function () {
    if (!executable || process.platform !== 'linux') this.skip();
    aws = await startLocalAws({ samlSignatureRequired: true });
  });
  after(() => aws?.close());

  function capture(profileDir: string, overrides: Partial<BrowserSamlCaptureOptions> = {}) {
    const pasteReasons: string[] = [];
    const logger = new RecordingLogger();
    const capturer = new BrowserSamlCapture({
      profileDir,
      browserPath: () => executable,
      signInUrls: () => [`${aws.endpoint}/saml`],
      headless: () => true,
      askPaste: async (_request, reason) => {
        pasteReasons.push(reason);
        return undefined;
      },
      withProgress: (_title, run) => run(new AbortController().signal),
      logger,
      ...overrides,
    });
    return { capturer, pasteReasons, logger };
  }

  it('signs in on the IdP page, catches the POST (to another site) before it leaves the browser, and closes the browser', async () => {
    const profileDir = tempDir('saml-profile-');
    // The IdP on 127.0.0.1, the sign-in URL on localhost: another site, so the POST navigates across processes.
    const signIn = `${aws.endpoint.replace('127.0.0.1', 'localhost')}/saml`;
    const { capturer, pasteReasons } = capture(profileDir, { signInUrls: () => [signIn] });
    const services = () => aws.state.callLog().filter((c) => c.service !== 'idp').length;
    const before = services();
    const samlResponse = await capturer.capture({ sessionAlias: 'corp', idpUrl: aws.idpUrl([ROLE], PROVIDER, signIn, 'jane'), background: false });
    assert.deepEqual(pasteReasons, []);
    const analysis = analyzeSamlResponse(samlResponse, { signInUrls: [signIn], nowMs: Date.now() });
    assert.deepEqual(analysis.problems, []);
    assert.deepEqual(analysis.rolePairs.map((r) => r.roleArn), [ROLE]);
    assert.equal(services(), before, 'the sign-in POST never reached the double (only the IdP page was visited)');
    assert.equal(aws.state.callLog().filter((c) => c.service === 'idp').length, 1, 'one sign-in at the IdP');
    assert.deepEqual(browsersOf(profileDir), [], 'no browser left running');
  });

  it('a browser that exits during the sign-in cancels it (the user closed the window)', async () => {
    const profileDir = tempDir('saml-profile-');
    const { capturer, logger } = capture(profileDir, { backgroundTimeoutMs: 110_000 });
    // Without `user` the IdP shows its login form: nothing is posted until the browser goes.
    const running = capturer.capture({ sessionAlias: 'corp', idpUrl: aws.idpUrl([ROLE], PROVIDER, `${aws.endpoint}/saml`), background: false });
    await until('the IdP page opening', () => (logger.lines.some((l) => l.includes('opening the IdP page')) ? true : undefined));
    const pids = await until('the browser', () => {
      const found = browsersOf(profileDir);
      return found.length > 0 ? found : undefined;
    });
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await assert.rejects(running, (e: unknown) => e instanceof CancelledError && /browser window closed/.test(e.message));
  });

  it('no SAMLResponse in time, or a browser that cannot start: the reason goes to the paste prompt', async () => {
    const { capturer, pasteReasons } = capture(tempDir('saml-profile-'), { backgroundTimeoutMs: 1_000 });
    await assert.rejects(capturer.capture({ sessionAlias: 'corp', idpUrl: aws.idpUrl([ROLE], PROVIDER, `${aws.endpoint}/saml`), background: false }), CancelledError);
    assert.deepEqual(pasteReasons, ['the browser could not be used (no SAMLResponse within 1 s)']);

    const broken = capture(tempDir('saml-profile-'), { browserPath: () => '/bin/false' });
    await assert.rejects(broken.capturer.capture({ sessionAlias: 'corp', idpUrl: 'http://127.0.0.1:9/', background: false }), CancelledError);
    assert.equal(broken.pasteReasons.length, 1);
    assert.match(broken.pasteReasons[0], /^the browser could not be used \(\/bin\/false could not be started: it exited with code 1(\. It wrote: .*)?\)$/);
  });

  it('a cancelled progress stops the sign-in and the browser', async () => {
    const profileDir = tempDir('saml-profile-');
    const controller = new AbortController();
    const { capturer } = capture(profileDir, { withProgress: (_title, run) => run(controller.signal), backgroundTimeoutMs: 110_000 });
    const running = capturer.capture({ sessionAlias: 'corp', idpUrl: aws.idpUrl([ROLE], PROVIDER, `${aws.endpoint}/saml`), background: false });
    await until('the browser', () => (browsersOf(profileDir).length > 0 ? true : undefined));
    controller.abort();
    await assert.rejects(running, (e: unknown) => e instanceof CancelledError && !/window closed/.test(e.message));
    assert.deepEqual(browsersOf(profileDir), []);
  });

  it('a missing executable fails at once with its path', async () => {
    await assert.rejects(Chromium.launch({ executablePath: '/nonexistent/chrome', profileDir: tempDir('saml-profile-'), headless: true, isRoot: false }), /\/nonexistent\/chrome could not be started: spawn \/nonexistent\/chrome ENOENT/);
  });

  it("the profile folder (the IdP's cookies) is made 0700, and a link or another user's folder in its place is refused before a browser starts", async () => {
    const root = tempDir('saml-profile-');
    const launch = (profileDir: string) => Chromium.launch({ executablePath: '/nonexistent/chrome', profileDir, headless: true, isRoot: false });
    const fresh = join(root, 'fresh');
    await assert.rejects(launch(fresh), /ENOENT/);
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o755 });
    symlinkSync(elsewhere, join(root, 'linked'));
    await assert.rejects(launch(join(root, 'linked')), (e: Error) => /remove it/.test(e.message) && !/ENOENT/.test(e.message));
    assert.equal(statSync(elsewhere).mode & 0o777, 0o755, 'the target of the link is untouched');
    if (process.getuid?.() === 0) {
      const theirs = join(root, 'theirs');
      mkdirSync(theirs, { mode: 0o777 });
      chownSync(theirs, 4242, 4242);
      await assert.rejects(launch(theirs), /belongs to another user/);
    }
    assert.equal(existsSync(join(elsewhere, 'Default')), false);
  });

  it('the command line: own profile, the pipe, headless and --no-sandbox only when asked, about:blank first', () => {
    const args = chromiumArgs({ profileDir: '/p', headless: false, isRoot: false });
    assert.equal(args[0], '--user-data-dir=/p');
    assert.ok(args.includes('--remote-debugging-pipe'));
    assert.equal(args.at(-1), 'about:blank');
    assert.ok(!args.includes('--headless') && !args.includes('--no-sandbox'));
    const headlessRoot = chromiumArgs({ profileDir: '/p', headless: true, isRoot: true });
    assert.ok(headlessRoot.includes('--headless') && headlessRoot.includes('--no-sandbox'));
  });
});
