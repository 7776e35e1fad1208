/**
 * Browser end-to-end harness: the real VS Code (code-server 4.100.3) with the built extension,
 * the local AWS double, an isolated HOME with a hand-written ~/.aws, and Debian's Chromium driven
 * by playwright-core. See shared/vscode-e2e-offline.md.
 *
 * Typical test:
 *   let editor: Editor;
 *   before(async () => { editor = await startEditor(); });
 *   after(async () => { await editor?.stop(); });
 *   it('...', async () => {
 *     await editor.openSessionsView();
 *     const form = editor.webview();          // FrameLocator inside the visible webview
 *     const { output } = await editor.runInTerminal(editor.aws('sts get-caller-identity'));
 *   });
 *
 * Env: AWS_SESSIONS_E2E_EXTENSION_PATH (extension folder, default the repo; must be built),
 *      AWS_SESSIONS_LOCAL_AWS_CMD (JSON array: command that prints the double's JSON line),
 *      HEADED=1 (visible browser), UPDATE_SCREENSHOTS=1 (also write media/screenshots/),
 *      E2E_KEEP=1 (keep the temp folders), E2E_ECHO=1 (echo code-server's output).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, FrameLocator, Page } from 'playwright-core';
import {
  REPO_ROOT,
  developmentPayload,
  launchBrowser,
  openWorkbench,
  removeDir,
  startCodeServer,
  type CodeServer,
} from '../../scripts/codeServer.mjs';
import { startLocalAws, writeAwsFiles, type AwsFiles, type LocalAws } from './localAws';
import { redactCredentials } from './secretScan';

export { REPO_ROOT };
export * from './localAws';
export const SCREENSHOTS_DIR = join(REPO_ROOT, 'media', 'screenshots');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const AWS_CLI = '/usr/bin/aws';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The editor: code-server + browser

export interface StartEditorOptions {
  /** A running double, `false` for none, or undefined to start one (stopped with the editor). */
  localAws?: LocalAws | false;
  /** Extra env for code-server, its extension host and terminals (undefined deletes). */
  env?: Record<string, string | undefined>;
  /**
   * Extension folder (built); default AWS_SESSIONS_E2E_EXTENSION_PATH or the repo. `false`: load no
   * development extension (use one installed into `extensionsDir`, e.g. from the .vsix).
   */
  extensionPath?: string | false;
  /** code-server's --extensions-dir (default a fresh empty folder). */
  extensionsDir?: string;
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** AWS files to write; `false` writes none. `viaEnv` sets AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE. */
  awsFiles?: { config?: string; credentials?: string; viaEnv?: boolean } | false;
  /** Files to put in the workspace folder: relative path → content. */
  workspaceFiles?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Wait this long for the workbench (default 90 s). */
  timeoutMs?: number;
  /** Workspace trust on: the folder opens in Restricted Mode unless trusted (default: trust disabled). */
  workspaceTrust?: boolean;
  /** Runs before code-server starts, e.g. to put files into the user data folder (`User/globalStorage/<extension id>/`). */
  beforeStart?: (folders: { root: string; home: string; userDataDir: string; workspace: string }) => void;
}

export interface TerminalResult {
  /** stdout and stderr of the command, as written to a file by the shell. */
  output: string;
  exitCode: number;
}

