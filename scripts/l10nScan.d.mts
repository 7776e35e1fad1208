// Types of scripts/l10nScan.mjs, for the TypeScript tests.
export interface Finding {
  line: number;
  text: string;
  why: string;
  start: number;
  end: number;
}
export declare function scanSource(fileName: string, sourceText: string): { findings: Finding[]; keys: Array<{ key: string; line: number }>; ignored: number };
export declare function compareBundles(english: Record<string, unknown>, translated: Record<string, unknown>, where: string): string[];
export declare function placeholders(message: string): string[];
