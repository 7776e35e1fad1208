/**
 * The credentials doctor: "why does my tool say Unable to locate credentials (or use the wrong
 * account)?" Follows the SDK provider chain in its order — environment keys, web identity, the shared
 * files (the profile chosen by AWS_PROFILE / AWS_DEFAULT_PROFILE, and within it role_arn, SSO, keys,
 * credential_process) — for the integrated terminal and the workspace, then machine-wide pitfalls:
 * long-term keys in the credentials file, clock skew against STS, sudo/HOME. Pure over its input.
 */
import { expandPath } from '../awsFiles/awsFiles';
import { decodeUtf8, IniDocument, IniParseError } from '../awsFiles/iniEdit';
import { indexProfiles, mergedValues, type IndexedProfile, type ProfileIndex } from '../awsFiles/profileIndex';
import { describeSkew, measureSkew, skewSeverity } from '../clockSkew';
import { checkCredentialProcess } from './processCheck';
import { maskKeyId, type CliEndpointState, type DoctorEnvironment, type DoctorInput, type Finding, type ManagedProfile, type Scope } from './types';
import { t } from '../l10n';

type Env = Readonly<Record<string, string | undefined>>;

interface Files {
  configPath: string;
  credentialsPath: string;
  index?: ProfileIndex;
  findings: Finding[];
}

async function loadFiles(env: DoctorEnvironment, scopeEnv: Env, scope: Scope): Promise<Files> {
  const home = scopeEnv.HOME || env.homeDir;
  const pick = (name: string, fallback: string) => (scopeEnv[name] ? expandPath(scopeEnv[name]!, scopeEnv, home, env.cwd) : `${home}/.aws/${fallback}`);
  const files: Files = { configPath: pick('AWS_CONFIG_FILE', 'config'), credentialsPath: pick('AWS_SHARED_CREDENTIALS_FILE', 'credentials'), findings: [] };
  const docs: Partial<Record<'config' | 'credentials', IniDocument>> = {};
  for (const [kind, path, variable] of [
    ['config', files.configPath, 'AWS_CONFIG_FILE'],
    ['credentials', files.credentialsPath, 'AWS_SHARED_CREDENTIALS_FILE'],
  ] as const) {
    const text = await env.readFile(path);
    if (text === undefined) {
      if (scopeEnv[variable]) {
        files.findings.push({ code: 'file-var-missing', severity: 'error', scope, title: t('{0} names a file that does not exist', variable), detail: t('{0}={1} → {2} is missing, so every profile of that file is missing too.', variable, scopeEnv[variable], path), fix: { id: 'openTerminalSettings', label: t('Terminal environment settings') } });
      }
      continue;
    }
    try {
      docs[kind] = IniDocument.parse(decodeUtf8(Buffer.from(text, 'utf8')));
    } catch (error) {
      if (!(error instanceof IniParseError)) throw error;
      files.findings.push({ code: 'file-unparseable', severity: 'error', scope, title: t('The AWS CLI cannot read {0}', path), detail: t('{0}. The CLI then refuses every profile ("Unable to parse config file").', error.withFile(path).message), fix: { id: 'openFile', label: t('Open {0} file', kind), arg: path } });
    }
    if (scopeEnv[variable]) files.findings.push({ code: 'file-var', severity: 'info', scope, title: t('{0} moves the {1} file', variable, kind), detail: t('Tools in this scope read {0}, not {1}/.aws/{2}.', path, home, kind) });
  }
  files.index = indexProfiles(docs.credentials, docs.config);
  return files;
}

function chosenProfile(scopeEnv: Env, scope: Scope, contributed: Env | undefined): { name: string; source: string; findings: Finding[] } {
  const findings: Finding[] = [];
  const p = scopeEnv.AWS_PROFILE?.trim();
  const d = scopeEnv.AWS_DEFAULT_PROFILE?.trim();
  if (p && d && p !== d) {
    findings.push({ code: 'profile-vars-differ', severity: 'warning', scope, title: t('AWS_PROFILE and AWS_DEFAULT_PROFILE disagree'), detail: t('AWS_PROFILE={0} and AWS_DEFAULT_PROFILE={1}: the AWS CLI and the SDKs use {2}; older tools read AWS_DEFAULT_PROFILE and use {3}. Unset one.', p, d, p, d) });
  }
  if (p) return { name: p, source: contributed?.AWS_PROFILE === p ? t('AWS_PROFILE, set by AWS Sessions for terminals') : 'AWS_PROFILE', findings };
  if (d) {
    findings.push({ code: 'default-profile-var', severity: 'info', scope, title: t('AWS_DEFAULT_PROFILE chooses the profile'), detail: t('AWS_DEFAULT_PROFILE={0} is read by the AWS CLI, but not by the JavaScript SDK v3, which uses [default]. Prefer AWS_PROFILE.', d) });
    return { name: d, source: 'AWS_DEFAULT_PROFILE', findings };
  }
  return { name: 'default', source: t('no AWS_PROFILE: the default profile'), findings };
}

