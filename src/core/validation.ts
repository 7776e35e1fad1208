/**
 * Field rules shared by the webview form (as hints) and the core (as the authority).
 * Each rule returns undefined when the value is fine, or what is expected.
 */
import { isKnownRegion } from './regions';
import { FieldProblem, ValidationError } from './errors';

export type Rule = (value: string) => string | undefined;

export const rules = {
  alias: (v: string) =>
    v.trim().length === 0
      ? 'required: a name for this session, e.g. "dev-admin"'
      : v.length > 64
        ? 'at most 64 characters'
        : /[\u0000-\u001f]/.test(v)
          ? 'no control characters'
          : undefined,
  profileName: (v: string) =>
    v.length === 0
      ? 'required, e.g. "default" or "dev"'
      : v.length > 64
        ? 'at most 64 characters'
        : !/^[A-Za-z0-9_.@+=,-]+$/.test(v)
          ? 'letters, digits and _ . @ + = , - only (no spaces or brackets), so it is a valid ini section name'
          : undefined,
  region: (v: string) =>
    isKnownRegion(v) ? undefined : `"${v}" is not an AWS region; expected a code such as us-east-1 or eu-west-2`,
  accessKeyId: (v: string) =>
    v.startsWith('ASIA')
      ? 'this is a temporary key (ASIA…); an IAM User session needs the long-term key, which starts with AKIA'
      : /^AKIA[A-Z0-9]{16}$/.test(v)
        ? undefined
        : 'expected a long-term access key id: 20 characters starting with AKIA, e.g. AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: (v: string) =>
    v.length === 0
      ? 'required'
      : /^[A-Za-z0-9/+=]{40}$/.test(v)
        ? undefined
        : 'expected the 40-character secret access key shown when the key was created',
  mfaSerial: (v: string) =>
    v === '' ||
    /^arn:(aws|aws-us-gov|aws-cn):iam::\d{12}:mfa\/[\w+=,.@/-]{1,512}$/.test(v) ||
    /^(arn:(aws|aws-us-gov|aws-cn):iam::\d{12}:u2f\/[\w+=,.@/-]+|[A-Z]{3,4}\d{6,12})$/.test(v)
      ? undefined
      : 'expected an MFA device ARN such as arn:aws:iam::123456789012:mfa/alice, or a hardware serial such as GAHT12345678',
  ssoStartUrl: (v: string) => {
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    return url && (url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)))
      ? undefined
      : 'expected the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start';
  },
  mfaCode: (v: string) => (/^\d{6}$/.test(v) ? undefined : 'expected the 6-digit code shown by your MFA device'),
} satisfies Record<string, Rule>;

export type FieldName = keyof typeof rules;

/**
 * Check several fields at once; throws ValidationError listing every problem.
 * `checks` maps a field to [label, value]; a field absent from the map is not checked.
 */
export function validateFields(checks: Partial<Record<FieldName, readonly [label: string, value: string]>>): void {
  const problems: FieldProblem[] = [];
  for (const [field, entry] of Object.entries(checks) as Array<[FieldName, readonly [string, string]]>) {
    const message = rules[field](entry[1]);
    if (message) problems.push({ field, label: entry[0], message });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}
