/**
 * The tree's filter: every whitespace-separated word (lower-cased) must appear in a session's search text.
 * Typing on narrows the last matches: a filter that extends the last one (same text plus more) can only
 * show fewer sessions, so it looks only among the last filter's matches.
 */
import { searchText, type Prepared } from './treeEntries';

/** Every whitespace-separated token of the filter must appear somewhere in the session's text. */
export function filterTokens(filter: string): string[] {
  return filter.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Entry indices (in entry order) whose search text holds every token of `filter`, looking only among `candidates`. */
export function fullMatches(texts: (i: number) => string, candidates: readonly number[], filter: string): number[] {
  const tokens = filterTokens(filter);
  if (tokens.length === 1) {
    const [only] = tokens;
    return candidates.filter((i) => texts(i).includes(only));
  }
  return candidates.filter((i) => {
    const text = texts(i);
    return tokens.every((token) => text.includes(token));
  });
}

/**
 * Which entries `filter` shows (undefined: no filter, all shown): their indices and a mask by entry index.
 * Remembers them with the prepared state, so the next keystroke that types on searches only those; when
 * typing on hides nothing more, the same matches (the same array) come back.
 */
export function matching(p: Prepared, filter: string): Prepared['last'] {
  if (filterTokens(filter).length === 0) return undefined;
  const lower = filter.toLowerCase();
  const last = p.last;
  if (last && lower === last.filter) return last;
  // Each word of the longer filter contains a word of the shorter one (the last word grew, or words were added).
  const candidates = last && lower.startsWith(last.filter) ? last.matches : undefined;
  const found = fullMatches((i) => searchText(p.entries[i]), candidates ?? p.entries.map((_, i) => i), filter);
  if (candidates && found.length === candidates.length) return (p.last = { filter: lower, matches: last!.matches, mask: last!.mask });
  const mask = new Uint8Array(p.entries.length);
  for (const i of found) mask[i] = 1;
  return (p.last = { filter: lower, matches: found, mask });
}
