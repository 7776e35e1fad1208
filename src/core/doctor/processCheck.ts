/** Runs a profile's credential_process once and checks its answer, without ever showing the credentials. */
import type { DoctorEnvironment, Finding, Scope } from './types';
import { t } from '../l10n';

const excerpt = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 300);

export async function checkCredentialProcess(env: DoctorEnvironment, commandLine: string, label: string, scope: Scope, scopeEnv: Readonly<Record<string, string | undefined>>): Promise<Finding> {
  const fail = (why: string): Finding => ({
    code: 'credential-process-failed',
    severity: 'error',
    scope,
    title: t('{0}: credential_process fails', label),
    detail: `"${commandLine}" ${why}`,
  });
  const result = await env.runProcess(commandLine, scopeEnv);
  if (result.error) return fail(t('could not run: {0}.', result.error));
  if (result.exitCode !== 0) return fail(t('exited with {0}{1}.', result.exitCode, result.stderr.trim() ? `: ${excerpt(result.stderr)}` : ''));
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    return fail(t('printed something that is not JSON (the SDKs need {"Version":1,"AccessKeyId",…}).'));
  }
  if (parsed.Version !== 1) return fail(t('printed Version {0}; the SDKs accept only 1.', JSON.stringify(parsed.Version)));
  const missing = ['AccessKeyId', 'SecretAccessKey'].filter((k) => typeof parsed[k] !== 'string' || !parsed[k]);
  if (missing.length) return fail(t('printed JSON without {0}.', missing.join(' and ')));
  if (parsed.Expiration !== undefined) {
    const at = typeof parsed.Expiration === 'string' ? Date.parse(parsed.Expiration) : NaN;
    if (Number.isNaN(at)) return fail(t('printed an Expiration that is not an ISO 8601 time.'));
    if (at <= env.now()) return fail(t('printed credentials that expired at {0}.', new Date(at).toISOString()));
    return { code: 'credential-process-ok', severity: 'ok', scope, title: t('{0}: credential_process works', label), detail: t('Credentials valid until {0}.', new Date(at).toISOString()) };
  }
  return { code: 'credential-process-ok', severity: 'ok', scope, title: t('{0}: credential_process works', label), detail: t('Long-term credentials (no Expiration).') };
}
