/** Every AWS region a session can use, by partition. */

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export interface RegionInfo {
  readonly code: string;
  readonly name: string;
  readonly partition: Partition;
}

const table: ReadonlyArray<readonly [string, string, Partition]> = [
  ['us-east-1', 'US East (N. Virginia)', 'aws'],
  ['us-east-2', 'US East (Ohio)', 'aws'],
  ['us-west-1', 'US West (N. California)', 'aws'],
  ['us-west-2', 'US West (Oregon)', 'aws'],
  ['af-south-1', 'Africa (Cape Town)', 'aws'],
  ['ap-east-1', 'Asia Pacific (Hong Kong)', 'aws'],
  ['ap-east-2', 'Asia Pacific (Taipei)', 'aws'],
  ['ap-south-1', 'Asia Pacific (Mumbai)', 'aws'],
  ['ap-south-2', 'Asia Pacific (Hyderabad)', 'aws'],
  ['ap-southeast-1', 'Asia Pacific (Singapore)', 'aws'],
  ['ap-southeast-2', 'Asia Pacific (Sydney)', 'aws'],
  ['ap-southeast-3', 'Asia Pacific (Jakarta)', 'aws'],
  ['ap-southeast-4', 'Asia Pacific (Melbourne)', 'aws'],
  ['ap-southeast-5', 'Asia Pacific (Malaysia)', 'aws'],
  ['ap-southeast-7', 'Asia Pacific (Thailand)', 'aws'],
  ['ap-northeast-1', 'Asia Pacific (Tokyo)', 'aws'],
  ['ap-northeast-2', 'Asia Pacific (Seoul)', 'aws'],
  ['ap-northeast-3', 'Asia Pacific (Osaka)', 'aws'],
  ['ca-central-1', 'Canada (Central)', 'aws'],
  ['ca-west-1', 'Canada West (Calgary)', 'aws'],
  ['eu-central-1', 'Europe (Frankfurt)', 'aws'],
  ['eu-central-2', 'Europe (Zurich)', 'aws'],
  ['eu-west-1', 'Europe (Ireland)', 'aws'],
  ['eu-west-2', 'Europe (London)', 'aws'],
  ['eu-west-3', 'Europe (Paris)', 'aws'],
  ['eu-south-1', 'Europe (Milan)', 'aws'],
  ['eu-south-2', 'Europe (Spain)', 'aws'],
  ['eu-north-1', 'Europe (Stockholm)', 'aws'],
  ['il-central-1', 'Israel (Tel Aviv)', 'aws'],
  ['me-south-1', 'Middle East (Bahrain)', 'aws'],
  ['me-central-1', 'Middle East (UAE)', 'aws'],
  ['mx-central-1', 'Mexico (Central)', 'aws'],
  ['sa-east-1', 'South America (São Paulo)', 'aws'],
  ['us-gov-east-1', 'AWS GovCloud (US-East)', 'aws-us-gov'],
  ['us-gov-west-1', 'AWS GovCloud (US-West)', 'aws-us-gov'],
  ['cn-north-1', 'China (Beijing)', 'aws-cn'],
  ['cn-northwest-1', 'China (Ningxia)', 'aws-cn'],
];

export const REGIONS: readonly RegionInfo[] = table.map(([code, name, partition]) => ({ code, name, partition }));

const byCode = new Map(REGIONS.map((r) => [r.code, r]));

export function findRegion(code: string): RegionInfo | undefined {
  return byCode.get(code);
}

export function isKnownRegion(code: string): boolean {
  return byCode.has(code);
}

export function partitionOfRegion(code: string): Partition {
  return byCode.get(code)?.partition ?? (code.startsWith('cn-') ? 'aws-cn' : code.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
}
