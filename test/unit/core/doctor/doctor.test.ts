/** The credentials doctor on crafted environments: each pitfall of the SDK chain produces its finding. */
import assert from 'node:assert/strict';
import { diagnose } from '../../../../src/core/doctor/doctor';
import { markdownReport, htmlReport } from '../../../../src/core/doctor/report';
import type { DoctorEnvironment, Finding, ManagedProfile, ProcessResult } from '../../../../src/core/doctor/types';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function env(opts: {
  files?: Record<string, string>;
  terminal?: Record<string, string | undefined>;
  workspace?: Record<string, string | undefined>;
  stsSkewS?: number | null;
  process?: (cmd: string) => ProcessResult;
  uid?: number;
}): DoctorEnvironment {
  const base = { HOME: '/home/dev', PATH: '/usr/bin' };
  return {
    envs: { terminal: { ...base, ...opts.terminal }, workspace: { ...base, ...opts.workspace } },
    homeDir: '/home/dev',
    uid: opts.uid ?? 1000,
    cwd: '/work',
    readFile: async (p) => opts.files?.[p],
    now: () => NOW,
    stsDate: async () => (opts.stsSkewS === null ? undefined : new Date(NOW - (opts.stsSkewS ?? 0) * 1000)),
    runProcess: async (cmd) => opts.process?.(cmd) ?? { exitCode: 127, stdout: '', stderr: 'not found' },
  };
}
const run = (e: DoctorEnvironment, managed: ManagedProfile[] = []) => diagnose({ environment: e, managed });
const find = (fs: Finding[], code: string, scope?: string) => fs.find((f) => f.code === code && (!scope || f.scope === scope));
const codes = (fs: Finding[]) => fs.map((f) => `${f.scope}:${f.code}`);

