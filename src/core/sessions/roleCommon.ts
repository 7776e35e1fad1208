/** Shared by the role session types: the partition check, the role options' fields, and AWS error wrapping. */
import { SessionError, type FieldProblem } from '../errors';
import { AwsCallError } from '../aws/awsErrors';
import { partitionOfRegion } from '../regions';
import { arnPartition, ROLE_CHAINING_MAX_SECONDS, type FieldSpec } from '../validation';
import { l10nText, t } from '../l10n';

/**
 * The ARN's partition must be the region's (a China role cannot be used from us-east-1). Checked only
 * when both fields passed their own rules (`failed` names those that did not).
 */
export function partitionProblem(field: string, label: string, values: Record<string, string>, failed: ReadonlySet<string>): FieldProblem[] {
  if (failed.has(field) || failed.has('region')) return [];
  const arnPart = arnPartition(values[field]);
  const regionPart = partitionOfRegion(values.region);
  return arnPart && arnPart !== regionPart
    ? [{ field, label, message: t('this ARN is in partition {0} but region {1} is in {2}; choose a region of the same partition', arnPart, values.region, regionPart) }]
    : [];
}

/**
 * AWS call failures become SessionErrors naming the session; anything else passes through. `hidden`:
 * values sent in the call that must not reach a log (AWS echoes an invalid parameter in its message);
 * `fixFor`: a more precise fix for an AWS error code than the generic one.
 */
export async function asSession<T>(
  alias: string,
  run: () => Promise<T>,
  options: { hidden?: Record<string, string | undefined>; fixFor?: (code: string) => string | undefined } = {},
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AwsCallError) {
      let message = error.message;
      for (const [label, value] of Object.entries(options.hidden ?? {})) if (value) message = message.split(value).join(`(the ${label})`);
      const fix = options.fixFor?.(error.code) ?? error.fix;
      throw new SessionError(alias, message, fix, { cause: message === error.message ? error : undefined, code: error.code });
    }
    throw error;
  }
}

/**
 * The role session's requested lifetime (DurationSeconds): `help` (marked with l10nText) says what limits apply to
 * this type: from MIN_ROLE_DURATION_SECONDS up to the role's maximum (at most MAX_ROLE_DURATION_SECONDS), written out
 * in each type's text, as one sentence for the translations.
 */
export function durationField(help: string): FieldSpec {
  return {
    name: 'durationSeconds',
    label: l10nText('Session duration in seconds (optional)'),
    problemLabel: l10nText('Session duration'),
    kind: 'text',
    required: false,
    placeholder: '3600',
    help,
    rule: 'durationSeconds',
  };
}

export const EXTERNAL_ID_FIELD: FieldSpec = {
  name: 'externalId',
  label: l10nText('External ID (optional)'),
  problemLabel: l10nText('External ID'),
  kind: 'text',
  required: false,
  help: l10nText("Only when the role's owner gave you one (its trust policy checks sts:ExternalId). Not a secret, but never written to the log."),
  rule: 'externalId',
};

export const SOURCE_IDENTITY_FIELD: FieldSpec = {
  name: 'sourceIdentity',
  label: l10nText('Source identity (optional)'),
  problemLabel: l10nText('Source identity'),
  kind: 'text',
  required: false,
  placeholder: 'alice@example.com',
  help: l10nText('Who is behind the session, e.g. your user name: AWS keeps it along role chains and shows it in CloudTrail; once set in a chain it cannot change. 2–64 letters, digits and + = , . @ _ -.'),
  rule: 'sourceIdentity',
};

/** A form's duration field (valid by its rule, or empty) as the session stores it. */
export function durationFromForm(value: string | undefined): number | undefined {
  return value ? Number(value) : undefined;
}

/**
 * AWS's ValidationError for a DurationSeconds the role does not allow, in words: which limit, the
 * session, and the value to use. Other errors pass through.
 */
export function explainDuration(error: unknown, alias: string, roleArn: string, durationSeconds: number | undefined): unknown {
  if (!(error instanceof SessionError) || error.code !== 'ValidationError' || !/DurationSeconds/.test(error.message)) return error;
  const asked = durationSeconds ?? 3600;
  if (/role chaining/i.test(error.message)) {
    return new SessionError(
      alias,
      t("AWS refused a session duration of {0} seconds ({1}): a role assumed with another role's credentials (role chaining) lasts at most {2} seconds (1 hour), whatever the role's own maximum.", asked, hours(asked), ROLE_CHAINING_MAX_SECONDS),
      t('Edit the session and set the session duration to {0} or less (or leave it empty).', ROLE_CHAINING_MAX_SECONDS),
      { cause: error, code: 'DurationTooLong' },
    );
  }
  return new SessionError(
    alias,
    t("AWS refused a session duration of {0} seconds ({1}): it is longer than the maximum session duration of {2} (set by the role's owner in IAM, between 1 and 12 hours).", asked, hours(asked), roleArn),
    t('Edit the session and set the session duration to at most the role\'s maximum (IAM console → Roles → the role → "Maximum session duration"; {0} always works), or leave it empty for 1 hour.', ROLE_CHAINING_MAX_SECONDS),
    { cause: error, code: 'DurationTooLong' },
  );
}

function hours(seconds: number): string {
  const h = seconds / 3600;
  if (!Number.isInteger(h)) return t('{0} minutes', Math.round(seconds / 60));
  return h === 1 ? t('1 hour') : t('{0} hours', h);
}
