/**
 * Field rules shared by the webview form (as hints) and the core (as the authority), and the one
 * validator that applies them to a form (`validateForm`, driven by each form's field specs).
 * Each rule returns undefined when the value is fine, or what is expected.
 */
import { DEFAULT_PROFILE_NAME } from './constants';
import { isKnownRegion } from './regions';
import { isDeliveryMode } from './model';
import type { FieldProblem } from './errors';
import { firstUnsafeChar } from './text';
import { t, translated } from './l10n';

/** Names are shown in trees, terminals and the CLI's tables: nothing that reorders or breaks the text around them. */
function unsafeCharProblem(what: string, v: string): string | undefined {
  const found = firstUnsafeChar(v);
  return found && t('{0} cannot contain control, bidirectional-override or line-separator characters (found {1} at position {2}).', what, found.name, found.position);
}

export type Rule = (value: string) => string | undefined;

/** AWS's limits on a role session's DurationSeconds: 15 minutes, a role's largest MaxSessionDuration, role chaining's cap. */
export const MIN_ROLE_DURATION_SECONDS = 900;
export const MAX_ROLE_DURATION_SECONDS = 43200;
export const ROLE_CHAINING_MAX_SECONDS = 3600;

export const rules = {
  alias: (v: string) =>
    v.trim().length === 0
      ? t('required: a name for this session, e.g. "dev-admin"')
      : v.length > 64
        ? t('at most 64 characters')
        : unsafeCharProblem('Aliases', v),
  profileName: (v: string) =>
    v.length === 0
      ? 'required, e.g. "default" or "dev"'
      : v.length > 64
        ? t('at most 64 characters')
        : !/^[A-Za-z0-9_.@+=,-]+$/.test(v)
          ? t('letters, digits and _ . @ + = , - only (no spaces or brackets), so it is a valid ini section name')
          : v !== DEFAULT_PROFILE_NAME && v.toLowerCase() === DEFAULT_PROFILE_NAME
            ? t('"{0}" is reserved in any letter case: "{1}" would be confused with the default profile (the AWS CLI even reads a [DEFAULT] section as values for every profile). Use "{2}" itself or another name', DEFAULT_PROFILE_NAME, v, DEFAULT_PROFILE_NAME)
            : undefined,
  region: (v: string) =>
    isKnownRegion(v) ? undefined : t('"{0}" is not an AWS region; expected a code such as us-east-1 or eu-west-2', v),
  accessKeyId: (v: string) =>
    v.startsWith('ASIA')
      ? t('this is a temporary key (ASIA…); an IAM User session needs the long-term key, which starts with AKIA')
      : /^AKIA[A-Z0-9]{16}$/.test(v)
        ? undefined
        : t('expected a long-term access key id: 20 characters starting with AKIA, e.g. AKIAIOSFODNN7EXAMPLE'),
  secretAccessKey: (v: string) =>
    v.length === 0
      ? 'required'
      : /^[A-Za-z0-9/+=]{40}$/.test(v)
        ? undefined
        : t('expected the 40-character secret access key shown when the key was created'),
  mfaSerial: (v: string) =>
    v === '' ||
    /^arn:(aws|aws-us-gov|aws-cn):iam::\d{12}:mfa\/[\w+=,.@/-]{1,512}$/.test(v) ||
    /^(arn:(aws|aws-us-gov|aws-cn):iam::\d{12}:u2f\/[\w+=,.@/-]+|[A-Z]{3,4}\d{6,12})$/.test(v)
      ? undefined
      : t('expected an MFA device ARN such as arn:aws:iam::123456789012:mfa/alice, or a hardware serial such as GAHT12345678'),
  oathAccount: (v: string) =>
    v === ''
      ? undefined
      : v.length > 64
        ? t('at most 64 characters (a YubiKey OATH account name is "issuer:name", e.g. "Amazon Web Services:alice@123456789012")')
        : v.startsWith('-')
          ? t('cannot start with "-"')
          : unsafeCharProblem(t('OATH account names'), v),
  ssoStartUrl: (v: string) => {
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    return url && (url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)))
      ? undefined
      : t('expected the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start');
  },
  mfaCode: (v: string) => (/^\d{6}$/.test(v) ? undefined : t('expected the 6-digit code shown by your MFA device')),
  roleArn: (v: string) =>
    v === ''
      ? t('required: the ARN of the IAM role, e.g. arn:aws:iam::123456789012:role/Admin')
      : !/^arn:/.test(v)
        ? t('expected an ARN starting with arn:, e.g. arn:aws:iam::123456789012:role/Admin')
        : !/^arn:(aws|aws-us-gov|aws-cn):/.test(v)
          ? t('the partition must be aws, aws-us-gov or aws-cn (arn:<partition>:iam::…)')
          : !/^arn:[\w-]+:iam::\d{12}:role\//.test(v)
            ? t('expected an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<name>')
            : /^arn:[\w-]+:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(v) && v.length <= 2048
              ? undefined
              : t('the role name must be 1–64 characters of letters, digits and + = , . @ _ - (an optional /path/ before it)'),
  samlProviderArn: (v: string) =>
    v === ''
      ? t('required: the ARN of the IAM identity provider, e.g. arn:aws:iam::123456789012:saml-provider/Okta')
      : !/^arn:(aws|aws-us-gov|aws-cn):/.test(v)
        ? t('expected an ARN whose partition is aws, aws-us-gov or aws-cn')
        : /^arn:[\w-]+:iam::\d{12}:saml-provider\/[\w.-]{1,128}$/.test(v)
          ? undefined
          : t('expected a SAML provider ARN: arn:<partition>:iam::<12-digit account>:saml-provider/<name>'),
  roleSessionName: (v: string) =>
    v === '' || /^[\w+=,.@-]{2,64}$/.test(v)
      ? undefined
      : v.length < 2 || v.length > 64
        ? t('2 to 64 characters (leave empty for the default)')
        : t('only letters, digits and + = , . @ _ - (no spaces)'),
  /** AWS: 2–1224 characters of letters, digits and + = , . @ : / _ - (the trust policy's sts:ExternalId). */
  externalId: (v: string) =>
    v === '' || /^[\w+=,.@:/-]{2,1224}$/.test(v)
      ? undefined
      : v.length < 2 || v.length > 1224
        ? t('2 to 1224 characters, exactly as the role owner gave it (leave empty when the role does not require one)')
        : t('only letters, digits and + = , . @ : / _ - (no spaces), exactly as the role owner gave it'),
  /** AWS: 900 s up to the role's MaxSessionDuration (at most 43200); the 1-hour cap of role chaining is checked with the assumer. */
  durationSeconds: (v: string) =>
    v === ''
      ? undefined
      : !/^\d+$/.test(v)
        ? t('a whole number of seconds, e.g. 3600 for 1 hour or 43200 for 12 hours (leave empty for 1 hour)')
        : Number(v) < MIN_ROLE_DURATION_SECONDS
          ? t('at least {0} seconds (15 minutes): AWS refuses shorter role sessions', MIN_ROLE_DURATION_SECONDS)
          : Number(v) > MAX_ROLE_DURATION_SECONDS
            ? t('at most {0} seconds (12 hours), the longest maximum a role can have', MAX_ROLE_DURATION_SECONDS)
            : undefined,
  /** AWS: 2–64 characters of letters, digits and + = , . @ _ - (so never the reserved `aws:` prefix). */
  sourceIdentity: (v: string) =>
    v === '' || /^[\w+=,.@-]{2,64}$/.test(v)
      ? undefined
      : v.length < 2 || v.length > 64
        ? t('2 to 64 characters, e.g. your user name or e-mail (leave empty to send none)')
        : t('only letters, digits and + = , . @ _ - (no spaces or colons)'),
  samlUrl: (v: string) => {
    if (v === '') return t('required: the SAML 2.0 sign-in URL of your identity provider (https://…)');
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return t('expected a full URL such as https://idp.example.com/app/amazon_aws/sso/saml');
    }
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return undefined;
    return t('expected an https:// URL (http:// only for a local test IdP on 127.0.0.1 or localhost)');
  },
  sessionRef: (v: string) => (v === '' ? t('required: choose the session whose credentials assume the role') : undefined),
  /** Empty or `default`: follow the awsSessions.deliveryMode setting. */
  deliveryMode: (v: string) => (v === '' || v === 'default' || isDeliveryMode(v) ? undefined : t('"{0}" is not credentialsFile, credentialProcess or default', v)),
} satisfies Record<string, Rule>;

