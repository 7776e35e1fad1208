/**
 * Characters that change how the text around them is shown or read: C0 and C1 controls (U+0085 is
 * the C1 "next line"), DEL, bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029). Names must not contain them;
 * output that may hold names from older state escapes them. No imports: the CLI bundle uses it.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

/** "U+202E" */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first unsafe character and its 1-based position (in characters), if any. */
export function firstUnsafeChar(text: string): { name: string; position: number } | undefined {
  let position = 0;
  for (const ch of text) {
    position += 1;
    if (UNSAFE.test(ch)) return { name: codePointName(ch), position };
  }
  return undefined;
}

/** The text with every unsafe character written as `\uXXXX` (also valid inside a JSON string), except those in `keep`. */
export function escapeUnsafe(text: string, keep = ''): string {
  return text.replace(UNSAFE_ALL, (ch) => (keep.includes(ch) ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