function expiryOf(values: Record<string, string>): Date | undefined {
  for (const key of ['aws_expiration', 'x_security_token_expires', 'aws_credential_expiration', 'expiration']) {
    const t = values[key] ? Date.parse(values[key]) : NaN;
    if (!Number.isNaN(t)) return new Date(t);
  }
  return undefined;
}

async function profileFindings(input: DoctorInput, files: Files, name: string, source: string, scope: Scope, scopeEnv: Env, depth = 0): Promise<Finding[]> {
  const env = input.environment;
  const out: Finding[] = [];
  const managed = input.managed.find((m) => m.profile === name);
  const profile: IndexedProfile | undefined = files.index?.profiles.get(name);
  const where = `${files.credentialsPath} / ${files.configPath}`;
  const startFix = (m: ManagedProfile) => ({ id: 'startSession' as const, label: t('Start "{0}"', m.alias), arg: m.sessionId });
  if (!profile) {
    if (managed && managed.status !== 'active') {
      out.push({ code: 'managed-inactive', severity: 'error', scope, title: t('Profile "{0}" belongs to session "{1}", which is {2}', name, managed.alias, managed.status), detail: t('Nothing provides credentials for "{0}" until the session is started (it writes them into {1}).', name, files.credentialsPath), fix: startFix(managed) });
    } else if (name === 'default') {
      out.push({ code: 'no-credentials', severity: 'error', scope, title: t('Unable to locate credentials'), detail: t('No environment keys, no AWS_PROFILE, and no [default] profile in {0}. Start a session on the "default" profile, or set AWS_PROFILE to a profile that exists.', where), fix: input.managed.length ? { id: 'switchTerminalProfile', label: t('Choose the terminal profile') } : { id: 'addSession', label: t('Add a session') } });
    } else {
      out.push({ code: 'profile-missing', severity: 'error', scope, title: t('The config profile ({0}) could not be found', name), detail: t('{0} names "{1}", which is in neither {2}.', source, name, where), fix: { id: 'switchTerminalProfile', label: t('Choose the terminal profile') } });
    }
    return out;
  }
  const v = mergedValues(profile);
  const label = t('Profile "{0}" ({1})', name, source);
  if (v.role_arn) {
    if (v.source_profile) {
      out.push({ code: 'role-profile', severity: 'info', scope, title: t('{0} assumes {1}', label, v.role_arn), detail: t('with the credentials of profile "{0}"{1}.', v.source_profile, v.mfa_serial ? t(', asking for an MFA code of {0}', v.mfa_serial) : '') });
      if (depth < 5 && v.source_profile !== name) out.push(...(await profileFindings(input, files, v.source_profile, t('source_profile of "{0}"', name), scope, scopeEnv, depth + 1)));
    } else if (v.credential_source) {
      out.push({ code: 'role-credential-source', severity: 'info', scope, title: t('{0} assumes {1} with {2} credentials', label, v.role_arn, v.credential_source), detail: t('Those exist only on EC2, in ECS or with environment keys.') });
    } else if (!v.web_identity_token_file) {
      out.push({ code: 'role-without-source', severity: 'error', scope, title: t('{0} has role_arn but no source_profile or credential_source', label), detail: t('The AWS CLI refuses it: add source_profile.'), fix: { id: 'openFile', label: t('Open config file'), arg: files.configPath } });
    }
    return out;
  }
  if (v.sso_session || v.sso_start_url) {
    out.push({ code: 'sso-profile', severity: 'info', scope, title: t('{0} uses IAM Identity Center', label), detail: t('Its token comes from "aws sso login{0}"; when it has expired tools say the token is expired or missing.', name === 'default' ? '' : ` --profile ${name}`) });
    return out;
  }
  if (v.credential_process && v.aws_access_key_id) {
    // The credentials file is read before credential_process by botocore (the AWS CLI) and every SDK; the AWS
    // SDK for JavaScript v3 also prefers static keys from the config file.
    const inCredentials = !!profile.credentials?.values.aws_access_key_id;
    const file = inCredentials ? files.credentialsPath : files.configPath;
    out.push({ code: 'credential-process-shadowed', severity: 'warning', scope, title: t('{0}: static keys hide its credential_process', label), detail: t('[{0}] in {1} holds key {2}; {3} "{4}"{5}. Remove the keys from that section to use credential_process.', name, file, maskKeyId(v.aws_access_key_id), inCredentials ? t('the AWS CLI and the SDKs use it and never run') : t('the AWS SDK for JavaScript uses it and never runs'), v.credential_process, managed ? t(' (session "{0}")', managed.alias) : ''), fix: { id: 'openFile', label: inCredentials ? t('Open credentials file') : t('Open config file'), arg: file } });
  }
  if (v.aws_access_key_id) {
    const temporary = !!(v.aws_session_token || v.aws_security_token);
    if (managed) {
      const left = managed.expiration ? Date.parse(managed.expiration) - env.now() : NaN;
      if (managed.status !== 'active' || left <= 0) {
        out.push({ code: 'managed-expired', severity: 'error', scope, title: t('{0}: the credentials of session "{1}" are {2}', label, managed.alias, managed.status === 'active' ? 'expired' : managed.status), detail: t('Tools get ExpiredToken or InvalidClientTokenId errors until it is started again.'), fix: startFix(managed) });
      } else {
        out.push({ code: 'managed-active', severity: 'ok', scope, title: t('{0}: session "{1}" is active', label, managed.alias), detail: t('Temporary key {0} valid for {1} more minutes.', maskKeyId(v.aws_access_key_id), Math.round(left / 60000)) });
      }
    } else if (temporary) {
      const expiry = expiryOf(v);
      if (expiry && expiry.getTime() <= env.now()) {
        out.push({ code: 'file-keys-expired', severity: 'error', scope, title: t('{0}: its temporary credentials expired at {1}', label, expiry.toISOString()), detail: t('Key {0} was written by another tool; refresh it with that tool, or import the profile.', maskKeyId(v.aws_access_key_id)), fix: { id: 'importProfiles', label: t('Import from ~/.aws') } });
      } else {
        out.push({ code: 'file-keys-temporary', severity: 'info', scope, title: t('{0}: temporary key {1} from another tool', label, maskKeyId(v.aws_access_key_id)), detail: expiry ? t('Valid until {0}.', expiry.toISOString()) : t('Its expiry is not written down; ExpiredToken errors mean it ran out.') });
      }
    } else {
      out.push({ code: 'profile-long-term-keys', severity: 'warning', scope, title: t('{0}: long-term key {1} in a plain file', label, maskKeyId(v.aws_access_key_id)), detail: t('Anyone who can read the file has the key, with no expiry.'), fix: { id: 'importProfiles', label: t('Move it into secret storage (Import)') } });
    }
    if (!v.aws_secret_access_key) out.push({ code: 'profile-keys-incomplete', severity: 'error', scope, title: t('{0}: aws_access_key_id without aws_secret_access_key', label), detail: t('The SDKs report partial credentials.'), fix: { id: 'openFile', label: t('Open credentials file'), arg: files.credentialsPath } });
    return out;
  }
  if (v.credential_process) {
    out.push(await checkCredentialProcess(env, v.credential_process, label, scope, scopeEnv));
    return out;
  }
  if (managed && managed.status !== 'active') {
    out.push({ code: 'managed-inactive', severity: 'error', scope, title: t('{0} belongs to session "{1}", which is {2}', label, managed.alias, managed.status), detail: t('The profile has no credentials until the session is started (it writes them into {0}).', files.credentialsPath), fix: startFix(managed) });
    return out;
  }
  out.push({ code: 'profile-without-credentials', severity: 'error', scope, title: t('{0} provides no credentials', label), detail: t('It has {0}, but no keys, role_arn, sso_session or credential_process: "Unable to locate credentials".', Object.keys(v).join(', ') || t('no keys')), fix: managed ? startFix(managed) : { id: 'openFile', label: t('Open config file'), arg: files.configPath } });
  return out;
}