export interface Editor {
  server: CodeServer;
  browser: Browser;
  page: Page;
  home: string;
  workspace: string;
  localAws?: LocalAws;
  /** Where the AWS files were written (undefined with awsFiles: false). */
  awsFiles?: AwsFiles;
  /** The AWS endpoint the editor was given (the double's), if any. */
  endpoint?: string;
  /** Reads the AWS files now: { config, credentials } (undefined when absent). */
  readAwsFiles(): { config?: string; credentials?: string };
  /** `aws --endpoint-url <double> <args>`: the AWS CLI v2 command line for the double. */
  aws(args: string): string;
  /** Clicks the AWS Sessions activity-bar item and waits for the view. */
  openSessionsView(): Promise<void>;
  /** The tree rows of the sessions view whose text contains `text` (a locator). */
  treeItem(text: string | RegExp): ReturnType<Page['locator']>;
  /**
   * Clicks an inline action of a tree row (aria-label starting with `label`, e.g. "Start Session"). Inline
   * actions show only while the row is hovered, and a tree refresh may re-render the row under the pointer,
   * so this hovers and tries again until one click lands (or, after a click that reported a failure, the
   * row no longer offers the action: the click landed).
   */
  clickRowAction(row: ReturnType<Page['locator']>, label: string): Promise<void>;
  /**
   * Right-clicks a tree row and chooses the context-menu entry whose name matches `entry`. A right-click while the
   * row's hover settles can open no menu, and a click during the menu's fade-in is dropped: right-clicks again when
   * no menu came, and clicks until the menu is gone.
   */
  clickRowMenu(row: ReturnType<Page['locator']>, entry: RegExp): Promise<void>;
  /** The document inside the visible webview (the last visible one if several). */
  webview(): FrameLocator;
  /** Chooses the row of the open quick pick whose label is `label` (e.g. the session type after "Add Session"). */
  pick(label: string): Promise<void>;
  /** Runs a command from the palette by its title (as shown, e.g. "AWS Sessions: Add Session"). */
  runCommand(title: string): Promise<void>;
  /**
   * Types a command in a terminal and returns its output, read from a file. A new terminal by
   * default, so it sees the latest environment the extension contributes.
   */
  runInTerminal(command: string, options?: { newTerminal?: boolean; timeoutMs?: number }): Promise<TerminalResult>;
  /** Waits for a notification toast whose text matches; returns its text. */
  notification(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Saves test-results/screenshots/<name>.png (and media/screenshots/ with UPDATE_SCREENSHOTS=1); `clip`: a part of the page. */
  screenshot(name: string, options?: { clip?: { x: number; y: number; width: number; height: number } }): Promise<string>;
  /** What the editor shows and logged, for a failed test's report (see hooks.ts). */
  report(title: string): Promise<string>;
  /** Stops the browser, code-server and the double it started; removes temp folders. */
  stop(): Promise<void>;
}

/** The editors started and not yet stopped: a failed test reports what each of them shows. */
export const liveEditors = new Set<Editor>();

/** The last `lines` lines of every extension log (output channel) of AWS Sessions under `logsDir`. */
function extensionLogTail(logsDir: string, lines: number): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/AWS Sessions/i.test(entry.name) && entry.name.endsWith('.log')) found.push(path);
    }
  };
  walk(logsDir);
  return found
    .map((path) => `--- ${path}\n${readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.enablePersistentSessions': false,
  'terminal.integrated.showExitAlert': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

/** Starts the double (unless given), code-server with the extension, and the browser. */
export async function startEditor(options: StartEditorOptions = {}): Promise<Editor> {
  const extensionPath = options.extensionPath === false ? undefined : (options.extensionPath ?? process.env.AWS_SESSIONS_E2E_EXTENSION_PATH ?? REPO_ROOT);
  const pkg = extensionPath ? (JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as { main?: string }) : {};
  if (extensionPath && pkg.main && !existsSync(join(extensionPath, pkg.main))) {
    throw new Error(`${join(extensionPath, pkg.main)} is missing: build first (node esbuild.config.mjs)`);
  }
  const ownsDouble = options.localAws === undefined;
  const localAws = options.localAws === false ? undefined : (options.localAws ?? (await startLocalAws()));
  const cleanups: (() => Promise<void> | void)[] = [];
  if (ownsDouble && localAws) cleanups.push(() => localAws.stop());
  try {
    const root = mkdtempSync(join(tmpdir(), 'aws-sessions-e2e-'));
    if (process.env.E2E_KEEP !== '1') cleanups.push(() => removeDir(root));
    const home = join(root, 'home');
    const userDataDir = join(root, 'user-data');
    const workspace = join(root, 'workspace');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
    );
    mkdirSync(workspace, { recursive: true });
    for (const [path, content] of Object.entries(options.workspaceFiles ?? {})) {
      mkdirSync(join(workspace, path, '..'), { recursive: true });
      writeFileSync(join(workspace, path), content);
    }
    const awsFiles = options.awsFiles === false ? undefined : writeAwsFiles(home, options.awsFiles ?? {});
    const env: Record<string, string | undefined> = {};
    if (localAws) env.AWS_ENDPOINT_URL = localAws.endpoint;
    if (awsFiles && options.awsFiles && options.awsFiles.viaEnv) {
      env.AWS_CONFIG_FILE = awsFiles.configFile;
      env.AWS_SHARED_CREDENTIALS_FILE = awsFiles.credentialsFile;
    }
    Object.assign(env, options.env);
    options.beforeStart?.({ root, home, userDataDir, workspace });

    const server = await startCodeServer({
      root,
      home,
      userDataDir,
      extensionsDir: options.extensionsDir,
      workspace,
      workspaceTrust: options.workspaceTrust,
      env,
      echo: process.env.E2E_ECHO === '1',
    });
    cleanups.unshift(() => server.stop());
    const browser = await launchBrowser();
    cleanups.unshift(() => browser.close().catch(() => undefined));
    const url = extensionPath ? server.url({ payload: developmentPayload(server, { extensionPath }) }) : server.url();
    const { page } = await openWorkbench(browser, url, { viewport: options.viewport, timeoutMs: options.timeoutMs ?? 90_000 });
    // The extension host and the extensions are up when the activity bar shows our container.
    const terminalDir = join(root, 'terminal');
    mkdirSync(terminalDir, { recursive: true });
    let terminalRuns = 0;

    const editor: Editor = {
      server,
      browser,
      page,
      home,
      workspace,
      localAws,
      awsFiles,
      endpoint: env.AWS_ENDPOINT_URL,
      readAwsFiles() {
        const read = (path?: string) => (path && existsSync(path) ? readFileSync(path, 'utf8') : undefined);
        return { config: read(awsFiles?.configFile), credentials: read(awsFiles?.credentialsFile) };
      },
      aws(args: string) {
        return `${AWS_CLI}${editor.endpoint ? ` --endpoint-url ${editor.endpoint}` : ''} ${args}`;
      },
      async openSessionsView() {
        const item = page.locator('.activitybar [aria-label="AWS Sessions"]').first();
        await item.waitFor({ state: 'visible', timeout: 60_000 });
        // The workbench restores its layout while it loads: click until the view shows, never blindly
        // (a click on the open view closes it).
        const title = page.locator('.sidebar .composite.title').filter({ hasText: /AWS SESSIONS/i }).first();
        await waitFor(
          async () => {
            if (await title.isVisible().catch(() => false)) return true;
            await item.click();
            await sleep(1000);
            return title.isVisible().catch(() => false);
          },
          { what: 'the AWS Sessions view', timeoutMs: 30_000 },
        );
      },
      treeItem(text: string | RegExp) {
        return page.locator('.sidebar .monaco-list-row').filter({ hasText: text });
      },
      async clickRowAction(row, label) {
        const target = row.first();
        const action = target.locator(`[aria-label^="${label}"]`);
        await target.waitFor({ state: 'visible', timeout: 30_000 });
        let tried = false;
        await waitFor(
          async () => {
            // A click can land and still report a failure (the row re-rendered while Playwright checked it):
            // once a click was tried, a row that no longer offers the action (Start became Stop, Pin became
            // Unpin) took it, and clicking again would act twice or wait forever.
            if (tried && (await target.isVisible().catch(() => false)) && (await action.count().catch(() => 1)) === 0) return true;
            await target.hover({ timeout: 2_000 }).catch(() => undefined);
            if (!(await action.isVisible().catch(() => false))) return false;
            tried = true;
            return action.click({ timeout: 2_000 }).then(
              () => true,
              () => false,
            );
          },
          { what: `the ${label} action of the row`, timeoutMs: 30_000 },
        );
      },
      async clickRowMenu(row, entry) {
        const target = row.first();
        await target.waitFor({ state: 'visible', timeout: 30_000 });
        const item = page.getByRole('menuitem', { name: entry }).first();
        for (let attempt = 0; attempt < 3; attempt++) {
          await target.click({ button: 'right' });
          if (await item.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) break;
          await page.keyboard.press('Escape');
        }
        await item.waitFor({ state: 'visible', timeout: 5_000 });
        await sleep(300); // the menu fades in; clicks during the animation are dropped
        await waitFor(
          async () => {
            if (!(await item.isVisible().catch(() => false))) return true;
            await item.click({ timeout: 2_000 }).catch(() => undefined);
            await sleep(300);
            return !(await item.isVisible().catch(() => false));
          },
          { what: `the menu entry ${String(entry)} to take the click` },
        );
      },
      webview() {
        return page.frameLocator('iframe.webview.ready:visible').last().frameLocator('iframe#active-frame');
      },
      async pick(label: string) {
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        await row.click();
      },
      async runCommand(title: string) {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input[type="text"]');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill(`>${title}`);
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        await row.click();
      },
      async runInTerminal(command: string, runOptions = {}) {
        const n = ++terminalRuns;
        const outFile = join(terminalDir, `${n}.out`);
        const rcFile = join(terminalDir, `${n}.rc`);
        if (runOptions.newTerminal ?? true) {
          await editor.runCommand('Terminal: Create New Terminal');
        } else {
          await page.keyboard.press('Control+Backquote');
        }
        const terminal = page.locator('.terminal-wrapper.active .xterm, .terminal .xterm').last();
        await terminal.waitFor({ state: 'visible', timeout: 30_000 });
        await terminal.click();
        // Let bash start; keystrokes typed earlier are buffered by the pty anyway.
        await sleep(500);
        const line = `{ ${command} ; } > ${outFile} 2>&1; echo $? > ${rcFile}.tmp && mv ${rcFile}.tmp ${rcFile}`;
        await page.keyboard.type(line, { delay: 2 });
        await page.keyboard.press('Enter');
        const deadline = Date.now() + (runOptions.timeoutMs ?? 60_000);
        while (!existsSync(rcFile)) {
          if (Date.now() > deadline) {
            throw new Error(`terminal command did not finish in time: ${command}\n(partial output: ${existsSync(outFile) ? readFileSync(outFile, 'utf8') : 'none'})`);
          }
          await sleep(200);
        }
        return { output: readFileSync(outFile, 'utf8'), exitCode: Number(readFileSync(rcFile, 'utf8').trim()) };
      },
      async notification(text: string | RegExp, timeoutMs = 30_000) {
        const toast = page.locator('.notifications-toasts .notification-toast, .notification-list-item').filter({ hasText: text }).first();
        await toast.waitFor({ state: 'visible', timeout: timeoutMs });
        return (await toast.innerText()).trim();
      },
      async screenshot(name: string, shotOptions = {}) {
        const file = `${name.replace(/[^\w.-]+/g, '-')}.png`;
        const path = join(RESULTS_DIR, 'screenshots', file);
        mkdirSync(join(RESULTS_DIR, 'screenshots'), { recursive: true });
        await page.screenshot({ path, clip: shotOptions.clip });
        if (process.env.UPDATE_SCREENSHOTS === '1') {
          mkdirSync(SCREENSHOTS_DIR, { recursive: true });
          copyFileSync(path, join(SCREENSHOTS_DIR, file));
          // Palette PNGs of 64 colours (flat UI: no visible loss): the .vsix carries the README's inline, within its size budget.
          const quantized = spawnSync('pngquant', ['--speed', '1', '--strip', '--force', '--output', join(SCREENSHOTS_DIR, file), '64', path]);
          if (quantized.status !== 0) console.warn(`      pngquant did not run on ${file} (${quantized.error?.message ?? quantized.status}): install it (apt-get install pngquant) before committing screenshots`);
        }
        return path;
      },
      async report(title: string) {
        const texts = async (selector: string) =>
          (await page.locator(selector).allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
        const shot = await editor.screenshot(`failed-${title}`).catch((error: unknown) => `(no screenshot: ${String(error)})`);
        return [
          `screenshot: ${shot}`,
          `notifications: ${JSON.stringify(await texts('.notifications-toasts .notification-toast, .notification-list-item'))}`,
          `dialog: ${JSON.stringify(await texts('.monaco-dialog-box'))}`,
          `quick input: ${JSON.stringify(await texts('.quick-input-widget:visible'))}`,
          `tree rows: ${JSON.stringify(await texts('.sidebar .monaco-list-row'))}`,
          ...Object.entries(editor.readAwsFiles()).map(([name, text]) => `~/.aws/${name}:\n${redactCredentials(text ?? '(none)')}`),
          extensionLogTail(join(userDataDir, 'logs'), 60),
        ].join('\n');
      },
      async stop() {
        liveEditors.delete(editor);
        await runCleanups(cleanups);
      },
    };
    liveEditors.add(editor);
    return editor;
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

/** Runs every cleanup even when one fails (the last removes the temp root), then throws the first failure. */
async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  let first: unknown;
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}

/** Polls `check` until it returns a truthy value (returned) or the time is up. */
export async function waitFor<T>(check: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'} (last: ${String(last)})`);
    await sleep(options.intervalMs ?? 250);
  }
}

/** The document inside the visible webview, as a Frame (evaluate runs over CDP, outside the page's CSP). */
export async function webviewFrame(page: Page): Promise<Frame> {
  return waitFor<Frame | undefined>(
    async () => {
      const outer = await page.locator('iframe.webview.ready:visible').last().elementHandle({ timeout: 2_000 });
      const inner = await (await outer?.contentFrame())?.locator('iframe#active-frame').elementHandle({ timeout: 2_000 });
      const frame = await inner?.contentFrame();
      return frame && (await frame.evaluate(() => document.readyState === 'complete' && document.body.childElementCount > 0)) ? frame : undefined;
    },
    { what: 'the visible webview document', timeoutMs: 30_000 },
  ) as Promise<Frame>;
}