/** The partition of an ARN (`arn:<partition>:…`), or undefined when it is not an ARN. */
export function arnPartition(arn: string): string | undefined {
  return /^arn:([\w-]+):/.exec(arn)?.[1];
}

/** The 12-digit account of an IAM ARN (`arn:<partition>:iam::<account>:…`), or undefined. */
export function arnAccount(arn: string): string | undefined {
  return /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1];
}

/** The default role session name for an alias: `aws-sessions-<alias>` made valid (2–64 of [\w+=,.@-]). */
export function defaultRoleSessionName(alias: string): string {
  const name = `aws-sessions-${alias}`.replace(/[^\w+=,.@-]+/g, '-').slice(0, 64);
  return name.length >= 2 ? name : 'aws-sessions';
}

export type FieldName = keyof typeof rules;

/** How a form field is shown and checked. Secret fields are never sent to a page: only whether they are stored. */
export interface FieldSpec {
  name: string;
  label: string;
  /** How problems name the field when the label says more (e.g. "(optional)"); default: the label. */
  problemLabel?: string;
  /** `session`: a picker over the other sessions (value: session id). */
  kind: 'text' | 'secret' | 'region' | 'profile' | 'session' | 'choice';
  required: boolean;
  /** `choice`: the values offered, in order. */
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
  help?: string;
  /** Rule of `rules` above: the page applies it as a hint, validateForm as the authority. */
  rule?: FieldName;
}

