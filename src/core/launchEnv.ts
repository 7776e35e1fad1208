/**
 * What a launch configuration's environment gets from the session: the AWS variables are added unless the
 * configuration chooses its own. A configuration that names any credential variable (in `env` or in its
 * `envFile`) keeps its own credentials entirely — no profile mixed with its keys; one that names a region
 * variable keeps its region. Pure: the debug provider (editor side) reads the files and the settings.
 */

/** Variables that decide which credentials the AWS SDKs and CLI use. */
export const CREDENTIAL_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
] as const;
export const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/** Names a dotenv file defines (`NAME=value`, `export NAME=value`; comments and blank lines skipped). */
export function dotenvNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (m) names.push(m[1]);
  }
  return names;
}

/**
 * The configuration's `env` with the session's variables added where it sets none of their group;
 * undefined when nothing is added (or `env` is not a name → string map). `env` values that are `null` (unset) count as set.
 */
export function mergeLaunchEnv(configEnv: unknown, envFileNames: readonly string[], ours: Readonly<Record<string, string>>): Record<string, string | null> | undefined {
  if (configEnv !== undefined && !isEnvObject(configEnv)) return undefined; // a shape we do not know: left as it is
  const own: Record<string, string | null> = configEnv ? { ...configEnv } : {};
  const named = new Set([...Object.keys(own), ...envFileNames]);
  const setsAny = (group: readonly string[]) => group.some((name) => named.has(name));
  const skip = new Set<string>([...(setsAny(CREDENTIAL_VARIABLES) ? CREDENTIAL_VARIABLES : []), ...(setsAny(REGION_VARIABLES) ? REGION_VARIABLES : [])]);
  let added = false;
  for (const [name, value] of Object.entries(ours)) {
    if (skip.has(name) || named.has(name)) continue;
    own[name] = value;
    added = true;
  }
  return added ? own : undefined;
}

function isEnvObject(value: unknown): value is Record<string, string | null> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string' || v === null);
}
