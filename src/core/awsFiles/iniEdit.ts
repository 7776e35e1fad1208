
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
interface MutableSection {
  header: string; line: number; lastLine: number; keys: Map<string, MutableKey>; hasComments: boolean;
}

export class IniDocument {
  readonly hasBom: boolean;
  /** The file's newline style: its first line break, else `\n`. */
  readonly newline: string;
  readonly lines: readonly IniLine[];
  readonly sections: readonly IniSection[];

  private constructor(readonly text: string) {
    this.hasBom = text.charCodeAt(0) === 0xfeff;
    const lines: IniLine[] = [];
    const sections: MutableSection[] = [];
    const seenHeaders = new Map<string, number>();
    let newline: string | undefined;
    let cur: MutableSection | undefined;
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
      const lineNo = lines.length;
      // Strip (Python whitespace).
      let s = pos;
      while (s < end && isPyWs(text[s])) s++;
      let e = end;
      while (e > s && isPyWs(text[e - 1])) e--;
      const indent = s - pos;
      const first = s < e ? text[s] : '';
      let kind: LineKind;
      if (first === '#' || first === ';') {
        kind = 'comment';
        if (cur) cur.hasComments = true;
      } else if (s === e) {
        kind = 'blank';
      } else if (cur && curKey && indent > indentLevel) {
        kind = 'continuation';
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
          kind = 'header';
          const header = text.slice(s + 1, close);
          const prior = seenHeaders.get(header);
          if (prior !== undefined) {
            throw new IniParseError('duplicate-section', lineNo + 1, t('section [{0}] appears again (first on line {1})', header, prior + 1));
          }
          seenHeaders.set(header, lineNo);
          if (cur) cur.lastLine = lineNo - 1;
          cur = { header, line: lineNo, lastLine: lineNo, keys: new Map(), hasComments: false };
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
          if (cur.keys.has(name)) {
            const prior = cur.keys.get(name)!.line;
            throw new IniParseError('duplicate-key', lineNo + 1, t('key "{0}" appears twice in [{1}] (first on line {2})', name, cur.header, prior + 1));
          }
          let vs = d + 1;
          while (vs < e && isPyWs(text[vs])) vs++;
          kind = 'key';
          curKey = { nested: vs === e, name, line: lineNo, lastLine: lineNo, nameStart: s, nameEnd: ne, valueStart: vs, valueEnd: e };
          cur.keys.set(name, curKey);
        }
      }
      lines.push({ kind, start: pos, end, eolEnd, indent });
      pos = eolEnd;
    }
    if (cur) cur.lastLine = lines.length - 1;
    this.lines = lines;
    this.sections = sections;
    this.newline = newline ?? '\n';
  }

  static parse(text: string): IniDocument {
    return new IniDocument(text);
  }

  /** All sections whose header satisfies `match`, in file order. */
  findSections(match: (header: string) => boolean): IniSection[] {
    return this.sections.filter((s) => match(s.header));
  }

  section(header: string): IniSection | undefined {
    return this.sections.find((s) => s.header === header);
  }

  key(section: IniSection, name: string): IniKey | undefined {
    return section.keys.get(name.toLowerCase());
  }

  /** Raw value text (multi-line values keep their inner line breaks and comment lines). */
  value(key: IniKey): string {
    return this.text.slice(key.valueStart, key.valueEnd);
  }

  /** Effective key/value map of a section, continuation values joined as botocore does. */
  values(section: IniSection): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of section.keys.values()) out[k.name] = this.value(k);
    return out;
  }

  isEmpty(section: IniSection): boolean {
    return section.keys.size === 0 && !section.hasComments;
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
    const keys = [...section.keys.values()];
    const last = keys.length ? keys.reduce((a, b) => (b.lastLine > a.lastLine ? b : a)) : undefined;
    let indent = '';
    let sep = ' = ';
    if (last) {
      indent = this.text.slice(this.lines[last.line].start, last.nameStart);
      const styled = [...keys].reverse().find((k) => k.valueEnd > k.valueStart && k.lastLine === k.line);
      if (styled) sep = this.text.slice(styled.nameEnd, styled.valueStart);
    }
    // A following header indented deeper than our line would become a continuation: match it.
    const afterLine = last ? last.lastLine : section.line;
    const next = this.sections.find((s) => s.line > afterLine);
    if (next && this.lines[next.line].indent > indent.length) {
      const nl = this.lines[next.line];
      indent = this.text.slice(nl.start, nl.start + nl.indent);
    }
    const body = entries.map(([k, v]) => `${indent}${k}${sep}${v}`);
    const at = this.lines[afterLine];
    if (at.eolEnd > at.end) {
      return { start: at.eolEnd, end: at.eolEnd, text: body.map((l) => l + this.newline).join('') };
    }
    return { start: at.end, end: at.end, text: body.map((l) => this.newline + l).join('') };
  }

  /** Remove whole lines (with their line breaks); a run reaching a last line without one takes the break before it. */
  deleteLines(lineNumbers: Iterable<number>): TextEdit[] {
    const sorted = [...new Set(lineNumbers)].sort((a, b) => a - b);
    const edits: TextEdit[] = [];
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      const first = this.lines[sorted[i]];
      const last = this.lines[sorted[j]];
      let start = first.start;
      if (last.eolEnd === last.end && sorted[i] > 0) start = this.lines[sorted[i] - 1].end;
      edits.push({ start, end: last.eolEnd, text: '' });
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
    else if (this.lines[this.lines.length - 1].eolEnd === this.lines[this.lines.length - 1].end) prefix = nl + nl;
    else if (this.lines[this.lines.length - 1].kind === 'blank') prefix = '';
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
