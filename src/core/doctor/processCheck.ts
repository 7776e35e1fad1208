/** Runs a profile's credential_process once and checks its answer, without ever showing the credentials. */
import type { DoctorEnvironment, Finding, Scope } from './types';

const excerpt = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 300);

export async function checkCredentialProcess(env: DoctorEnvironment, commandLine: string, label: string, scope: Scope, scopeEnv: Readonly<Record<string, string | undefined>>): Promise<Finding> {
  const fail = (why: string): Finding => ({
    code: 'credential-process-failed',
    severity: 'error',
    scope,
    title: `${label}: credential_process fails`,
    detail: `"${commandLine}" ${why}`,
  });
  const result = await env.runProcess(commandLine, scopeEnv);
  if (result.error) return fail(`could not run: ${result.error}.`);
  if (result.exitCode !== 0) return fail(`exited with ${result.exitCode}${result.stderr.trim() ? `: ${excerpt(result.stderr)}` : ''}.`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    return fail('printed something that is not JSON (the SDKs need {"Version":1,"AccessKeyId",…}).');
  }
  if (parsed.Version !== 1) return fail(`printed Version ${JSON.stringify(parsed.Version)}; the SDKs accept only 1.`);
  const missing = ['AccessKeyId', 'SecretAccessKey'].filter((k) => typeof parsed[k] !== 'string' || !parsed[k]);
  if (missing.length) return fail(`printed JSON without ${missing.join(' and ')}.`);
  if (parsed.Expiration !== undefined) {
    const t = typeof parsed.Expiration === 'string' ? Date.parse(parsed.Expiration) : NaN;
    if (Number.isNaN(t)) return fail('printed an Expiration that is not an ISO 8601 time.');
    if (t <= env.now()) return fail(`printed credentials that expired at ${new Date(t).toISOString()}.`);
    return { code: 'credential-process-ok', severity: 'ok', scope, title: `${label}: credential_process works`, detail: `Credentials valid until ${new Date(t).toISOString()}.` };
  }
  return { code: 'credential-process-ok', severity: 'ok', scope, title: `${label}: credential_process works`, detail: 'Long-term credentials (no Expiration).' };
}
