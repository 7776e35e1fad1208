
import { t } from '../l10n';/**
 * A byte-preserving editor for the AWS shared config and credentials files.
 *
 * The text is parsed once into lines with spans (offsets into the original string); edits are
 * expressed as text splices so every byte we do not own stays exactly as it was: comments (`#`,
 * `;`, and what looks like inline comments), blank lines, order, CRLF or LF, a UTF-8 BOM, a
 * missing final newline, values such as `0123`, unknown keys and sections, nested sub-properties.
 *
 * Line classification mirrors what the AWS CLI reads (botocore → Python's
 * `configparser.RawConfigParser()` with its defaults):
 * - `#` / `;` after leading whitespace start a comment line; there are no inline comments, so
 *   `region = x ; note` has the value `x ; note`;
 * - a line indented deeper than the last key line is a continuation of that key (nested values);
 *   comment and blank lines do not end a value;
 * - a header is `[` … last `]` of the stripped line; its text is not trimmed (`[ default ]` is not
 *   `default` for the CLI);
 * - a key line splits at the first `=` or `:`; key names compare case-insensitively.
 *
 * Unparseable, because the AWS CLI refuses the whole file too (`Unable to parse config file`),
 * each raised as {@link IniParseError} with a 1-based line number: a key or other content before
 * the first section header, a line that is neither header, key, comment nor continuation, an
 * empty key name, the same header twice, the same key twice in one section, invalid UTF-8.
 * A UTF-8 BOM is accepted and preserved (the CLI itself rejects it; the SDKs do not).
 */

export type IniParseProblem =
  | 'missing-section-header'
  | 'invalid-line'
  | 'empty-key'
  | 'duplicate-section'
  | 'duplicate-key'
  | 'invalid-nested'
  | 'invalid-utf8';

export class IniParseError extends Error {
  constructor(
    readonly problem: IniParseProblem,
    /** 1-based line number of the offending line. */
    readonly line: number,
    detail: string,
    /** Set by callers that know which file was parsed. */
    readonly file?: string,
  ) {
    super(`${file ?? t('AWS file')}, line ${line}: ${detail}`);
    this.name = 'IniParseError';
  }

  withFile(file: string): IniParseError {
    const detail = this.message.replace(/^.*?, line \d+: /, '');
    return new IniParseError(this.problem, this.line, detail, file);
  }
}

export type LineKind = 'blank' | 'comment' | 'header' | 'key' | 'continuation';

export interface IniLine {
  readonly kind: LineKind;
  /** Offset of the first character of the line (after a BOM on line 0). */
  readonly start: number;
  /** Offset just past the content, before the line break. */
  readonly end: number;
  /** Offset just past the line break (=== end on a last line without one). */
  readonly eolEnd: number;
  /** Number of leading (Python) whitespace characters. */
  readonly indent: number;
}

export interface IniKey {
  /** Lower-cased name, as botocore reads it. */
  readonly name: string;
  readonly line: number;
  /** Last continuation line of the value (=== line when there is none). */
  readonly lastLine: number;
  readonly nameStart: number;
  readonly nameEnd: number;
  /** Value span: from after the delimiter and its spaces to the end of the last continuation. */
  readonly valueStart: number;
  readonly valueEnd: number;
}

export interface IniSection {
  /** Header text between `[` and the last `]`, untrimmed. */
  readonly header: string;
  readonly line: number;
  /** Last line belonging to the section (before the next header or the end). */
  readonly lastLine: number;
  readonly keys: ReadonlyMap<string, IniKey>;
  /** True when a comment line lies inside the section. */
  readonly hasComments: boolean;
}

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const PY_WS = '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const isPyWs = (ch: string): boolean => {
  const c = ch.charCodeAt(0);
  return c === 32 || c === 9 || (c > 126 || c < 32 ? PY_WS.includes(ch) : false);
};

