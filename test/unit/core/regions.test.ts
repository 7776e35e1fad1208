import assert from 'node:assert/strict';
import { isKnownRegion, partitionOfRegion, REGIONS } from '../../../src/core/regions';
import { REGION_TABLE } from '../../../src/core/regionTable';
import { awsRegionTable } from '../../../scripts/awsRegions.mjs';

describe('region list from the SDK partition data', () => {
  it('is the partition data of the installed SDK (a build regenerates src/core/regionTable.ts)', () => {
    assert.deepEqual(
      REGION_TABLE.map((row) => [...row]),
      awsRegionTable().rows,
    );
  });

  it('knows every region of the SDK, with its name, and no pseudo-region', () => {
    for (const code of ['ap-southeast-6', 'me-west-1', 'sa-west-1', 'mx-central-1', 'us-gov-east-1', 'cn-northwest-1']) assert.ok(isKnownRegion(code), code);
    assert.equal(REGIONS.find((r) => r.code === 'eu-west-1')?.name, 'Europe (Ireland)');
    assert.equal(REGIONS[0].code, 'us-east-1', 'US regions first');
    assert.ok(!REGIONS.some((r) => r.code.endsWith('-global')));
    assert.equal(partitionOfRegion('us-gov-east-1'), 'aws-us-gov');
    assert.equal(partitionOfRegion('cn-north-1'), 'aws-cn');
    assert.equal(new Set(REGIONS.map((r) => r.code)).size, REGIONS.length, 'no duplicates');
  });
});