describe('credentials doctor', () => {
  it('no files, no env: "Unable to locate credentials" in both scopes', async () => {
    const fs = await run(env({}));
    assert.equal(find(fs, 'no-credentials', 'terminal')?.severity, 'error');
    assert.equal(find(fs, 'no-credentials', 'workspace')?.severity, 'error');
    assert.equal(find(fs, 'no-credentials', 'terminal')?.fix?.id, 'addSession');
    assert.equal(find(fs, 'clock-ok')?.severity, 'ok');
  });

  it('environment keys shadow AWS_PROFILE (the wrong-account case), only where they are set, masked', async () => {
    const files = { '/home/dev/.aws/config': '[profile dev]\nregion = eu-west-1\n', '/home/dev/.aws/credentials': `[dev]\naws_access_key_id = ASIAEXAMPLE000000001\naws_secret_access_key = x\naws_session_token = t\n` };
    const fs = await run(env({ files, terminal: { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET }, workspace: { AWS_PROFILE: 'dev' } }));
    const shadow = find(fs, 'env-keys-shadow', 'terminal')!;
    assert.equal(shadow.severity, 'warning');
    assert.match(shadow.detail, /AWS_PROFILE=dev/);
    assert.match(shadow.title, /AKIA…MPLE/);
    assert.equal(find(fs, 'env-keys-shadow', 'workspace'), undefined);
    assert.ok(find(fs, 'file-keys-temporary', 'workspace'));
    assert.ok(!JSON.stringify(fs).includes(SECRET) && !JSON.stringify(fs).includes(KEY), 'no key or secret in any finding');
  });

  it('AWS_ACCESS_KEY_ID alone is an error; AWS_PROFILE ≠ AWS_DEFAULT_PROFILE is a warning; a missing profile names its source', async () => {
    const fs = await run(env({ terminal: { AWS_ACCESS_KEY_ID: KEY }, workspace: { AWS_PROFILE: 'prod', AWS_DEFAULT_PROFILE: 'dev' } }));
    assert.equal(find(fs, 'env-keys-incomplete', 'terminal')?.severity, 'error');
    assert.equal(find(fs, 'profile-vars-differ', 'workspace')?.severity, 'warning');
    const missing = find(fs, 'profile-missing', 'workspace')!;
    assert.match(missing.title, /The config profile \(prod\) could not be found/);
    assert.match(missing.detail, /AWS_PROFILE names "prod"/);
  });

  it('AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE move the files ($HOME expanded); a named file that is missing is an error', async () => {
    const files = { '/home/dev/alt/credentials': `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n` };
    const fs = await run(env({ files, workspace: { AWS_SHARED_CREDENTIALS_FILE: '$HOME/alt/credentials', AWS_CONFIG_FILE: '~/alt/config', AWS_REGION: 'eu-west-1' } }));
    assert.ok(find(fs, 'file-var', 'workspace'));
    assert.equal(find(fs, 'file-var-missing', 'workspace')?.severity, 'error');
    assert.equal(find(fs, 'profile-long-term-keys', 'workspace')?.fix?.id, 'importProfiles');
    assert.equal(find(fs, 'no-credentials', 'workspace'), undefined);
    assert.equal(find(fs, 'no-credentials', 'terminal')?.severity, 'error', 'the terminal has no such variables');
    assert.equal(find(fs, 'long-term-keys')?.scope, 'machine');
  });

  it('a managed profile: expired session → start fix; active → ok; inactive with no section → start fix', async () => {
    const files = { '/home/dev/.aws/credentials': '[dev]\naws_access_key_id = ASIAEXAMPLE000000001\naws_secret_access_key = s\naws_session_token = t\n', '/home/dev/.aws/config': '[profile dev]\nregion = eu-west-1\n' };
    const expired = await run(env({ files, terminal: { AWS_PROFILE: 'dev' } }), [{ profile: 'dev', sessionId: 's1', alias: 'dev-admin', status: 'active', expiration: new Date(NOW - 1000).toISOString() }]);
    const f = find(expired, 'managed-expired', 'terminal')!;
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.fix, { id: 'startSession', label: 'Start "dev-admin"', arg: 's1' });
    const active = await run(env({ files, terminal: { AWS_PROFILE: 'dev' } }), [{ profile: 'dev', sessionId: 's1', alias: 'dev-admin', status: 'active', expiration: new Date(NOW + 3600_000).toISOString() }]);
    assert.equal(find(active, 'managed-active', 'terminal')?.severity, 'ok');
    const inactive = await run(env({ terminal: { AWS_PROFILE: 'ops' } }), [{ profile: 'ops', sessionId: 's2', alias: 'ops', status: 'inactive' }]);
    assert.equal(find(inactive, 'managed-inactive', 'terminal')?.fix?.arg, 's2');
  });

  it('temporary keys of another tool past their written expiry are an error', async () => {
    const files = { '/home/dev/.aws/credentials': '[default]\naws_access_key_id = ASIAEXAMPLE000000001\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-11-22T09:00:00Z\n' };
    const fs = await run(env({ files, workspace: { AWS_REGION: 'us-east-1' } }));
    assert.equal(find(fs, 'file-keys-expired', 'workspace')?.severity, 'error');
  });

  it('credential_process: a failing command and an expired answer are errors; a good one is ok; stdout never shown', async () => {
    const config = '[profile a]\ncredential_process = /bin/fail\n[profile b]\ncredential_process = /bin/old\n[profile c]\ncredential_process = "/opt/my tool" generate c\nregion = eu-west-1\n';
    const seen: string[] = [];
    const process = (cmd: string): ProcessResult => {
      seen.push(cmd);
      if (cmd === '/bin/fail') return { exitCode: 2, stdout: '', stderr: 'token expired, run login\n' };
      if (cmd === '/bin/old') return { exitCode: 0, stdout: JSON.stringify({ Version: 1, AccessKeyId: 'ASIAOLD', SecretAccessKey: 'sssecret', Expiration: '2026-11-22T09:00:00Z' }), stderr: '' };
      return { exitCode: 0, stdout: JSON.stringify({ Version: 1, AccessKeyId: 'ASIAGOOD', SecretAccessKey: 'topsecret', SessionToken: 't', Expiration: '2026-11-22T11:00:00Z' }), stderr: '' };
    };
    const files = { '/home/dev/.aws/config': config };
    const fs = await run(env({ files, process, terminal: { AWS_PROFILE: 'a' }, workspace: { AWS_PROFILE: 'b' } }));
    assert.match(find(fs, 'credential-process-failed', 'terminal')!.detail, /exited with 2: token expired, run login/);
    assert.match(find(fs, 'credential-process-failed', 'workspace')!.detail, /expired at 2026-11-22T09:00:00.000Z/);
    const ok = await run(env({ files, process, terminal: { AWS_PROFILE: 'c' }, workspace: { AWS_PROFILE: 'c' } }));
    assert.equal(find(ok, 'credential-process-ok', 'terminal')?.severity, 'ok');
    assert.ok(!JSON.stringify([...fs, ...ok]).includes('topsecret') && !JSON.stringify(fs).includes('sssecret'));
    assert.ok(seen.includes('"/opt/my tool" generate c'));
  });

  it('static keys beside a credential_process are a warning naming the file that holds them', async () => {
    const config = '[profile cp]\ncredential_process = /opt/aws-sessions generate x\n[profile cfg]\naws_access_key_id = AKIACONFIGFILE000001\naws_secret_access_key = s\ncredential_process = /opt/aws-sessions generate y\n[profile clean]\ncredential_process = /opt/aws-sessions generate z\n';
    const credentials = `[cp]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
    const files = { '/home/dev/.aws/config': config, '/home/dev/.aws/credentials': credentials };
    const fs = await run(env({ files, terminal: { AWS_PROFILE: 'cp' }, workspace: { AWS_PROFILE: 'cfg' } }));
    const inCredentials = find(fs, 'credential-process-shadowed', 'terminal');
    assert.equal(inCredentials?.severity, 'warning');
    assert.match(inCredentials!.detail, /the AWS CLI and the SDKs use it and never run "\/opt\/aws-sessions generate x"/);
    assert.equal(inCredentials!.fix?.arg, '/home/dev/.aws/credentials');
    const inConfig = find(fs, 'credential-process-shadowed', 'workspace');
    assert.match(inConfig!.detail, /AWS SDK for JavaScript/);
    assert.equal(inConfig!.fix?.arg, '/home/dev/.aws/config');
    assert.ok(!JSON.stringify(fs).includes(KEY) && !JSON.stringify(fs).includes(SECRET), 'keys are masked');
    const clean = await run(env({ files, process: () => ({ exitCode: 1, stdout: '', stderr: 'x' }), terminal: { AWS_PROFILE: 'clean' }, workspace: { AWS_PROFILE: 'clean' } }));
    assert.equal(find(clean, 'credential-process-shadowed'), undefined);
  });

  it('role profiles follow source_profile; role_arn without a source is an error', async () => {
    const config = '[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile broken]\nrole_arn = arn:aws:iam::123456789012:role/X\n';
    const fs = await run(env({ files: { '/home/dev/.aws/config': config }, terminal: { AWS_PROFILE: 'admin' }, workspace: { AWS_PROFILE: 'broken' } }));
    assert.match(find(fs, 'role-profile', 'terminal')!.detail, /MFA code of arn:aws:iam::123456789012:mfa\/me/);
    assert.match(find(fs, 'profile-missing', 'terminal')!.title, /\(base\)/);
    assert.equal(find(fs, 'role-without-source', 'workspace')?.severity, 'error');
  });

  it('an unparseable file, clock skew, sudo and HOME pitfalls', async () => {
    const fs = await run(env({ files: { '/home/dev/.aws/config': 'region = x\n[default]\n' }, stsSkewS: 400, workspace: { SUDO_USER: 'alice', HOME: '/root' }, uid: 0 }));
    const parse = find(fs, 'file-unparseable', 'terminal')!;
    assert.match(parse.detail, /line 1/);
    assert.deepEqual(parse.fix, { id: 'openFile', label: 'Open config file', arg: '/home/dev/.aws/config' });
    assert.equal(find(fs, 'clock-skew')?.severity, 'error');
    assert.match(find(fs, 'clock-skew')!.detail, /400 s ahead of STS/);
    assert.equal(find(fs, 'sudo')?.severity, 'warning');
    assert.equal(find(fs, 'home-mismatch')?.severity, 'warning');
    const drift = await run(env({ stsSkewS: -90 }));
    assert.equal(find(drift, 'clock-skew')?.severity, 'warning');
    assert.match(find(drift, 'clock-skew')!.detail, /90 s behind/);
    assert.equal(find(await run(env({ stsSkewS: null })), 'clock-unknown')?.severity, 'info');
  });

  it('the report renders every finding, escapes HTML, and puts fix buttons by index only', async () => {
    const fs = await run(env({ terminal: { AWS_PROFILE: '<img src=x>' } }));
    const html = htmlReport(fs, new Date(NOW));
    assert.ok(!html.includes('<img'), 'escaped');
    assert.ok(html.includes('&lt;img src=x&gt;'));
    assert.match(html, /<button type="button" data-fix="\d+">/);
    const md = markdownReport(fs, new Date(NOW));
    assert.match(md, /## Integrated terminal/);
    assert.match(md, /## This machine/);
    assert.equal(codes(fs).length, md.split('\n').filter((l) => l.startsWith('- ')).length);
  });
});