/** The field with its texts in the language in use (specs are made, in English, when their module loads). */
export function translatedField(field: FieldSpec): FieldSpec {
  const text = (value: string | undefined) => (value === undefined ? undefined : translated(value));
  return {
    ...field,
    label: translated(field.label),
    problemLabel: text(field.problemLabel),
    placeholder: text(field.placeholder),
    help: text(field.help),
    options: field.options?.map((o) => ({ ...o, label: translated(o.label) })),
  };
}

/** Values from a form: plain strings; a secret field left empty on edit means "keep the stored one". */
export type FormValues = Record<string, string>;

/**
 * What is wrong with one field's (trimmed) value, or undefined. An empty optional field, and an empty
 * secret field whose value is stored already (kept on edit), are fine; otherwise the field's rule
 * decides (rules word their own "required"), and a required field without a rule must not be empty.
 */
function fieldProblem(field: FieldSpec, value: string, stored: boolean): string | undefined {
  if (value === '' && (!field.required || (field.kind === 'secret' && stored))) return undefined;
  if (field.rule) return rules[field.rule](value);
  return value === '' ? 'required' : undefined;
}

/**
 * Check every field of a form by its spec. `stored`: the secret fields whose values are stored already,
 * so leaving them empty on edit is fine. Returns the trimmed values of the specified fields and every
 * problem, in field order; checks between fields are the caller's (they see which fields failed).
 */
export function validateForm(fields: readonly FieldSpec[], values: Readonly<FormValues>, stored: ReadonlySet<string> = new Set()): { values: FormValues; problems: FieldProblem[] } {
  const clean: FormValues = {};
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const raw: unknown = values[field.name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    clean[field.name] = value;
    const message = fieldProblem(field, value, stored.has(field.name));
    if (message) problems.push({ field: field.name, label: translated(field.problemLabel ?? field.label), message });
  }
  return { values: clean, problems };
}
