/**
 * What every webview protocol shares (imported by hosts and pages, so no `vscode` here). A page is
 * untrusted input: each webview's `protocol.ts` parses what its page posts with these helpers,
 * accepting a plain object of one known `type` with exactly its keys and bounded values, and
 * refusing (undefined) everything else; the host logs a refusal without its content.
 */

/** The longest string a page may send in any field. */
export const MAX_VALUE_LENGTH = 4096;

/** A plain (non-array) object, as every message is. */
export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/**
 * The message's fields when it is a plain object with exactly the keys `type` and `keys` (own keys,
 * so `__proto__` or an extra key refuses it), else undefined.
 */
export function exactly(raw: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  const expected = ['type', ...keys];
  const own = Object.keys(raw);
  return own.length === expected.length && expected.every((key) => Object.hasOwn(raw, key)) ? raw : undefined;
}

/** The `type` of a message, when it has one (for a parser's switch). */
export function typeOf(raw: unknown): unknown {
  return isRecord(raw) ? raw.type : undefined;
}

/** A refused message in words for the log: its kind and type, never its content (it may hold a secret). */
export function describeRefused(raw: unknown): string {
  // l10n-ignore: for the log only
  if (!isRecord(raw)) return `a message that is ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`}`;
  const type = raw.type;
  // l10n-ignore: for the log only
  return typeof type === 'string' && /^[A-Za-z]{1,32}$/.test(type) ? `a "${type}" message` : 'a message with no known type';
}
