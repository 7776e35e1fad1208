/** The plan in words, as the preview document shows it before the user confirms (no secret: the file holds none, an ExternalId shows as "(set)"). */
import { sessionType } from '../sessions/registry';
import type { DeclaredIntegration, DeclaredProblem, DeclaredSession } from './file';
import type { DeclaredPlan } from './plan';
import { t } from '../l10n';

/** Markdown of exactly what applying the plan adds, updates and leaves alone. */
export function declaredPreview(plan: DeclaredPlan, folderName: string, expected: Readonly<Record<string, readonly string[]>> = {}): string {
  const md = (text: string) => text.replace(/([\\`*_{}[\]()#+!|<>-])/g, '\\$1');
  const lines = [`# ${md(t('Project sessions of "{0}"', folderName))}`, ''];
  const section = (title: string, rows: string[]) => {
    if (rows.length === 0) return;
    lines.push(`## ${md(title)}`, '', ...rows, '');
  };
  const kindLabel = (item: DeclaredPlan['items'][number]) => (item.what === 'integration' ? t('IAM Identity Center integration') : 'kind' in item ? sessionType(item.kind).label : t('session'));
  const notes = (item: DeclaredPlan['items'][number]) => ('notes' in item ? item.notes.map((n) => `  - **${md(t('Note: {0}', n))}**`) : []);
  section(
    t('To add'),
    plan.items.flatMap((i) => (i.action !== 'add' ? [] : [`- ${md(t('{0} "{1}"', kindLabel(i), i.alias))}`, ...declaredValues(i.entry).map(([key, value]) => `  - ${md(t('{0}: {1}', key, value))}`), ...notes(i)])),
  );
  section(
    t('To update'),
    plan.items.flatMap((i) => (i.action !== 'update' ? [] : [`- ${md(t('{0} "{1}"', kindLabel(i), i.alias))}`, ...i.changes.map((c) => `  - ${md(t('{0}: {1} → {2}', c.key, c.from, c.to))}`), ...notes(i)])),
  );
  section(
    t('No longer in the file (kept as your own, no longer updated from it)'),
    plan.items.filter((i) => i.action === 'release').map((i) => `- ${md(i.alias)}`),
  );
  section(t('Already as declared'), plan.unchanged.map((a) => `- ${md(a)}`));
  section(t('Left alone'), plan.skipped.map((s) => `- ${md(t('"{0}": {1}', s.alias, s.reason))}`));
  section(
    t('Expected accounts (checked before long commands, not changed by applying)'),
    Object.entries(expected).map(([profile, ids]) => `- ${md(t('profile "{0}": {1}', profile, ids.join(', ')))}`),
  );
  if (plan.items.length === 0) lines.push(md(t('Nothing to add or update.')), '');
  return lines.join('\n');
}

/** Every value an added entry declares, by the file's keys (an ExternalId as "(set)"): what the user consents to. */
function declaredValues(entry: DeclaredSession | DeclaredIntegration): Array<[string, string]> {
  return Object.entries(entry)
    .filter(([key, value]) => key !== 'type' && key !== 'alias' && value !== undefined)
    .map(([key, value]) => [key, key === 'externalId' ? t('(set)') : String(value)]);
}

/** The file's problems, one a line: `.vscode/aws-sessions.json:12:5 sessions[1].roleArn: …`. */
export function describeProblems(fileName: string, problems: readonly DeclaredProblem[]): string[] {
  return problems.map((p) => t('{0}:{1}:{2} {3}: {4}', fileName, p.line, p.column, p.key, p.message));
}
