/** How botocore splits a config header such as `profile "my name"` into words. */

/** Python `shlex.split` (posix, no comments); undefined where Python raises ValueError. */
export function shlexSplit(s: string): string[] | undefined {
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
