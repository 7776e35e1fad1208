/**
 * The IAM Identity Center integration form: alias, AWS access portal URL, SSO region. It reuses the
 * session form's page and message protocol (same CSP, same schema check) with its own field specs;
 * on success it hands the new integration to `onAdded` (which logs in and syncs).
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { errorMessage, ValidationError } from '../../core/errors';
import type { SsoIntegration } from '../../core/model';
import { REGIONS } from '../../core/regions';
import type { Logger } from '../../core/ports';
import type { SsoService } from '../../core/sso/ssoService';
import { INTEGRATION_FIELDS } from '../../core/sso/integrationForm';
import { parsePageMessage, type HostToPage, type InitMessage } from '../sessionForm/protocol';

export interface IntegrationFormContext {
  extensionUri: vscode.Uri;
  sso: SsoService;
  logger: Logger;
  defaultRegion: () => string;
  onAdded: (integration: SsoIntegration) => void;
}

let open: IntegrationFormPanel | undefined;

export class IntegrationFormPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly panel: vscode.WebviewPanel;

  static show(ctx: IntegrationFormContext, integrationId?: string): IntegrationFormPanel {
    if (open && open.integrationId === integrationId) {
      open.panel.reveal();
      return open;
    }
    open?.panel.dispose();
    open = new IntegrationFormPanel(ctx, integrationId);
    return open;
  }

  private constructor(
    private readonly ctx: IntegrationFormContext,
    readonly integrationId: string | undefined,
  ) {
    const distRoot = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webviews');
    this.panel = vscode.window.createWebviewPanel('awsSessions.integrationForm', integrationId ? 'Edit IAM Identity Center integration' : 'New IAM Identity Center integration', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [distRoot, vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icon.svg');
    const nonce = randomBytes(16).toString('base64');
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(distRoot, 'sessionForm.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'media', 'form.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
    webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><link rel="stylesheet" href="${style}"><title>AWS Sessions</title></head>
<body><main id="root" aria-live="polite"></main><script nonce="${nonce}" src="${script}"></script></body></html>`;
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(message: HostToPage): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message || message.type === 'test') {
      this.ctx.logger.warn('Integration form: ignored a malformed message from the page.');
      return;
    }
    if (message.type === 'ready') return this.post(await this.init());
    if (message.type === 'cancel') return this.panel.dispose();
    this.post({ type: 'busy', busy: true, label: 'Saving…' });
    const values = { alias: message.values.alias ?? '', startUrl: message.values.startUrl ?? '', ssoRegion: message.values.ssoRegion ?? '' };
    try {
      if (this.integrationId) {
        await this.ctx.sso.editIntegration(this.integrationId, values);
        this.panel.dispose();
      } else {
        const integration = await this.ctx.sso.addIntegration(values);
        this.panel.dispose();
        this.ctx.onAdded(integration);
      }
    } catch (error) {
      if (error instanceof ValidationError) this.post({ type: 'problems', problems: [...error.problems] });
      else this.post({ type: 'problems', problems: [], message: errorMessage(error) });
      this.post({ type: 'busy', busy: false });
    }
  }

  private async init(): Promise<InitMessage> {
    const existing = this.integrationId ? await this.ctx.sso.integration(this.integrationId).catch(() => undefined) : undefined;
    return {
      type: 'init',
      mode: existing ? 'edit' : 'create',
      kind: 'awsSso',
      title: existing ? `Edit IAM Identity Center integration "${existing.alias}"` : 'New IAM Identity Center integration',
      fields: [...INTEGRATION_FIELDS],
      values: existing ? { alias: existing.alias, startUrl: existing.startUrl, ssoRegion: existing.ssoRegion } : { ssoRegion: this.ctx.defaultRegion() },
      storedSecrets: [],
      profiles: [],
      regions: REGIONS.map((r) => ({ code: r.code, name: r.name })),
      sessions: [],
      submitLabel: existing ? 'Save changes' : 'Add integration',
      testable: false,
    };
  }

  dispose(): void {
    if (open === this) open = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
