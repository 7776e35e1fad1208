/**
 * Native in the editor, in a workspace that is not trusted (Restricted Mode): the walkthrough ticks its steps
 * off on the real events; a session is created and started with the keyboard alone; the folder's pinned
 * terminal profile is ignored until the folder is trusted; forms keep what was typed (never a secret) while
 * their tab is hidden; axe-core finds no serious or critical violation in any webview in the light, dark and
 * high-contrast themes. A second editor: the view says "Loading" while the saved sessions are being read,
 * never "No AWS sessions yet".
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { EXTENSION_ID } from '../../src/core/constants';
import { REPO_ROOT, startEditor, waitFor, webviewFrame, type Editor } from './harness';

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const THEMES = [
  // `pick`: the theme's row in Preferences: Color Theme.
  { name: 'Default Light Modern', pick: 'Light Modern', workbench: 'vs', webview: 'vscode-light' },
  { name: 'Default Dark Modern', pick: 'Dark Modern', workbench: 'vs-dark', webview: 'vscode-dark' },
  { name: 'Default High Contrast', pick: 'Dark High Contrast', workbench: 'hc-black', webview: 'vscode-high-contrast' },
  { name: 'Default High Contrast Light', pick: 'Light High Contrast', workbench: 'hc-light', webview: 'vscode-high-contrast-light' },
] as const;
const STEPS = ['addSession', 'startSession', 'openTerminal', 'diagnose'];

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: number;
  help: string;
  /** The first nodes: selector and, for contrast, the colours axe measured. */
  where: string[];
}

/** axe-core injected into the frame and run over its document: the violations. */
async function axe(frame: Frame): Promise<AxeViolation[]> {
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(AXE_SOURCE);
  return frame.evaluate(async () => {
    type Node = { target: string[]; any: Array<{ data?: { fgColor?: string; bgColor?: string; contrastRatio?: number } | null }> };
    const result = await (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Node[]; help: string }> }> } }).axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      help: v.help,
      where: v.nodes.slice(0, 4).map((n) => {
        const data = n.any.find((c) => c.data?.fgColor)?.data;
        return `${n.target.join(' ')}${data ? ` ${data.fgColor} on ${data.bgColor} = ${data.contrastRatio}` : ''}`;
      }),
    }));
  });
}

