/**
 * The one webview host. Every panel of the extension is a `HostedPanel`: it writes the HTML shell
 * (strict CSP: `default-src 'none'`, scripts only by a fresh nonce, no inline handlers), sets
 * `localResourceRoots` to what the page loads and nothing else, keeps one panel per key in one
 * registry (showing it again reveals it), reads every message through its protocol's parser
 * (refusals are logged, never acted on) and owns its Disposables.
 *
 * A webview is a folder: `protocol.ts` (typed messages both ways, imported by the host and the page),
 * a panel module (a `HostedPanel`, or a controller of the field-spec form in `form/`), and `page.ts`,
 * bundled by esbuild.config.mjs to dist/webviews/<folder>.js.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../core/errors';
import { t } from '../core/l10n';
import type { Logger } from '../core/ports';
import { describeRefused } from './protocol';

/** What a webview is, whoever opens it. */
export interface PageSpec<In> {
  /** The panel's view type (`awsSessions.<name>`). */
  viewType: string;
  /** The webview in the log: "Session form: refused …". */
  name: string;
  /** The page bundle: dist/webviews/<page>.js, built from src/webviews/<page>/page.ts. */
  page: string;
  /** The protocol's parser: the typed message, or undefined to refuse it. */
  parse: (raw: unknown) => In | undefined;
}

/** What the page loads, and so its resource roots and CSP. */
export type PageFiles =
  /** The script (dist/webviews) and a stylesheet (media/) by URL: the resource roots are those two folders. */
  | { extensionUri: vscode.Uri; stylesheet: string }
  /** Nothing from disk (resource roots []): the script, read from its bundle, and `css` go inline under the nonce. */
  | { css: string };

/** Owns Disposables: `own` registers a child; `dispose` disposes every child once, the last owned first. */
export class Owner implements vscode.Disposable {
  private readonly children: vscode.Disposable[] = [];
  private disposed = false;

  protected own<T extends vscode.Disposable>(child: T): T {
    if (this.disposed) child.dispose();
    else this.children.push(child);
    return child;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const child of this.children.splice(0).reverse()) child.dispose();
  }
}

/** The open panels, one per key. */
const open = new Map<string, HostedPanel<unknown, unknown>>();

/** Reveals and returns the open panel under `key`; undefined when none is open. Callers check its class. */
export function revealPanel(key: string): HostedPanel<unknown, unknown> | undefined {
  const panel = open.get(key);
  panel?.panel.reveal();
  return panel;
}

const MAIN = '<main id="root"></main>';

export abstract class HostedPanel<In, Out> extends Owner {
  readonly panel: vscode.WebviewPanel;

  protected constructor(
    private readonly spec: PageSpec<In>,
    private readonly key: string,
    title: string,
    protected readonly logger: Logger,
    private readonly files: PageFiles,
  ) {
    super();
    const linked = 'extensionUri' in files;
    const roots = linked ? [vscode.Uri.joinPath(files.extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(files.extensionUri, 'media')] : [];
    this.panel = this.own(vscode.window.createWebviewPanel(spec.viewType, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: roots }));
    if (linked) this.panel.iconPath = vscode.Uri.joinPath(files.extensionUri, 'media', 'icon.svg');
    this.own(this.panel.onDidDispose(() => this.dispose()));
    this.own(this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.receiveRaw(raw)));
    open.get(key)?.dispose();
    open.set(key, this);
  }

  /** Acts on a message the protocol accepted. */
  protected abstract receive(message: In): Promise<void> | void;

  protected post(message: Out): void {
    void this.panel.webview.postMessage(message);
  }

  /** Writes the page: the shell around `body` (by default the root the page script renders into). */
  protected render(body = MAIN): void {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    let csp: string;
    let head: string;
    let script: string;
    if ('extensionUri' in this.files) {
      const src = webview.asWebviewUri(vscode.Uri.joinPath(this.files.extensionUri, 'dist', 'webviews', `${this.spec.page}.js`));
      const href = webview.asWebviewUri(vscode.Uri.joinPath(this.files.extensionUri, 'media', this.files.stylesheet));
      const own = webview.cspSource;
      csp = `default-src 'none'; style-src ${own}; script-src 'nonce-${nonce}'; img-src ${own}; font-src ${own}`;
      head = `<link rel="stylesheet" href="${href}">`;
      script = `<script nonce="${nonce}" src="${src}"></script>`;
    } else {
      csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
      head = `<style nonce="${nonce}">${this.files.css}</style>`;
      script = `<script nonce="${nonce}">${inlineScript(this.spec.page)}</script>`;
    }
    webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${head}
<title>${escapeText(this.panel.title)}</title>
</head>
<body>
${body}
${script}
</body>
</html>`;
  }

  close(): void {
    this.dispose();
  }

  override dispose(): void {
    if (open.get(this.key) === this) open.delete(this.key);
    super.dispose();
  }

  private async receiveRaw(raw: unknown): Promise<void> {
    const message = this.spec.parse(raw);
    if (message === undefined) {
      this.logger.warn(`${this.spec.name}: refused ${describeRefused(raw)} from the page (not in its protocol, or with unexpected keys or values).`);
      return;
    }
    try {
      await this.receive(message);
    } catch (error) {
      this.logger.error(`${this.spec.name}: ${errorMessage(error)}`);
    }
  }
}

const scripts = new Map<string, string>();

/** The page bundle's code, for a page that loads nothing from disk. */
function inlineScript(page: string): string {
  // The panels load on first use, so this module runs from a bundle in dist/lazy; the page bundles are in dist/webviews.
  const dist = basename(__dirname) === 'lazy' ? dirname(__dirname) : __dirname;
  const path = join(dist, 'webviews', `${page}.js`);
  let code = scripts.get(path);
  if (code === undefined) {
    try {
      code = readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
    } catch (error) {
      throw new Error(t('The page script {0} could not be read ({1}): rebuild the extension (npm run build).', path, errorMessage(error)));
    }
    if (/<\/script/i.test(code)) throw new Error(t('The page script {0} contains "</script" and cannot be inlined.', path));
    scripts.set(path, code);
  }
  return code;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
