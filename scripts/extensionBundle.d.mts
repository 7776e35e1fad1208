// Types of scripts/extensionBundle.mjs, for the TypeScript tests.
import type { BuildOptions, Metafile } from 'esbuild';
export declare const lazyEntries: Readonly<Record<string, string>>;
export declare function buildExtension(common: BuildOptions, outdir?: string): Promise<{ extension: Metafile; shared: string[] }>;
