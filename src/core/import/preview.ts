/** The import preview: exactly what would be created and which lines would leave which file. No secret. */
import type { ImportPlan } from './plan';
import { t } from '../l10n';

export function importPreview(plan: ImportPlan, opts: { backupSuffix: string }): string {
  const out: string[] = [t('# Import from ~/.aws — preview'), '', t('Nothing has been written. Accept to create the sessions below; the files change only if you also confirm removing the keys.'), ''];
  const users = plan.items.filter((i) => i.kind === 'iamUser');
  const chained = plan.items.filter((i) => i.kind === 'iamRoleChained');
  const sso = plan.items.filter((i) => i.kind === 'ssoIntegration');
  const skipped = plan.items.filter((i) => i.kind === 'skip');
  if (users.length) {
    out.push(t('## IAM User sessions (keys move into VS Code secret storage)'), '', '| profile | session | region | key | MFA |', '|---|---|---|---|---|');
    for (const u of users) out.push(`| ${u.profile} | ${u.alias} | ${u.region} | ${u.keyLabel} (${u.keyFile} file) | ${u.mfaSerial ?? '—'} |`);
    out.push('');
  }
  if (chained.length) {
    out.push(t('## Chained role sessions'), '', t('| profile | session | role | assumed with | region | options |'), '|---|---|---|---|---|---|');
    for (const c of chained) {
      const options = [
        c.roleSessionName && t('session name {0}', c.roleSessionName),
        c.durationSeconds && t('{0} s', c.durationSeconds),
        c.sourceIdentity && t('source identity {0}', c.sourceIdentity),
        c.externalId && t('External ID'),
      ].filter(Boolean);
      out.push(`| ${c.profile} | ${c.alias} | ${c.roleArn} | profile ${c.sourceProfile}${c.mfaSerial ? t(' (MFA {0}, asked by the IAM User session)', c.mfaSerial) : ''} | ${c.region} | ${options.join(', ') || '—'} |`);
    }
    out.push('', t('Their `[profile …]` sections in the config file stay as they are.'), '');
  }
  if (sso.length) {
    out.push(t('## IAM Identity Center integrations'), '', t('| name | start URL | SSO region | profiles |'), '|---|---|---|---|');
    for (const s of sso) out.push(`| ${s.name} | ${s.startUrl} | ${s.ssoRegion} | ${s.profiles.join(', ')} |`);
    out.push('');
  }
  if (skipped.length) {
    out.push(t('## Left alone'), '');
    for (const s of skipped) out.push(`- **${s.profile}**: ${s.reason}`);
    out.push('');
  }
  if (plan.keyRemoval.length) {
    out.push(t('## If you also remove the keys from the files'), '');
    for (const change of plan.keyRemoval) {
      out.push(t('`{0}` — a byte-for-byte backup goes to `{1}{2}` first; only these lines go, every other byte stays:', change.path, change.path, opts.backupSuffix), '', '```diff');
      for (const r of change.removed) out.push(`- ${String(r.line).padStart(5)}  ${r.text}`);
      out.push('```', '');
    }
    out.push(t('Without removal the IAM User sessions use the profile name with `-aws-sessions` appended, because the file keeps its own keys for the original name.'), '');
  }
  return out.join('\n');
}
