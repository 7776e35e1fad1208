/** Shared by the role session types: field checks and AWS error wrapping. */
import { SessionError, type FieldProblem } from '../errors';
import { AwsCallError } from '../aws/awsErrors';
import { partitionOfRegion } from '../regions';
import { arnPartition, rules } from '../validation';

/** Collects field problems with the rules of core/validation.ts. */
export class Problems {
  readonly list: FieldProblem[] = [];
  check(rule: keyof typeof rules, field: string, label: string, value: string): void {
    const message = rules[rule](value);
    if (message) this.list.push({ field, label, message });
  }
  add(field: string, label: string, message: string): void {
    this.list.push({ field, label, message });
  }
  has(field: string): boolean {
    return this.list.some((p) => p.field === field);
  }
  /** The ARN's partition must be the region's (a China role cannot be used from us-east-1). */
  samePartition(field: string, label: string, arn: string, region: string): void {
    if (this.has(field) || this.has('region')) return;
    const arnPart = arnPartition(arn);
    const regionPart = partitionOfRegion(region);
    if (arnPart && arnPart !== regionPart) {
      this.add(field, label, `this ARN is in partition ${arnPart} but region ${region} is in ${regionPart}; choose a region of the same partition`);
    }
  }
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

export const trimmed = (values: Record<string, string>, name: string) => (values[name] ?? '').trim();
