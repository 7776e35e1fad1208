/**
 * The SAML POST interception against an in-memory browser end: the order of the commands (interception
 * before navigation), which requests are answered here and which go on, popups and workers, failures.
 */
import assert from 'node:assert/strict';
import { CdpClosedError } from '../../../../src/platform/cdp/pipe';
import { interceptSignIn, postBodyOf, samlResponseFromPost } from '../../../../src/platform/cdp/signInInterception';
import { FakeBrowser, type Command } from './fakeBrowser';

const SIGN_IN = 'http://127.0.0.1:4567/saml';
const IDP = 'http://127.0.0.1:4567/_double/idp?user=jane';
const DONE = '<p>done</p>';

/** A browser with one page (T1) that auto-attach attaches as S1. */
function browserWithPage(extra: (c: Command, b: FakeBrowser) => { result: Record<string, unknown> } | undefined = () => undefined): FakeBrowser {
  const browser = new FakeBrowser();
  browser.answer = (command, b) => {
    const special = extra(command, b);
    if (special) return special;
    if (command.method === 'Target.setAutoAttach' && !command.sessionId) b.event('Target.attachedToTarget', { sessionId: 'S1', targetInfo: { targetId: 'T1', type: 'page', url: 'about:blank' }, waitingForDebugger: false });
    if (command.method === 'Target.getTargets') return { result: { targetInfos: [{ targetId: 'T1', type: 'page' }, { targetId: 'B1', type: 'browser' }] } };
    return { result: {} };
  };
  return browser;
}

