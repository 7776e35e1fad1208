/** The import preview: exactly what would be created and which lines would leave which file. No secret. */
import type { ImportPlan } from './plan';

export function importPreview(plan: ImportPlan, opts: { backupSuffix: string }): string {
  const out: string[] = ['# Import from ~/.aws — preview', '', 'Nothing has been written. Accept to create the sessions below; the files change only if you also confirm removing the keys.', ''];
  const users = plan.items.filter((i) => i.kind === 'iamUser');
  const chained = plan.items.filter((i) => i.kind === 'iamRoleChained');
  const sso = plan.items.filter((i) => i.kind === 'ssoIntegration');
  const skipped = plan.items.filter((i) => i.kind === 'skip');
  if (users.length) {
    out.push('## IAM User sessions (keys move into VS Code secret storage)', '', '| profile | session | region | key | MFA |', '|---|---|---|---|---|');
    for (const u of users) out.push(`| ${u.profile} | ${u.alias} | ${u.region} | ${u.keyLabel} (${u.keyFile} file) | ${u.mfaSerial ?? '—'} |`);
    out.push('');
  }
  if (chained.length) {
    out.push('## Chained role sessions', '', '| profile | session | role | assumed with | region | options |', '|---|---|---|---|---|---|');
    for (const c of chained) {
      const options = [
        c.roleSessionName && `session name ${c.roleSessionName}`,
        c.durationSeconds && `${c.durationSeconds} s`,
        c.sourceIdentity && `source identity ${c.sourceIdentity}`,
        c.externalId && 'External ID',
      ].filter(Boolean);
      out.push(`| ${c.profile} | ${c.alias} | ${c.roleArn} | profile ${c.sourceProfile}${c.mfaSerial ? ` (MFA ${c.mfaSerial}, asked by the IAM User session)` : ''} | ${c.region} | ${options.join(', ') || '—'} |`);
    }
    out.push('', 'Their `[profile …]` sections in the config file stay as they are.', '');
  }
  if (sso.length) {
    out.push('## IAM Identity Center integrations', '', '| name | start URL | SSO region | profiles |', '|---|---|---|---|');
    for (const s of sso) out.push(`| ${s.name} | ${s.startUrl} | ${s.ssoRegion} | ${s.profiles.join(', ')} |`);
    out.push('');
  }
  if (skipped.length) {
    out.push('## Left alone', '');
    for (const s of skipped) out.push(`- **${s.profile}**: ${s.reason}`);
    out.push('');
  }
  if (plan.keyRemoval.length) {
    out.push('## If you also remove the keys from the files', '');
    for (const change of plan.keyRemoval) {
      out.push(`\`${change.path}\` — a byte-for-byte backup goes to \`${change.path}${opts.backupSuffix}\` first; only these lines go, every other byte stays:`, '', '```diff');
      for (const r of change.removed) out.push(`- ${String(r.line).padStart(5)}  ${r.text}`);
      out.push('```', '');
    }
    out.push('Without removal the IAM User sessions use the profile name with `-aws-sessions` appended, because the file keeps its own keys for the original name.', '');
  }
  return out.join('\n');
}
