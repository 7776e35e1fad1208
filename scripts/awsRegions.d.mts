// Types of scripts/awsRegions.mjs, for the unit test that checks src/core/regionTable.ts.
export declare const PARTITIONS: string[];
export declare function awsRegionTable(): { sdkVersion: string; rows: Array<[code: string, description: string, partition: string]> };
export declare function regionTableSource(): string;
export declare function writeRegionTable(path: string): void;
