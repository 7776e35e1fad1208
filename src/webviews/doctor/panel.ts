/**
 * The doctor's report in a webview: the report is rendered into the HTML (no file loaded, resource
 * roots []: the page script and the style are inline under the nonce), with fix buttons.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import { escapeHtml, htmlReport, markdownReport } from '../../core/doctor/report';
import type { Finding, Fix } from '../../core/doctor/types';
import { HostedPanel, revealPanel, type PageSpec } from '../host';
import { parseDoctorMessage, type HostToPage, type PageToHost } from './protocol';

// l10n-ignore: the name is the page's in the log
const SPEC: PageSpec<PageToHost> = { viewType: 'awsSessions.doctor', name: 'Doctor page', page: 'doctor', parse: parseDoctorMessage };

/** VS Code's colours; buttons with a border high-contrast themes draw and a visible focus ring. */
// l10n-ignore: CSS
const STYLE = `html,body{background-color:var(--vscode-editor-background)}
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:.8em 1.2em 2em}
li{margin:.6em 0;list-style:none}.icon{display:inline-block;width:1.2em}.error .icon{color:var(--vscode-errorForeground)}body.vscode-light .error .icon{color:var(--vscode-editorError-foreground,var(--vscode-errorForeground))}
.warning .icon{color:var(--vscode-editorWarning-foreground)}.ok .icon{color:var(--vscode-testing-iconPassed)}
.detail{color:var(--vscode-foreground)}
button{margin-left:.5em;font:inherit;color:var(--vscode-button-foreground);background:var(--vscode-button-background);border:1px solid var(--vscode-button-border,var(--vscode-contrastBorder,transparent));border-radius:2px;padding:2px 8px;cursor:pointer}
button:hover{background:var(--vscode-button-hoverBackground);outline:1px dashed var(--vscode-contrastActiveBorder,transparent);outline-offset:1px}
button:focus-visible{outline:1px solid var(--vscode-focusBorder);outline-offset:2px}
.toolbar button{margin:0 .5em 0 0}`;

interface DoctorDeps {
  logger: Logger;
  diagnose: () => Promise<Finding[]>;
  runFix: (fix: Fix) => Promise<void>;
}

export class DoctorPanel extends HostedPanel<PageToHost, HostToPage> {
  private findings: Finding[] = [];
  private generatedAt = new Date();

  /** Shows the findings in the doctor's panel (the open one, revealed, or a new one). */
  static show(deps: DoctorDeps, findings: Finding[]): void {
    const open = revealPanel('doctor');
    (open instanceof DoctorPanel ? open : new DoctorPanel(deps)).report(findings);
  }

  private constructor(private readonly deps: DoctorDeps) {
    super(SPEC, 'doctor', vscode.l10n.t('AWS Credentials Doctor'), deps.logger, { css: STYLE });
  }

  private report(findings: Finding[]): void {
    this.findings = findings;
    this.generatedAt = new Date();
    this.render(`<main><div class="toolbar"><button type="button" id="rerun">${escapeHtml(vscode.l10n.t('Run again'))}</button><button type="button" id="copy">${escapeHtml(vscode.l10n.t('Copy as Markdown'))}</button></div>
${htmlReport(findings, this.generatedAt)}</main>`);
  }

  protected async receive(message: PageToHost): Promise<void> {
    if (message.type === 'copy') {
      await vscode.env.clipboard.writeText(markdownReport(this.findings, this.generatedAt));
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the credentials report'), 3000);
      return;
    }
    if (message.type === 'fix') {
      const fix = this.findings[message.index]?.fix;
      if (!fix) {
        this.logger.warn(`Doctor page: no fix at index ${message.index}`);
        return;
      }
      await this.deps.runFix(fix);
    }
    this.report(await this.deps.diagnose());
  }
}