const paused = (requestId: string, url: string, method: string, extra: Record<string, unknown> = {}) => ({ requestId, request: { url, method, headers: {}, ...extra } });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('SAML sign-in interception over the DevTools protocol', () => {
  it('enables Fetch for the sign-in URL on the page before it navigates to the IdP; captures the POST and answers it here', async () => {
    const browser = browserWithPage();
    const posted = interceptSignIn(browser.pipe, { signInUrls: [`${SIGN_IN}/`, 'not a url'], idpUrl: IDP, donePage: DONE });
    await FakeBrowser.settle();
    const trail = browser.trail();
    assert.deepEqual([...trail].sort(), ['Fetch.enable@S1', 'Page.navigate@S1', 'Runtime.runIfWaitingForDebugger@S1', 'Target.getTargets', 'Target.setAutoAttach', 'Target.setAutoAttach@S1']);
    assert.equal(trail.at(-1), 'Page.navigate@S1', 'the page goes to the IdP after its interception is in place');
    assert.ok(trail.indexOf('Fetch.enable@S1') < trail.indexOf('Runtime.runIfWaitingForDebugger@S1'), 'the page runs only once it is intercepted');
    assert.deepEqual(browser.commands.find((c) => c.method === 'Fetch.enable')?.params, { patterns: [{ urlPattern: `${SIGN_IN}*`, requestStage: 'Request' }] });
    assert.deepEqual(browser.commands[0].params, { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    assert.deepEqual(browser.commands.at(-1)?.params, { url: IDP });

    // Matched by the pattern but another path: goes on unchanged.
    browser.event('Fetch.requestPaused', paused('R1', `${SIGN_IN}-other`, 'POST', { postData: form({ SAMLResponse: 'nope' }) }), 'S1');
    // The POST to the sign-in URL: its body as postDataEntries (base64 bytes), in two parts.
    const body = form({ SAMLResponse: 'PHNhbWw+\nPC9zYW1sPg==', RelayState: 'x' });
    const entries = [{ bytes: Buffer.from(body.slice(0, 10)).toString('base64') }, { bytes: Buffer.from(body.slice(10)).toString('base64') }];
    browser.event('Fetch.requestPaused', paused('R2', `${SIGN_IN}?from=idp`, 'POST', { postDataEntries: entries, hasPostData: true }), 'S1');
    assert.equal(await posted, 'PHNhbWw+PC9zYW1sPg==');
    await FakeBrowser.settle();
    const continued = browser.commands.find((c) => c.method === 'Fetch.continueRequest');
    assert.deepEqual(continued && { params: continued.params, sessionId: continued.sessionId }, { params: { requestId: 'R1' }, sessionId: 'S1' });
    const fulfilled = browser.commands.filter((c) => c.method === 'Fetch.fulfillRequest');
    assert.equal(fulfilled.length, 1);
    assert.equal(fulfilled[0].sessionId, 'S1');
    assert.equal(fulfilled[0].params.requestId, 'R2');
    assert.equal(fulfilled[0].params.responseCode, 200);
    assert.equal(Buffer.from(String(fulfilled[0].params.body), 'base64').toString('utf8'), DONE);
  });

  it('answers a GET of the sign-in URL here without resolving; a popup gets its own interception and no second navigation; a worker just runs', async () => {
    const browser = browserWithPage();
    let result: string | undefined;
    void interceptSignIn(browser.pipe, { signInUrls: [SIGN_IN], idpUrl: IDP, donePage: DONE }).then((r) => (result = r));
    await FakeBrowser.settle();
    browser.event('Fetch.requestPaused', paused('G1', SIGN_IN, 'GET'), 'S1');
    browser.event('Target.attachedToTarget', { sessionId: 'S2', targetInfo: { targetId: 'T2', type: 'page' }, waitingForDebugger: true });
    browser.event('Target.attachedToTarget', { sessionId: 'W1', targetInfo: { targetId: 'TW', type: 'service_worker' }, waitingForDebugger: true }, 'S1');
    browser.event('Target.attachedToTarget', { sessionId: 'S1b', targetInfo: { targetId: 'T1', type: 'page' }, waitingForDebugger: true });
    await FakeBrowser.settle();
    assert.equal(result, undefined, 'a GET carries no SAMLResponse');
    const trail = browser.trail();
    assert.ok(trail.includes('Fetch.fulfillRequest@S1'), trail.join(' '));
    assert.deepEqual(trail.filter((t) => t.endsWith('@S2')), ['Fetch.enable@S2', 'Target.setAutoAttach@S2', 'Runtime.runIfWaitingForDebugger@S2']);
    assert.deepEqual(trail.filter((t) => t.endsWith('@W1')), ['Runtime.runIfWaitingForDebugger@W1']);
    assert.deepEqual(trail.filter((t) => t.endsWith('@S1b')), ['Runtime.runIfWaitingForDebugger@S1b'], 'a second session on a prepared target only runs');
    assert.equal(trail.filter((t) => t.startsWith('Page.navigate')).length, 1);
    browser.event('Fetch.requestPaused', paused('P1', SIGN_IN, 'POST', { postData: form({ SAMLResponse: 'from-popup' }) }), 'S2');
    await FakeBrowser.settle();
    assert.equal(result, 'from-popup');
  });

  it('attaches a page that auto-attach did not', async () => {
    const browser = new FakeBrowser();
    browser.answer = (command, b) => {
      if (command.method === 'Target.getTargets') return { result: { targetInfos: [{ targetId: 'T9', type: 'page' }] } };
      if (command.method === 'Target.attachToTarget') b.event('Target.attachedToTarget', { sessionId: 'S9', targetInfo: { targetId: 'T9', type: 'page' }, waitingForDebugger: false });
      return { result: {} };
    };
    void interceptSignIn(browser.pipe, { signInUrls: [SIGN_IN], idpUrl: IDP, donePage: DONE }).catch(() => undefined);
    await FakeBrowser.settle();
    const attach = browser.commands.find((c) => c.method === 'Target.attachToTarget');
    assert.deepEqual(attach?.params, { targetId: 'T9', flatten: true });
    assert.ok(browser.trail().includes('Page.navigate@S9'), browser.trail().join(' '));
  });

  it('rejects naming the IdP URL when the page cannot be opened', async () => {
    const browser = browserWithPage((c) => (c.method === 'Page.navigate' ? { result: { frameId: 'F', errorText: 'net::ERR_CONNECTION_REFUSED' } } : undefined));
    await assert.rejects(interceptSignIn(browser.pipe, { signInUrls: [SIGN_IN], idpUrl: IDP, donePage: DONE }), (e: unknown) => e instanceof Error && e.message === `the sign-in page ${IDP} could not be opened (net::ERR_CONNECTION_REFUSED)`);
  });

  it('rejects with CdpClosedError when the browser goes away before the POST', async () => {
    const browser = browserWithPage();
    const posted = interceptSignIn(browser.pipe, { signInUrls: [SIGN_IN], idpUrl: IDP, donePage: DONE });
    await FakeBrowser.settle();
    browser.fromBrowser.end();
    await assert.rejects(posted, CdpClosedError);
  });

  it('rejects with CdpClosedError when the last page closes (a browser that outlives its windows); a closed popup alone does not', async () => {
    const browser = browserWithPage();
    const seen: { outcome?: unknown } = {};
    const outcome = (): unknown => seen.outcome;
    interceptSignIn(browser.pipe, { signInUrls: [SIGN_IN], idpUrl: IDP, donePage: DONE }).then(
      (r) => (seen.outcome = r),
      (e: unknown) => (seen.outcome = e),
    );
    await FakeBrowser.settle();
    browser.event('Target.attachedToTarget', { sessionId: 'S2', targetInfo: { targetId: 'T2', type: 'page' }, waitingForDebugger: true });
    browser.event('Target.attachedToTarget', { sessionId: 'W1', targetInfo: { targetId: 'TW', type: 'service_worker' }, waitingForDebugger: true });
    await FakeBrowser.settle();
    browser.event('Target.detachedFromTarget', { sessionId: 'S2', targetId: 'T2' });
    browser.event('Target.detachedFromTarget', { sessionId: 'W1', targetId: 'TW' });
    await FakeBrowser.settle();
    assert.equal(outcome(), undefined, 'the IdP page is still open');
    browser.event('Target.detachedFromTarget', { sessionId: 'S1', targetId: 'T1' });
    await FakeBrowser.settle();
    assert.ok(outcome() instanceof CdpClosedError, String(outcome()));
  });

  it('captures the POST to a regional sign-in endpoint (https://<region>.signin.aws.amazon.com/saml)', async () => {
    const browser = browserWithPage();
    const posted = interceptSignIn(browser.pipe, { signInUrls: ['https://signin.aws.amazon.com/saml'], idpUrl: IDP, donePage: DONE });
    await FakeBrowser.settle();
    const patterns = (browser.commands.find((c) => c.method === 'Fetch.enable')?.params.patterns as Array<{ urlPattern: string }>).map((p) => p.urlPattern);
    assert.deepEqual(patterns, ['https://signin.aws.amazon.com/saml*', 'https://*.signin.aws.amazon.com/saml*']);
    // Matched by the wildcard pattern, but not a sign-in endpoint: goes on unchanged.
    browser.event('Fetch.requestPaused', paused('R1', 'https://evil.example/x.signin.aws.amazon.com/saml', 'POST', { postData: form({ SAMLResponse: 'nope' }) }), 'S1');
    browser.event('Fetch.requestPaused', paused('R2', 'https://eu-central-1.signin.aws.amazon.com/saml', 'POST', { postData: form({ SAMLResponse: 'cmVnaW9uYWw=' }) }), 'S1');
    assert.equal(await posted, 'cmVnaW9uYWw=');
    await FakeBrowser.settle();
    assert.deepEqual(browser.commands.filter((c) => c.method === 'Fetch.continueRequest').map((c) => c.params.requestId), ['R1']);
    assert.deepEqual(browser.commands.filter((c) => c.method === 'Fetch.fulfillRequest').map((c) => c.params.requestId), ['R2']);
  });

  it('helpers: the POST body, the SAMLResponse field', () => {
    assert.equal(postBodyOf({ postData: 'a=1' }), 'a=1');
    assert.equal(postBodyOf({ postDataEntries: [{ bytes: Buffer.from('b=2').toString('base64') }, {}], postData: 'a=1' }), 'b=2');
    assert.equal(postBodyOf({ postDataEntries: [{}] }), undefined);
    assert.equal(samlResponseFromPost('RelayState=x&SAMLResponse=PD94%0D%0AbWw%2B'), 'PD94bWw+');
    assert.equal(samlResponseFromPost('RelayState=x'), undefined);
    assert.equal(samlResponseFromPost(undefined), undefined);
  });
});
