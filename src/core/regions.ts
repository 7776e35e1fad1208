/** Every AWS region a session can use, by partition. */
import { REGION_TABLE } from './regionTable';

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export interface RegionInfo {
  readonly code: string;
  readonly name: string;
  readonly partition: Partition;
}

/** The bundled SDK's regions of these partitions, generated at build time (scripts/awsRegions.mjs). */
const table: ReadonlyArray<readonly [string, string, Partition]> = REGION_TABLE;

export const REGIONS: readonly RegionInfo[] = table.map(([code, name, partition]) => ({ code, name, partition }));

const byCode = new Map(REGIONS.map((r) => [r.code, r]));

export function isKnownRegion(code: string): boolean {
  return byCode.has(code);
}

export function partitionOfRegion(code: string): Partition {
  return byCode.get(code)?.partition ?? (code.startsWith('cn-') ? 'aws-cn' : code.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
}
