/**
 * Query-protocol parameter checks that produce the same ValidationError text AWS does, e.g.
 * "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: …".
 */
import { AwsError } from './types';

export interface StringRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Regex source as printed in the AWS message, matched against the whole value. */
  readonly pattern?: string;
}

export interface IntRule {
  readonly min: number;
  readonly max: number;
}

function memberName(param: string): string {
  return param.charAt(0).toLowerCase() + param.slice(1);
}

export class Params {
  private readonly problems: string[] = [];

  constructor(private readonly values: URLSearchParams) {}

  /** The raw value, unchecked. */
  raw(name: string): string | undefined {
    return this.values.get(name) ?? undefined;
  }

  str(name: string, rule: StringRule): string | undefined {
    const value = this.raw(name);
    const at = `at '${memberName(name)}' failed to satisfy constraint: Member must`;
    if (value === undefined) {
      if (rule.required) {
        this.problems.push(`Value null ${at} not be null`);
      }
      return undefined;
    }
    const shown = `Value '${value}' ${at}`;
    const length = [...value].length;
    if (rule.min !== undefined && length < rule.min) {
      this.problems.push(`${shown} have length greater than or equal to ${rule.min}`);
    } else if (rule.max !== undefined && length > rule.max) {
      this.problems.push(`${shown} have length less than or equal to ${rule.max}`);
    } else if (rule.pattern !== undefined && !new RegExp(`^(?:${rule.pattern})$`, 'u').test(value)) {
      this.problems.push(`${shown} satisfy regular expression pattern: ${rule.pattern}`);
    }
    return value;
  }

  int(name: string, rule: IntRule): number | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      return undefined;
    }
    const at = `Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must`;
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(`${at} be an integer`);
      return undefined;
    }
    const n = Number(value);
    if (n < rule.min) {
      this.problems.push(`${at} have value greater than or equal to ${rule.min}`);
    } else if (n > rule.max) {
      this.problems.push(`${at} have value less than or equal to ${rule.max}`);
    }
    return n;
  }

  /** Throws the collected ValidationError, if any. Call after all checks of an action. */
  done(): void {
    const n = this.problems.length;
    if (n > 0) {
      const head = n === 1 ? '1 validation error detected: ' : `${n} validation errors detected: `;
      throw new AwsError('ValidationError', head + this.problems.join('; '), 400);
    }
  }
}

export const RULES = {
  roleArn: { required: true, min: 20, max: 2048 },
  roleSessionName: { required: true, min: 2, max: 64, pattern: '[\\w+=,.@-]*' },
  serialNumber: { min: 9, max: 256, pattern: '[\\w+=/:,.@-]*' },
  tokenCode: { min: 6, max: 6, pattern: '[\\d]*' },
  policy: { min: 1, max: 2048 },
  externalId: { min: 2, max: 1224, pattern: '[\\w+=,.@:\\/-]*' },
  sourceIdentity: { min: 2, max: 64, pattern: '[\\w+=,.@-]*' },
  federationName: { required: true, min: 2, max: 32, pattern: '[\\w+=,.@-]*' },
  samlAssertion: { required: true, min: 4, max: 100000 },
  sessionDuration: { min: 900, max: 129600 },
  roleDuration: { min: 900, max: 43200 },
} as const;

export interface RoleArn {
  readonly arn: string;
  readonly accountId: string;
  readonly roleName: string;
}

/** `arn:aws:iam::<12 digits>:role/<optional/path/>name` */
export function parseRoleArn(arn: string): RoleArn {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(arn);
  if (!m) {
    throw new AwsError('ValidationError', 'Request ARN is invalid', 400);
  }
  return { arn, accountId: m[1], roleName: m[2] };
}

/** `arn:aws:iam::<12 digits>:saml-provider/<name>` */
export function parseSamlProviderArn(arn: string): { accountId: string; providerName: string } {
  const m = /^arn:aws:iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/.exec(arn);
  if (!m) {
    throw new AwsError('ValidationError', 'Request ARN is invalid', 400);
  }
  return { accountId: m[1], providerName: m[2] };
}

/** Session policies must be JSON objects; returns PackedPolicySize as a percentage. */
export function packedPolicySize(policy: string | undefined): number | undefined {
  if (policy === undefined) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.', 400);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.', 400);
  }
  return Math.max(1, Math.ceil((JSON.stringify(parsed).length / 2048) * 100));
}
