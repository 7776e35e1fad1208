/**
 * The doctor's report in a webview: strict CSP (default-src 'none', one nonce'd inline script), fix buttons.
 * The page only ever posts `{ type: 'fix', index }`, `{ type: 'rerun' }` or `{ type: 'copy' }`;
 * anything else is rejected and logged.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/ports';
import { htmlReport, markdownReport } from '../../core/doctor/report';
import type { Finding, Fix } from '../../core/doctor/types';

export type DoctorPageMessage = { type: 'fix'; index: number } | { type: 'rerun' } | { type: 'copy' };

export function parseDoctorMessage(raw: unknown): DoctorPageMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  if (m.type === 'fix' && Number.isInteger(m.index) && Object.keys(m).length === 2) return { type: 'fix', index: m.index as number };
  if ((m.type === 'rerun' || m.type === 'copy') && Object.keys(m).length === 1) return { type: m.type };
  return undefined;
}

const STYLE = `body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1.2em 2em}
li{margin:.6em 0;list-style:none}.icon{display:inline-block;width:1.2em}.error .icon{color:var(--vscode-errorForeground)}
.warning .icon{color:var(--vscode-editorWarning-foreground)}.ok .icon{color:var(--vscode-testing-iconPassed)}
.detail{opacity:.85}button{margin-left:.5em;color:var(--vscode-button-foreground);background:var(--vscode-button-background);border:none;padding:2px 8px;cursor:pointer}
.toolbar button{margin:0 .5em 0 0}`;

export class DoctorPanel implements vscode.Disposable {
  private static current: DoctorPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private findings: Finding[] = [];
  private generatedAt = new Date();
  readonly panel: vscode.WebviewPanel;

  static show(deps: { logger: Logger; diagnose: () => Promise<Finding[]>; runFix: (fix: Fix) => Promise<void> }, findings: Finding[]): DoctorPanel {
    const panel = DoctorPanel.current ?? new DoctorPanel(deps);
    DoctorPanel.current = panel;
    panel.render(findings);
    panel.panel.reveal();
    return panel;
  }

  /** The open panel's findings, for tests. */
  static shown(): readonly Finding[] | undefined {
    return DoctorPanel.current?.findings;
  }

  private constructor(private readonly deps: { logger: Logger; diagnose: () => Promise<Finding[]>; runFix: (fix: Fix) => Promise<void> }) {
    this.panel = vscode.window.createWebviewPanel('awsSessions.doctor', 'AWS Credentials Doctor', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  render(findings: Finding[]): void {
    this.findings = findings;
    this.generatedAt = new Date();
    const nonce = randomBytes(16).toString('base64');
    const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
    this.panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}"><style nonce="${nonce}">${STYLE}</style><title>AWS Credentials Doctor</title></head>
<body><div class="toolbar"><button type="button" id="rerun">Run again</button><button type="button" id="copy">Copy as Markdown</button></div>
${htmlReport(findings, this.generatedAt)}
<script nonce="${nonce}">const vscode=acquireVsCodeApi();document.addEventListener('click',(e)=>{const b=e.target.closest('button');if(!b)return;
if(b.id==='rerun')vscode.postMessage({type:'rerun'});else if(b.id==='copy')vscode.postMessage({type:'copy'});else if(b.dataset.fix!==undefined)vscode.postMessage({type:'fix',index:Number(b.dataset.fix)});});</script>
</body></html>`;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseDoctorMessage(raw);
    if (!message) {
      this.deps.logger.warn(`Doctor page: rejected an unknown message ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    if (message.type === 'copy') {
      await vscode.env.clipboard.writeText(markdownReport(this.findings, this.generatedAt));
      void vscode.window.setStatusBarMessage('Copied the credentials report', 3000);
      return;
    }
    if (message.type === 'fix') {
      const fix = this.findings[message.index]?.fix;
      if (!fix) {
        this.deps.logger.warn(`Doctor page: no fix at index ${message.index}`);
        return;
      }
      await this.deps.runFix(fix);
    }
    this.render(await this.deps.diagnose());
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DoctorPanel.current === this) DoctorPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