async function scopeFindings(input: DoctorInput, scope: 'terminal' | 'workspace', scopeEnv: Env, files: Files): Promise<Finding[]> {
  const out: Finding[] = [...files.findings];
  const id = scopeEnv.AWS_ACCESS_KEY_ID;
  const profileVar = scopeEnv.AWS_PROFILE;
  if (id) {
    if (!scopeEnv.AWS_SECRET_ACCESS_KEY) {
      out.push({ code: 'env-keys-incomplete', severity: 'error', scope, title: t('AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY'), detail: t('The SDKs report partial credentials; unset AWS_ACCESS_KEY_ID or set both.'), fix: { id: 'openTerminalSettings', label: t('Terminal environment settings') } });
    } else {
      out.push({
        code: 'env-keys-shadow',
        severity: 'warning',
        scope,
        title: t('Environment keys ({0}) come first in the chain', maskKeyId(id)),
        detail: profileVar
          ? t('The AWS CLI and boto3 use AWS_ACCESS_KEY_ID even though AWS_PROFILE={0} is set (wrong account?); the JavaScript SDK v3 uses the profile instead. Unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.', profileVar)
          : t('Every profile is ignored while they are set. Unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to use profiles.'),
        fix: { id: 'openTerminalSettings', label: t('Terminal environment settings') },
      });
      return out;
    }
  }
  if (scopeEnv.AWS_WEB_IDENTITY_TOKEN_FILE && scopeEnv.AWS_ROLE_ARN) {
    const token = await input.environment.readFile(scopeEnv.AWS_WEB_IDENTITY_TOKEN_FILE);
    out.push(
      token === undefined
        ? { code: 'web-identity-missing', severity: 'error', scope, title: t('AWS_WEB_IDENTITY_TOKEN_FILE does not exist'), detail: t('{0} is missing; the SDK fails before it looks at profiles.', scopeEnv.AWS_WEB_IDENTITY_TOKEN_FILE) }
        : { code: 'web-identity', severity: 'info', scope, title: t('Web identity assumes {0}', scopeEnv.AWS_ROLE_ARN), detail: t('AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN come before every profile.') },
    );
    return out;
  }
  const chosen = chosenProfile(scopeEnv, scope, scope === 'terminal' ? input.environment.terminalContributed : undefined);
  out.push(...chosen.findings);
  out.push(...(await profileFindings(input, files, chosen.name, chosen.source, scope, scopeEnv)));
  const region = scopeEnv.AWS_REGION || scopeEnv.AWS_DEFAULT_REGION || (files.index?.profiles.get(chosen.name) && mergedValues(files.index.profiles.get(chosen.name)!).region);
  if (!region) out.push({ code: 'no-region', severity: 'warning', scope, title: t('No region'), detail: t('Neither AWS_REGION, AWS_DEFAULT_REGION nor a region in profile "{0}": tools say "You must specify a region".', chosen.name) });
  return out;
}

