/** Shared by the role session types: the partition check between an ARN and the region, and AWS error wrapping. */
import { SessionError, type FieldProblem } from '../errors';
import { AwsCallError } from '../aws/awsErrors';
import { partitionOfRegion } from '../regions';
import { arnPartition } from '../validation';
import { t } from '../l10n';

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

/** AWS call failures become SessionErrors naming the session; anything else passes through. */
export async function asSession<T>(alias: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AwsCallError) throw new SessionError(alias, error.message, error.fix, { cause: error, code: error.code });
    throw error;
  }
}
