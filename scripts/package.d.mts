// Types of scripts/package.mjs, for the TypeScript tests.
export declare const REPO_ROOT: string;
export declare const PACKAGED_README: string;
export declare const DEFAULT_VSIX: string;
export declare const VSIX_BUDGET_BYTES: number;
export declare function readmeForPackage(markdown: string, root: string): { text: string; images: string[] };
export declare function packageVsix(out?: string): string;