function machineFindings(env: DoctorEnvironment, workspaceEnv: Env): Finding[] {
  const out: Finding[] = [];
  if (workspaceEnv.SUDO_USER) {
    out.push({ code: 'sudo', severity: 'warning', scope: 'machine', title: t('Running under sudo (from {0})', workspaceEnv.SUDO_USER), detail: t('HOME is {0}: tools read {1}/.aws, not {2}\'s. Use "sudo -E" or run without sudo.', workspaceEnv.HOME ?? t('(unset)'), workspaceEnv.HOME ?? env.homeDir, workspaceEnv.SUDO_USER) });
  } else if (env.uid === 0) {
    out.push({ code: 'root', severity: 'info', scope: 'machine', title: t('VS Code runs as root'), detail: t('Tools read {0}/.aws; a terminal opened with "sudo" elsewhere would not.', env.homeDir) });
  }
  if (!workspaceEnv.HOME) out.push({ code: 'home-unset', severity: 'error', scope: 'machine', title: t('HOME is not set'), detail: t('The AWS CLI cannot find ~/.aws; set HOME or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.') });
  else if (workspaceEnv.HOME !== env.homeDir) out.push({ code: 'home-mismatch', severity: 'warning', scope: 'machine', title: t('HOME differs from the account home'), detail: t('HOME={0} but this account\'s home is {1}: tools read {2}/.aws.', workspaceEnv.HOME, env.homeDir, workspaceEnv.HOME) });
  return out;
}