describe('native in the editor: walkthrough, keyboard, Restricted Mode, forms that remember, accessibility (browser end to end)', function () {
  this.timeout(600_000);
  let editor: Editor;
  let page: Page;

  before(async () => {
    editor = await startEditor({
      viewport: { width: 1400, height: 900 },
      workspaceTrust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' },
      // The folder pins its terminals to "ci": ignored while the folder is not trusted.
      workspaceFiles: { '.vscode/settings.json': JSON.stringify({ 'awsSessions.terminal.profile': 'ci' }) },
    });
    page = editor.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await editor?.screenshot(`failed-${this.currentTest.title.slice(0, 40)}`).catch(() => undefined);
  });

  after(async () => {
    await editor?.stop();
  });

  /**
   * Runs a palette command with the keyboard only, then chooses `picks` in the quick picks it opens. A page
   * that lays itself out (the walkthrough, a form) may take the focus, which closes a quick pick before
   * anything is chosen: then Escape and again, at most three times.
   */
  async function palette(title: string, ...picks: string[]): Promise<void> {
    const input = page.locator('.quick-input-widget input[type="text"]');
    for (let attempt = 1; ; attempt++) {
      try {
        // F1 in a webview reaches the workbench through the webview's message channel: press again if it was lost.
        await waitFor(
          async () => {
            if (await input.isVisible()) return true;
            await page.keyboard.press('F1');
            return input.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
          },
          { what: 'the command palette', timeoutMs: 20_000 },
        );
        await chooseByTyping(title);
        await waitFor(async () => !(await input.isVisible()) || !(await input.inputValue()).startsWith('>'), { what: 'the palette closed' });
        for (const pick of picks) await chooseByTyping(pick);
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
  }

  /** Chooses the row of the open quick pick labelled `label`: types it, arrows down to it, Enter. */
  async function chooseByTyping(label: string): Promise<void> {
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type(label, { delay: 5 });
    const focused = page.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
    await waitFor(
      async () => {
        await focused.waitFor({ state: 'visible', timeout: 5_000 });
        if ((await focused.innerText()).trim() === label) return true;
        await page.keyboard.press('ArrowDown');
        return false;
      },
      { what: `the quick pick row "${label}"`, timeoutMs: 20_000, intervalMs: 50 },
    );
    await page.keyboard.press('Enter');
  }

  /** Presses Tab until the focus is on `id` in the frame (at most 20 times). */
  async function tabTo(frame: Frame, id: string): Promise<void> {
    for (let i = 0; i < 20; i++) {
      if (await frame.evaluate((want) => document.activeElement?.id === want, id)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`#${id} is not reachable with Tab`);
  }

  async function walkthroughSteps(screenshot: string): Promise<Record<string, boolean>> {
    await palette('Welcome: Open Walkthrough...', 'Get started with AWS Sessions');
    const steps: Record<string, boolean> = {};
    for (const id of STEPS) {
      const step = page.locator(`.getting-started-step[data-step-id$="${id}"]`).first();
      await step.waitFor({ state: 'attached', timeout: 20_000 });
      steps[id] = (await step.getAttribute('aria-checked')) === 'true';
    }
    await editor.screenshot(screenshot);
    // Closed again: the page takes the focus when it lays out, which would close a quick pick opened next.
    await palette('View: Close Editor');
    await page.locator('.tabs-container .tab').filter({ hasText: 'Walkthrough' }).waitFor({ state: 'detached', timeout: 15_000 });
    return steps;
  }

  it('contributes the walkthrough, in Restricted Mode, with no step done yet', async () => {
    await editor.openSessionsView();
    await page.locator('.statusbar-item').filter({ hasText: /Restricted Mode/ }).first().waitFor({ timeout: 30_000 });
    await page.locator('.sidebar').getByText(/No AWS sessions yet/).waitFor({ timeout: 60_000 });
    assert.deepEqual(await walkthroughSteps('walkthrough'), { addSession: false, startSession: false, openTerminal: false, diagnose: false });
  });

  it('creates and starts a session with the keyboard alone', async () => {
    const bob = editor.localAws!.user('bob');
    await palette('AWS Sessions: Add Session', 'IAM User');
    const form = await webviewFrame(page);
    await waitFor(() => form.evaluate(() => document.activeElement?.id === 'field-alias'), { what: 'the focus in the first field of the new form' });
    assert.equal(await form.getAttribute('#field-alias', 'aria-required'), 'true');
    await page.keyboard.type('kb-dev');
    await tabTo(form, 'field-region');
    await page.keyboard.type('eu-west-1');
    assert.equal(await form.inputValue('#field-region'), 'eu-west-1');
    await tabTo(form, 'field-accessKeyId');
    await page.keyboard.type(bob.accessKeyId);
    await tabTo(form, 'field-secretAccessKey');
    await page.keyboard.type(bob.secretAccessKey);
    await tabTo(form, 'save');
    await page.keyboard.press('Enter');
    await editor.treeItem('kb-dev').waitFor({ state: 'visible', timeout: 30_000 });

    // To the view and the row with the keyboard; Ctrl+Enter starts the selected session.
    await palette('AWS Sessions: Focus on Sessions View');
    const row = editor.treeItem('kb-dev').first();
    await waitFor(
      async () => {
        if ((await row.getAttribute('class'))?.includes('focused')) return true;
        await page.keyboard.press('ArrowDown');
        return false;
      },
      { what: 'the kb-dev row focused with the arrow keys', timeoutMs: 15_000 },
    );
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Enter');
    await waitFor(() => /\[default\]\naws_access_key_id = ASIA/.test(editor.readAwsFiles().credentials ?? ''), { what: 'credentials delivered to [default]', timeoutMs: 30_000 });
  });

  it('opens a terminal with the session; the untrusted folder cannot pin its terminals to another profile', async () => {
    await palette('AWS Sessions: Open Terminal with Session…');
    // The session selected in the tree is used; with none, a quick pick asks.
    const opened = page.locator('.part.panel').getByText('AWS: kb-dev').first();
    const asked = page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: 'kb-dev' });
    await waitFor(
      async () => {
        if (await opened.isVisible()) return true;
        if (await asked.isVisible()) await page.keyboard.press('Enter');
        return false;
      },
      { what: 'the terminal "AWS: kb-dev"', timeoutMs: 30_000 },
    );
    const { output, exitCode } = await editor.runInTerminal('echo "profile=$AWS_PROFILE"');
    assert.equal(exitCode, 0, output);
    assert.match(output, /profile=default\b/, 'the pinned "ci" is ignored in Restricted Mode');
  });

  it('diagnoses, and the walkthrough has ticked off every step', async () => {
    await palette('AWS Sessions: Diagnose AWS Credentials');
    const doctor = await webviewFrame(page);
    await doctor.locator('h1', { hasText: 'AWS credentials doctor' }).waitFor({ timeout: 60_000 });
    await editor.screenshot('doctor');
    assert.deepEqual(await walkthroughSteps('walkthrough-done'), { addSession: true, startSession: true, openTerminal: true, diagnose: true });
  });

  it('keeps what was typed in a form while its tab is hidden, never a secret', async () => {
    await palette('AWS Sessions: Add Session', 'IAM User');
    let form = await webviewFrame(page);
    await form.fill('#field-alias', 'remember-me');
    await form.selectOption('#field-region', 'ap-southeast-2');
    await form.fill('#field-secretAccessKey', 'not-kept-secret-value');
    // Another tab in front of the form, then the form again.
    await palette('File: New Untitled Text File');
    await page.locator('.tabs-container .tab.active').filter({ hasText: /Untitled/ }).waitFor({ timeout: 15_000 });
    await page.locator('.tabs-container .tab').filter({ hasText: 'New IAM User session' }).first().click();
    form = await webviewFrame(page);
    await waitFor(async () => (await form.inputValue('#field-alias').catch(() => '')) === 'remember-me', { what: 'the alias typed before the tab was hidden' });
    assert.equal(await form.inputValue('#field-region'), 'ap-southeast-2');
    assert.equal(await form.inputValue('#field-secretAccessKey'), '', 'the secret was not kept');
    assert.match(await form.locator('#status-text').innerText(), /Type the Secret access key again/);
    assert.equal(await form.evaluate(() => document.activeElement?.id), 'field-secretAccessKey', 'the focus is where to type again');
  });

  it('axe-core: no serious or critical violation in the session form, the integration form and the doctor, in every theme', async () => {
    // The three webviews, each open in its tab (the tests above may have opened some).
    const open = async (tab: string, command: string, pick?: string) => {
      if (await page.locator('.tabs-container .tab').filter({ hasText: tab }).count()) return;
      await palette(command, ...(pick ? [pick] : []));
      await page.locator('.tabs-container .tab').filter({ hasText: tab }).first().waitFor({ timeout: 60_000 });
    };
    await editor.openSessionsView();
    await page.locator('.sidebar .welcome-view-content, .sidebar .monaco-list-row').first().waitFor({ timeout: 60_000 });
    await open('New IAM User session', 'AWS Sessions: Add Session', 'IAM User');
    await (await webviewFrame(page)).locator('#field-alias').waitFor({ timeout: 30_000 });
    await open('AWS Credentials Doctor', 'AWS Sessions: Diagnose AWS Credentials');
    await (await webviewFrame(page)).locator('h1').waitFor({ timeout: 60_000 });
    await open('New IAM Identity Center integration', 'AWS Sessions: Add IAM Identity Center Integration');
    await (await webviewFrame(page)).locator('#field-alias').waitFor({ timeout: 30_000 });
    const webviews = [
      { tab: 'New IAM User session', ready: '#field-alias', prepare: async (frame: Frame) => {
        // With errors showing: the empty alias refused on submit.
        await frame.fill('#field-alias', '');
        await frame.click('#save');
        await frame.locator('#field-alias-error', { hasText: 'required' }).waitFor({ timeout: 10_000 });
      } },
      { tab: 'New IAM Identity Center integration', ready: '#field-alias' },
      { tab: 'AWS Credentials Doctor', ready: 'h1' },
    ];
    const report: string[] = [];
    const serious: string[] = [];
    for (const theme of THEMES) {
      await palette('Preferences: Color Theme', theme.pick);
      await page.locator(`.monaco-workbench.${theme.workbench}`).waitFor({ state: 'attached', timeout: 30_000 });
      for (const view of webviews) {
        await page.locator('.tabs-container .tab').filter({ hasText: view.tab }).first().click();
        const frame = await webviewFrame(page);
        await frame.locator(view.ready).first().waitFor({ timeout: 30_000 });
        await waitFor(() => frame.evaluate((cls) => document.body.classList.contains(cls), theme.webview), { what: `${view.tab} in ${theme.name}` });
        await view.prepare?.(frame);
        const violations = await axe(frame);
        const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        report.push(`${theme.name} · ${view.tab}: ${bad.length} serious/critical, ${violations.length - bad.length} other${violations.length ? ` (${violations.map((v) => `${v.id}:${v.impact}×${v.nodes}`).join(', ')})` : ''}`);
        serious.push(...bad.map((v) => `${theme.name} · ${view.tab}: ${v.id} (${v.impact}, ${v.nodes} nodes) ${v.help}: ${v.where.join('; ')}`));
      }
      await editor.screenshot(`axe-${theme.workbench}`);
    }
    console.log(report.map((line) => `      ${line}`).join('\n'));
    assert.deepEqual(serious, []);
  });
});

describe('the sessions view while the saved sessions are read (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor | undefined;

  after(async () => {
    await editor?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await editor?.screenshot('failed-view-loading').catch(() => undefined);
  });

  it('says it is loading, never "No AWS sessions yet", until the first read of the state is done', async () => {
    let storage = '';
    editor = await startEditor({
      viewport: { width: 1400, height: 900 },
      // Each read blocked on the FIFO holds a thread of libuv's pool (4 by default): enough threads that the rest
      // of the extension host's file work goes on.
      env: { UV_THREADPOOL_SIZE: '64' },
      // The state file is a FIFO nobody writes: the extension's first read of it never ends.
      beforeStart: ({ userDataDir }) => {
        storage = join(userDataDir, 'User', 'globalStorage', EXTENSION_ID);
        mkdirSync(storage, { recursive: true });
        execFileSync('mkfifo', [join(storage, 'sessions.json')]);
      },
    });
    const page = editor.page;
    await editor.openSessionsView();
    // The extension is active (it has written its command-line shim, which needs no state) and still reading.
    await waitFor(() => existsSync(join(storage, 'bin', 'aws-sessions')), { what: 'the extension active (its shim written)', timeoutMs: 60_000 });
    const sidebar = page.locator('.sidebar');
    await sidebar.getByText('Loading AWS sessions…').waitFor({ timeout: 30_000 });
    assert.equal(await sidebar.getByText(/No AWS sessions yet/).count(), 0);
    await editor.screenshot('view-loading');
  });
});