/** Each piece of a nested line (split as Python's str.splitlines) must be `name = value`. */
function nestedOk(content: string): boolean {
  return content.split(/[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/).every((piece) => {
    let i = 0;
    while (i < piece.length && isPyWs(piece[i])) i++;
    return i === piece.length || piece.includes('=');
  });
}

/** Decode UTF-8 exactly (keeping a BOM) or throw an IniParseError. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    let line = 1;
    for (const b of bytes) if (b === 10) line++;
    throw new IniParseError('invalid-utf8', line, t('the file is not valid UTF-8'));
  }
}

interface MutableKey {
  nested: boolean; name: string; line: number; lastLine: number; nameStart: number; nameEnd: number; valueStart: number; valueEnd: number;
}
/** A section as parsed: its keys in file order; the map by name made when first asked, or once it has many keys. */
class ParsedSection implements IniSection {
  lastLine: number;
  hasComments = false;
  readonly list: MutableKey[] = [];
  private byName?: Map<string, MutableKey>;

  constructor(
    readonly header: string,
    readonly line: number,
  ) {
    this.lastLine = line;
  }

  get keys(): ReadonlyMap<string, IniKey> {
    return (this.byName ??= this.index());
  }

  private index(): Map<string, MutableKey> {
    return new Map(this.list.map((k) => [k.name, k]));
  }

  find(name: string): MutableKey | undefined {
    if (this.byName) return this.byName.get(name);
    for (const k of this.list) if (k.name === name) return k;
    return undefined;
  }

  add(key: MutableKey): void {
    this.list.push(key);
    if (this.byName) this.byName.set(key.name, key);
    else if (this.list.length > 8) this.byName = this.index(); // a long section: look names up in the map from now on
  }
}

/** A section's keys in file order. */
const keysOf = (section: IniSection): readonly IniKey[] => (section instanceof ParsedSection ? section.list : [...section.keys.values()]);

const LINE_KINDS: readonly LineKind[] = ['blank', 'comment', 'header', 'key', 'continuation'];
const BLANK = 0;
const COMMENT = 1;
const HEADER = 2;
const KEY = 3;
const CONTINUATION = 4;
/** Ints per line in IniDocument's line table: start, end, eolEnd, indent. */
const LINE_INTS = 4;

export class IniDocument {
  readonly hasBom: boolean;
  /** The file's newline style: its first line break, else `\n`. */
  readonly newline: string;
  readonly sections: readonly IniSection[];
  /** Number of lines. */
  readonly lineCount: number;
  /**
   * The lines as offsets into `text` (start, end, eolEnd, indent per line) and their kinds: two typed arrays rather
   * than an object per line, which a 20,000-line file made the garbage collector's work. IniLine objects are made
   * only when asked (`line`, `lines`).
   */
  private readonly spans: Int32Array;
  private readonly kinds: Uint8Array;
  private allLines?: readonly IniLine[];

  private constructor(readonly text: string) {
    this.hasBom = text.charCodeAt(0) === 0xfeff;
    let spans = new Int32Array(LINE_INTS * 64);
    let kinds = new Uint8Array(64);
    let lineCount = 0;
    const sections: ParsedSection[] = [];
    const seenHeaders = new Map<string, number>();
    let newline: string | undefined;
    let cur: ParsedSection | undefined;
    let curKey: MutableKey | undefined;
    let indentLevel = 0;
    let pos = this.hasBom ? 1 : 0;
    const n = text.length;
    while (pos < n) {
      // Find the line break: \r\n, \n or a lone \r (Python's universal newlines).
      let end = pos;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 10 || c === 13) break;
        end++;
      }
      let eolEnd = end;
      if (end < n) eolEnd = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      if (newline === undefined && eolEnd > end) newline = text.slice(end, eolEnd);
      const lineNo = lineCount;
      // Strip (Python whitespace).
      let s = pos;
      while (s < end && isPyWs(text[s])) s++;
      let e = end;
      while (e > s && isPyWs(text[e - 1])) e--;
      const indent = s - pos;
      const first = s < e ? text[s] : '';
      let kind: number;
      if (first === '#' || first === ';') {
        kind = COMMENT;
        if (cur) cur.hasComments = true;
      } else if (s === e) {
        kind = BLANK;
      } else if (cur && curKey && indent > indentLevel) {
        kind = CONTINUATION;
        // botocore parses `key =` followed by indented lines as `sub = value` pairs.
        if (curKey.nested && !nestedOk(text.slice(s, e))) {
          throw new IniParseError('invalid-nested', lineNo + 1, t('nested line under "{0} =" is not "name = value"', curKey.name));
        }
        curKey.lastLine = lineNo;
        curKey.valueEnd = e;
      } else {
        indentLevel = indent;
        const close = first === '[' ? text.lastIndexOf(']', e - 1) : -1;
        if (close > s + 1) {
          kind = HEADER;
          const header = text.slice(s + 1, close);
          const prior = seenHeaders.get(header);
          if (prior !== undefined) {
            throw new IniParseError('duplicate-section', lineNo + 1, t('section [{0}] appears again (first on line {1})', header, prior + 1));
          }
          seenHeaders.set(header, lineNo);
          if (cur) cur.lastLine = lineNo - 1;
          cur = new ParsedSection(header, lineNo);
          sections.push(cur);
          curKey = undefined;
        } else if (!cur) {
          throw new IniParseError('missing-section-header', lineNo + 1, t('content before the first [section] header'));
        } else {
          let d = s;
          while (d < e && text[d] !== '=' && text[d] !== ':') d++;
          if (d === e) throw new IniParseError('invalid-line', lineNo + 1, t('line is not a [section], a key = value, or a comment'));
          let ne = d;
          while (ne > s && isPyWs(text[ne - 1])) ne--;
          if (ne === s) throw new IniParseError('empty-key', lineNo + 1, t('key name is empty'));
          const name = text.slice(s, ne).toLowerCase();
          const known = cur.find(name);
          if (known) {
            const prior = known.line;
            throw new IniParseError('duplicate-key', lineNo + 1, t('key "{0}" appears twice in [{1}] (first on line {2})', name, cur.header, prior + 1));
          }
          let vs = d + 1;
          while (vs < e && isPyWs(text[vs])) vs++;
          kind = KEY;
          curKey = { nested: vs === e, name, line: lineNo, lastLine: lineNo, nameStart: s, nameEnd: ne, valueStart: vs, valueEnd: e };
          cur.add(curKey);
        }
      }
      if (lineCount === kinds.length) {
        const grownSpans = new Int32Array(spans.length * 2);
        grownSpans.set(spans);
        spans = grownSpans;
        const grownKinds = new Uint8Array(kinds.length * 2);
        grownKinds.set(kinds);
        kinds = grownKinds;
      }
      const at = lineCount * LINE_INTS;
      spans[at] = pos;
      spans[at + 1] = end;
      spans[at + 2] = eolEnd;
      spans[at + 3] = indent;
      kinds[lineCount++] = kind;
      pos = eolEnd;
    }
    if (cur) cur.lastLine = lineCount - 1;
    this.spans = spans;
    this.kinds = kinds;
    this.lineCount = lineCount;
    this.sections = sections;
    this.newline = newline ?? '\n';
  }

  static parse(text: string): IniDocument {
    return new IniDocument(text);
  }

  /** Line `n` (0-based): its kind and offsets. */
  line(n: number): IniLine {
    // l10n-ignore: a caller's bug (a line number out of range), never shown to users
    if (!(n >= 0 && n < this.lineCount)) throw new RangeError(`line ${n} of ${this.lineCount}`);
    const at = n * LINE_INTS;
    return { kind: LINE_KINDS[this.kinds[n]], start: this.spans[at], end: this.spans[at + 1], eolEnd: this.spans[at + 2], indent: this.spans[at + 3] };
  }

  /** Every line (made on first use; the edits and the import plan read the offsets without them). */
  get lines(): readonly IniLine[] {
    this.allLines ??= Array.from({ length: this.lineCount }, (_, n) => this.line(n));
    return this.allLines;
  }

  /** The text of line `n` without its line break. */
  lineText(n: number): string {
    return this.text.slice(this.start(n), this.end(n));
  }

  private start(n: number): number {
    return this.spans[n * LINE_INTS];
  }

  private end(n: number): number {
    return this.spans[n * LINE_INTS + 1];
  }

  private eolEnd(n: number): number {
    return this.spans[n * LINE_INTS + 2];
  }

  private indent(n: number): number {
    return this.spans[n * LINE_INTS + 3];
  }

  /** All sections whose header satisfies `match`, in file order. */
  findSections(match: (header: string) => boolean): IniSection[] {
    return this.sections.filter((s) => match(s.header));
  }

  section(header: string): IniSection | undefined {
    return this.sections.find((s) => s.header === header);
  }

  key(section: IniSection, name: string): IniKey | undefined {
    const lower = name.toLowerCase();
    return section instanceof ParsedSection ? section.find(lower) : section.keys.get(lower);
  }

  /** Raw value text (multi-line values keep their inner line breaks and comment lines). */
  value(key: IniKey): string {
    return this.text.slice(key.valueStart, key.valueEnd);
  }

  /** Effective key/value map of a section, continuation values joined as botocore does. */
  values(section: IniSection): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of keysOf(section)) out[k.name] = this.value(k);
    return out;
  }

  /** Number of keys in the section. */
  keyCount(section: IniSection): number {
    return keysOf(section).length;
  }

  isEmpty(section: IniSection): boolean {
    return keysOf(section).length === 0 && !section.hasComments;
  }

  /** Replace a key's value in place, keeping its name, delimiter and spacing. */
  setValue(key: IniKey, value: string): TextEdit {
    return { start: key.valueStart, end: key.valueEnd, text: value };
  }

  /**
   * Insert new key lines after the section's last key (or after its header), copying the
   * indentation and `key = value` spacing of the last key line so the file keeps its style.
   */
  insertKeys(section: IniSection, entries: ReadonlyArray<readonly [string, string]>): TextEdit {
    const keys = keysOf(section);
    const last = keys.length ? keys.reduce((a, b) => (b.lastLine > a.lastLine ? b : a)) : undefined;
    let indent = '';
    let sep = ' = ';
    if (last) {
      indent = this.text.slice(this.start(last.line), last.nameStart);
      const styled = [...keys].reverse().find((k) => k.valueEnd > k.valueStart && k.lastLine === k.line);
      if (styled) sep = this.text.slice(styled.nameEnd, styled.valueStart);
    }
    // A following header indented deeper than our line would become a continuation: match it.
    const afterLine = last ? last.lastLine : section.line;
    const next = this.sections.find((s) => s.line > afterLine);
    if (next && this.indent(next.line) > indent.length) {
      const nextStart = this.start(next.line);
      indent = this.text.slice(nextStart, nextStart + this.indent(next.line));
    }
    const body = entries.map(([k, v]) => `${indent}${k}${sep}${v}`);
    const atEnd = this.end(afterLine);
    const atEolEnd = this.eolEnd(afterLine);
    if (atEolEnd > atEnd) {
      return { start: atEolEnd, end: atEolEnd, text: body.map((l) => l + this.newline).join('') };
    }
    return { start: atEnd, end: atEnd, text: body.map((l) => this.newline + l).join('') };
  }

  /** Remove whole lines (with their line breaks); a run reaching a last line without one takes the break before it. */
  deleteLines(lineNumbers: Iterable<number>): TextEdit[] {
    const sorted = [...new Set(lineNumbers)].sort((a, b) => a - b);
    // l10n-ignore: a caller's bug (a line number out of range), never shown to users
    if (sorted.length && !(sorted[0] >= 0 && sorted[sorted.length - 1] < this.lineCount)) throw new RangeError(`lines ${sorted[0]}…${sorted[sorted.length - 1]} of ${this.lineCount}`);
    const edits: TextEdit[] = [];
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      const first = sorted[i];
      const last = sorted[j];
      let start = this.start(first);
      if (this.eolEnd(last) === this.end(last) && first > 0) start = this.end(first - 1);
      edits.push({ start, end: this.eolEnd(last), text: '' });
      i = j + 1;
    }
    return edits;
  }

  keyLines(key: IniKey): number[] {
    const out: number[] = [];
    for (let l = key.line; l <= key.lastLine; l++) out.push(l);
    return out;
  }

  /**
   * Text to append a new section at the end: one blank line before it (none when the file is
   * empty or already ends with a blank line), the file's newline style, a final newline.
   */
  appendSection(header: string, entries: ReadonlyArray<readonly [string, string]>): { edit: TextEdit; prefix: string } {
    const nl = this.newline;
    const n = this.text.length;
    const contentStart = this.hasBom ? 1 : 0;
    let prefix: string;
    if (n === contentStart) prefix = '';
    else if (this.eolEnd(this.lineCount - 1) === this.end(this.lineCount - 1)) prefix = nl + nl;
    else if (this.kinds[this.lineCount - 1] === BLANK) prefix = '';
    else prefix = nl;
    const body = `[${header}]${nl}` + entries.map(([k, v]) => `${k} = ${v}${nl}`).join('');
    return { edit: { start: n, end: n, text: prefix + body }, prefix };
  }

  /** Remove a section's header line, plus `prefix` when the text before it ends with exactly that. */
  deleteHeader(section: IniSection, prefix = ''): TextEdit {
    const [edit] = this.deleteLines([section.line]);
    let start = edit.start;
    if (prefix && this.text.slice(this.hasBom ? 1 : 0, start).endsWith(prefix)) start -= prefix.length;
    return { start, end: edit.end, text: '' };
  }
}

/** Apply non-overlapping edits (zero-width inserts at one offset keep their given order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const { e } of sorted) {
    if (e.start < pos) throw new Error(t('overlapping INI edits'));
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}