function longTermKeyFindings(files: Files, managed: readonly ManagedProfile[]): Finding[] {
  const names: string[] = [];
  for (const p of files.index?.profiles.values() ?? []) {
    const v = p.credentials?.values;
    if (v?.aws_access_key_id && !v.aws_session_token && !v.aws_security_token && !managed.some((m) => m.profile === p.name)) names.push(`${p.name} (${maskKeyId(v.aws_access_key_id)})`);
  }
  if (names.length === 0) return [];
  return [{ code: 'long-term-keys', severity: 'warning', scope: 'machine', title: names.length > 1 ? t('{0} long-term keys in {1}', names.length, files.credentialsPath) : t('1 long-term key in {0}', files.credentialsPath), detail: t('{0}{1}: plain-text keys without expiry. Import moves them into VS Code\'s secret storage and, if you confirm, out of the file (a backup is kept).', names.slice(0, 10).join(', '), names.length > 10 ? ', …' : ''), fix: { id: 'importProfiles', label: t('Import from ~/.aws') } }];
}

async function clockFinding(env: DoctorEnvironment): Promise<Finding> {
  const date = await env.stsDate();
  if (!date) return { code: 'clock-unknown', severity: 'info', scope: 'machine', title: t('Clock skew not checked'), detail: t('STS could not be reached to compare clocks.') };
  const skew = measureSkew(date, env.now());
  const text = describeSkew(skew);
  const severity = skewSeverity(skew);
  if (severity === 'error') return { code: 'clock-skew', severity: 'error', scope: 'machine', title: t('Clock skew breaks request signatures'), detail: t('{0} AWS refuses signatures more than 5 minutes off ("Signature expired" / SignatureDoesNotMatch). Sync the clock (NTP).', text) };
  if (severity === 'warning') return { code: 'clock-skew', severity: 'warning', scope: 'machine', title: t('The clock drifts'), detail: t('{0} Beyond 5 minutes AWS refuses signatures.', text) };
  return { code: 'clock-ok', severity: 'ok', scope: 'machine', title: t('Clock in sync with STS'), detail: text };
}

function cliFindings(status: CliEndpointState | undefined): Finding[] {
  if (!status) return [];
  if (status.state === 'cannotServe') {
    const { path, reason } = status.problem;
    return [{ code: 'cli-cannot-serve', severity: 'error', scope: 'machine', title: t('The aws-sessions command line and credential_process profiles cannot be served'), detail: t('{0} ({1}). Until this is fixed, aws-sessions exits with code 3 and tools using a credential_process profile of AWS Sessions get no credentials.', reason, path) }];
  }
  if (status.state === 'serving') return [{ code: 'cli-serving', severity: 'ok', scope: 'machine', title: t('This window serves aws-sessions and credential_process'), detail: t('Another window takes over when this one closes.') }];
  return [{ code: 'cli-standby', severity: 'info', scope: 'machine', title: t('Another window serves aws-sessions and credential_process'), detail: t('This window takes over when that one closes.') }];
}

export async function diagnose(input: DoctorInput): Promise<Finding[]> {
  const env = input.environment;
  const findings: Finding[] = [];
  const seenPaths = new Set<string>();
  const workspaceEnv = env.envs.workspace ?? {};
  for (const scope of ['terminal', 'workspace'] as const) {
    const scopeEnv = env.envs[scope];
    if (!scopeEnv) continue;
    const files = await loadFiles(env, scopeEnv, scope);
    findings.push(...(await scopeFindings(input, scope, scopeEnv, files)));
    if (!seenPaths.has(files.credentialsPath)) {
      seenPaths.add(files.credentialsPath);
      findings.push(...longTermKeyFindings(files, input.managed));
    }
  }
  findings.push(...machineFindings(env, workspaceEnv));
  findings.push(...cliFindings(input.cliEndpoint));
  findings.push(await clockFinding(env));
  return findings;
}

const ORDER = { error: 0, warning: 1, info: 2, ok: 3 } as const;
export function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
