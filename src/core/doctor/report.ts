/** The doctor's findings as a readable report: markdown (copy, tests) and escaped HTML rows (webview). */
import type { Finding, Scope, Severity } from './types';
import { t } from '../l10n';

/** A scope's heading, in the language in use. */
export const scopeTitle = (scope: Scope): string =>
  ({
    terminal: t('Integrated terminal'),
    workspace: t('Workspace (tasks, debuggers, extensions)'),
    machine: t('This machine'),
  })[scope];

const ICONS: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ', ok: '✔' };
/** The icon's meaning for screen readers. */
const SEVERITY_WORDS: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Note', ok: 'Fine' };

export function summary(findings: readonly Finding[]): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return `${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} note(s), ${count('ok')} fine`;
}

export function markdownReport(findings: readonly Finding[], generatedAt: Date): string {
  const lines = [t('# AWS credentials doctor'), '', `${summary(findings)} — ${generatedAt.toISOString()}`, ''];
  lines.push(t('The SDKs look for credentials in this order: environment keys → web identity → the shared files (the profile AWS_PROFILE names, else default) → container → instance metadata. The first source found wins.'), '');
  for (const scope of ['terminal', 'workspace', 'machine'] as const) {
    const ofScope = findings.filter((f) => f.scope === scope);
    if (ofScope.length === 0) continue;
    lines.push(`## ${scopeTitle(scope)}`, '');
    for (const f of ofScope) {
      lines.push(`- ${ICONS[f.severity]} **${f.title}** — ${f.detail}${f.fix ? ` _(fix: ${f.fix.label})_` : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Body HTML; each fix button carries only its finding's index (the host looks the fix up). */
export function htmlReport(findings: readonly Finding[], generatedAt: Date): string {
  const parts = [t('<h1>AWS credentials doctor</h1><p class="summary">{0} — {1}</p>', escapeHtml(summary(findings)), escapeHtml(generatedAt.toISOString()))];
  parts.push(t('<p class="chain">Search order of the SDKs: environment keys → web identity → shared files (AWS_PROFILE, else default) → container → instance metadata. The first source found wins.</p>'));
  for (const scope of ['terminal', 'workspace', 'machine'] as const) {
    const rows = findings.map((f, i) => ({ f, i })).filter(({ f }) => f.scope === scope);
    if (rows.length === 0) continue;
    parts.push(`<h2>${escapeHtml(scopeTitle(scope))}</h2><ul>`);
    for (const { f, i } of rows) {
      const button = f.fix ? ` <button type="button" data-fix="${i}">${escapeHtml(f.fix.label)}</button>` : '';
      parts.push(`<li class="${f.severity}" data-code="${escapeHtml(f.code)}"><span class="icon" role="img" aria-label="${SEVERITY_WORDS[f.severity]}">${ICONS[f.severity]}</span> <strong>${escapeHtml(f.title)}</strong><br><span class="detail">${escapeHtml(f.detail)}</span>${button}</li>`);
    }
    parts.push('</ul>');
  }
  return parts.join('\n');
}
