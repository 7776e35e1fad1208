/** The host side of the session form: one panel per session (or per new session), strict CSP. */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { DEFAULT_PROFILE_NAME } from '../../core/constants';
import { CancelledError, errorMessage, ValidationError } from '../../core/errors';
import type { Session, SessionKind } from '../../core/model';
import { REGIONS } from '../../core/regions';
import type { SessionService } from '../../core/sessionService';
import { profileOf } from '../../core/sessionLookup';
import { sessionType } from '../../core/sessions/registry';
import { DELIVERY_FIELD } from '../../core/sessions/sessionType';
import type { Logger } from '../../core/ports';
import { parsePageMessage, type HostToPage, type InitMessage } from './protocol';

export interface FormContext {
  extensionUri: vscode.Uri;
  service: SessionService;
  logger: Logger;
  defaultRegion: () => string;
}

const open = new Map<string, SessionFormPanel>();

export class SessionFormPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  /** `prefill`: initial values of a new session (e.g. "Create chained session" from a session). */
  static show(ctx: FormContext, kind: SessionKind, sessionId?: string, prefill?: Record<string, string>): SessionFormPanel {
    const key = sessionId ?? `new:${kind}${prefill ? `:${JSON.stringify(prefill)}` : ''}`;
    const existing = open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = new SessionFormPanel(ctx, kind, sessionId, key, prefill);
    open.set(key, panel);
    return panel;
  }

  /** Open panels, for tests. */
  static openPanels(): readonly SessionFormPanel[] {
    return [...open.values()];
  }

  readonly panel: vscode.WebviewPanel;

  private constructor(
    private readonly ctx: FormContext,
    private readonly kind: SessionKind,
    private readonly sessionId: string | undefined,
    private readonly key: string,
    private readonly prefill: Record<string, string> = {},
  ) {
    const type = sessionType(kind);
    const distRoot = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webviews');
    this.panel = vscode.window.createWebviewPanel('awsSessions.sessionForm', sessionId ? `Edit session` : `New ${type.label} session`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [distRoot, vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icon.svg');
    this.panel.webview.html = this.html(this.panel.webview, distRoot);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private html(webview: vscode.Webview, distRoot: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(distRoot, 'sessionForm.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, 'media', 'form.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>AWS Sessions</title>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  private post(message: HostToPage): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message) {
      this.ctx.logger.warn('Session form: ignored a malformed message from the page.');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post(await this.initMessage());
        return;
      case 'cancel':
        this.panel.dispose();
        return;
      case 'submit':
        this.post({ type: 'busy', busy: true, label: 'Saving…' });
        try {
          const saved = await this.ctx.service.save(this.kind, message.values, this.sessionId);
          void vscode.window.showInformationMessage(`AWS Sessions: session "${saved.alias}" ${this.sessionId ? 'saved' : 'created'}.`);
          this.panel.dispose();
        } catch (error) {
          if (error instanceof ValidationError) this.post({ type: 'problems', problems: [...error.problems] });
          else this.post({ type: 'problems', problems: [], message: errorMessage(error) });
          this.post({ type: 'busy', busy: false });
        }
        return;
      case 'test':
        this.post({ type: 'busy', busy: true, label: 'Testing credentials…' });
        try {
          const result = await this.ctx.service.testCredentials(this.kind, message.values, this.sessionId);
          this.post({ type: 'problems', problems: [] });
          this.post({ type: 'testResult', ok: true, message: `Credentials work: ${result.arn}${result.expiration ? ` (valid until ${result.expiration})` : ''}` });
        } catch (error) {
          if (error instanceof ValidationError) this.post({ type: 'problems', problems: [...error.problems] });
          this.post({ type: 'testResult', ok: false, message: error instanceof CancelledError ? 'Test cancelled.' : errorMessage(error) });
        } finally {
          this.post({ type: 'busy', busy: false });
        }
        return;
    }
  }

  private async initMessage(): Promise<InitMessage> {
    const type = sessionType(this.kind);
    const state = await this.ctx.service.state();
    let values: Record<string, string> = { profile: DEFAULT_PROFILE_NAME, region: this.ctx.defaultRegion(), ...this.prefill };
    let stored: string[] = [];
    let session: Session | undefined;
    if (this.sessionId) {
      session = state.sessions.find((s) => s.id === this.sessionId);
      if (session) {
        values = { ...type.toForm(session), profile: profileOf(state, session).name, deliveryMode: session.deliveryMode ?? 'default' };
        stored = [...(await this.ctx.service.storedSecrets(session.id, type.secretFields))];
      }
    }
    return {
      type: 'init',
      mode: session ? 'edit' : 'create',
      kind: this.kind,
      title: session ? `Edit ${type.label} session "${session.alias}"` : `New ${type.label} session`,
      fields: [...type.fields, DELIVERY_FIELD],
      values,
      storedSecrets: stored,
      profiles: state.profiles.map((p) => p.name),
      regions: REGIONS.map((r) => ({ code: r.code, name: r.name })),
      sessions: state.sessions
        .filter((s) => s.id !== this.sessionId)
        .map((s) => ({ id: s.id, label: `${s.alias} (${sessionType(s.kind).label}, ${profileOf(state, s).name})` })),
    };
  }

  dispose(): void {
    open.delete(this.key);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
