/** How botocore splits a config header such as `profile "my name"` into words. */

/** Python `shlex.split` (posix, no comments); undefined where Python raises ValueError. */
export function shlexSplit(s: string): string[] | undefined {
  // Without quotes or backslashes the words are the runs between whitespace: sliced, not built a character at a time.
  if (!/['"\\]/.test(s)) return plainWords(s);
  const out: string[] = [];
  let tok = '';
  let inTok = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inTok) out.push(tok);
      tok = '';
      inTok = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= s.length) return undefined;
      tok += s[i + 1];
      inTok = true;
      i += 2;
    } else if (c === "'" || c === '"') {
      const close = c;
      inTok = true;
      i++;
      for (;;) {
        if (i >= s.length) return undefined;
        const d = s[i];
        if (d === close) { i++; break; }
        if (close === '"' && d === '\\' && i + 1 < s.length && (s[i + 1] === '"' || s[i + 1] === '\\')) {
          tok += s[i + 1];
          i += 2;
        } else {
          tok += d;
          i++;
        }
      }
    } else {
      tok += c;
      inTok = true;
      i++;
    }
  }
  if (inTok) out.push(tok);
  return out;
}

const isShlexSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

function plainWords(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isShlexSpace(s.charCodeAt(i))) i++;
    const start = i;
    while (i < s.length && !isShlexSpace(s.charCodeAt(i))) i++;
    if (i > start) out.push(s.slice(start, i));
  }
  return out;
}
