import * as assert from 'node:assert/strict';
import { applyEdits, decodeUtf8, IniDocument, IniParseError } from '../../../../src/core/awsFiles/iniEdit';
import { shlexSplit } from '../../../../src/core/awsFiles/shlex';
import { applyOwned, findProfileSection, listProfileNames, profileOfHeader, revertOwned } from '../../../../src/core/awsFiles/ownership';
import { pick, rng } from './iniEdit.gen';

/** Apply values to a config profile and return the new text. */
const cfg = (text: string, profile: string, values: Record<string, string>) => applyOwned(text, 'config', profile, values).text;

describe('iniEdit: parsing as botocore reads it', () => {
  it('classifies comments, blanks, headers, keys and nested continuation lines', () => {
    const doc = IniDocument.parse('# a\n; b\n\n[profile x]\ns3 =\n  max = 1\n\n  # inner\n  y = 2\nregion=eu\n');
    assert.deepEqual(doc.lines.map((l) => l.kind), ['comment', 'comment', 'blank', 'header', 'key', 'continuation', 'blank', 'comment', 'continuation', 'key']);
    const s = doc.sections[0];
    assert.equal(s.header, 'profile x');
    assert.equal(doc.value(s.keys.get('s3')!), '\n  max = 1\n\n  # inner\n  y = 2');
    assert.equal(doc.value(s.keys.get('region')!), 'eu');
    assert.equal(s.keys.get('s3')!.lastLine, 8);
  });

  it('keeps inline "comments" as part of the value, like configparser', () => {
    const doc = IniDocument.parse('[a]\nregion = x ; note\nk2: 0123\n');
    assert.equal(doc.value(doc.key(doc.sections[0], 'region')!), 'x ; note');
    assert.equal(doc.value(doc.key(doc.sections[0], 'K2')!), '0123');
  });

  it('matches header names literally and config profiles via shlex', () => {
    const doc = IniDocument.parse('[ default ]\n[profile   a]\n[profile "b c"]\n[ profile d ]\n[sso-session s]\n[services t]\n[default]\n');
    assert.deepEqual(listProfileNames(doc, 'config'), ['a', 'b c', 'default']);
    assert.deepEqual(listProfileNames(doc, 'credentials'), [' default ', 'profile   a', 'profile "b c"', ' profile d ', 'sso-session s', 'services t', 'default']);
    assert.equal(findProfileSection(doc, 'config', 'default')!.line, 6);
  });

  it('uses the last of several headers naming one config profile (what the CLI reads)', () => {
    const doc = IniDocument.parse('[profile a]\nregion = x\n[profile "a"]\nregion = z\n');
    assert.equal(findProfileSection(doc, 'config', 'a')!.header, 'profile "a"');
    assert.equal(cfg(doc.text, 'a', { region: 'y' }), '[profile a]\nregion = x\n[profile "a"]\nregion = y\n');
  });

  const bad: Array<[string, string, string, number]> = [
    ['key before any section', 'region = x\n[a]\n', 'missing-section-header', 1],
    ['junk line', '[a]\nk = 1\njunk\n', 'invalid-line', 3],
    ['empty key', '[a]\n = 1\n', 'empty-key', 2],
    ['duplicate section', '[a]\nk = 1\n\n[a]\nk = 2\n', 'duplicate-section', 4],
    ['duplicate key, case-insensitive', '[a]\nRegion = 1\nregion = 2\n', 'duplicate-key', 3],
    ['empty header', '[a]\n[]\n', 'invalid-line', 2],
    ['nested line without =', '[a]\ns3 =\n  max = 1\n  oops\n', 'invalid-nested', 4],
  ];
  for (const [name, text, problem, line] of bad) {
    it(`refuses ${name} with its line number`, () => {
      assert.throws(() => IniDocument.parse(text), (e: unknown) => e instanceof IniParseError && e.problem === problem && e.line === line);
    });
  }

  it('treats an indented header after a key as a continuation, like configparser', () => {
    const doc = IniDocument.parse('[a]\nk = 1\n  [b]\n');
    assert.equal(doc.sections.length, 1);
    assert.equal(doc.value(doc.key(doc.sections[0], 'k')!), '1\n  [b]');
  });

  it('rejects invalid UTF-8 but keeps a BOM', () => {
    assert.throws(() => decodeUtf8(Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0xff])), IniParseError);
    assert.equal(decodeUtf8(Buffer.from('\ufeff[a]\n')), '\ufeff[a]\n');
  });

  it('splits like python shlex', () => {
    assert.deepEqual(shlexSplit('profile  a'), ['profile', 'a']);
    assert.deepEqual(shlexSplit(`profile "a b" 'c'`), ['profile', 'a b', 'c']);
    assert.deepEqual(shlexSplit('profile a\\ b'), ['profile', 'a b']);
    assert.equal(shlexSplit('profile "a'), undefined);
  });

  it('splits a header without quotes or backslashes as the character-by-character path does', () => {
    const next = rng(7);
    const chars = ['a', 'Z', '0', '-', '_', '.', ' ', ' ', '\t', '\r', '\n', 'ü', '[', '#'];
    for (let n = 0; n < 500; n++) {
      const s = Array.from({ length: Math.floor(next() * 12) }, () => pick(next, chars)).join('');
      // A quoted empty word at the end takes the other path; it adds one empty word and nothing else.
      assert.deepEqual(shlexSplit(s), shlexSplit(`${s} ""`)!.slice(0, -1), JSON.stringify(s));
    }
  });

  it('names a config profile as shlex splits its header, with or without the shortcut for a plain name', () => {
    const next = rng(11);
    const chars = ['a', '-', ' ', ' ', '\t', '"', "'", '\\', 'ü', '.'];
    for (let n = 0; n < 500; n++) {
      const header = `profile${Array.from({ length: Math.floor(next() * 8) }, () => pick(next, chars)).join('')}`;
      const parts = shlexSplit(header);
      assert.equal(profileOfHeader('config', header), parts && parts.length === 2 ? parts[1] : undefined, JSON.stringify(header)); // botocore: any header starting with "profile" of two words
    }
  });

  it('a file of many lines and a section of many keys: the offsets of every line, every key, the same bytes after edits', () => {
    const names = Array.from({ length: 12 }, (_, i) => `Key_${i}`);
    const section = (n: number, nl: string) => [`[profile p${n}]`, ...names.map((k, i) => (i === 5 ? `${k} =${nl}  nested = ${n}` : `${k}: v${n}.${i}`)), '; note', ''].join(nl);
    const text = `\ufeff# head\r\n${Array.from({ length: 40 }, (_, n) => section(n, n % 3 ? '\n' : '\r\n')).join('\n')}[last]\nk = end`;
    const doc = IniDocument.parse(text);
    assert.equal(doc.lineCount, doc.lines.length);
    assert.ok(doc.lineCount > 500, 'past the first sizes of the line table');
    // The lines cover the text exactly, in order, after the BOM.
    assert.equal('\ufeff' + doc.lines.map((l) => text.slice(l.start, l.eolEnd)).join(''), text);
    doc.lines.forEach((l, n) => {
      assert.deepEqual(doc.line(n), l);
      assert.equal(doc.lineText(n), text.slice(l.start, l.end));
    });
    const s = doc.sections[17];
    assert.equal(doc.keyCount(s), 12);
    assert.deepEqual([...s.keys.keys()], names.map((k) => k.toLowerCase()));
    assert.equal(doc.value(doc.key(s, 'KEY_11')!), 'v17.11');
    assert.equal(doc.value(doc.key(s, 'key_5')!).trim(), 'nested = 17');
    assert.deepEqual(doc.values(s).key_0, 'v17.0');
    // Deleting a key, inserting keys, appending a section: only those bytes change.
    const deleted = applyEdits(text, doc.deleteLines(doc.keyLines(doc.key(s, 'key_5')!)));
    assert.equal(deleted, text.replace('Key_5 =\n  nested = 17\n', ''));
    const inserted = applyEdits(text, [doc.insertKeys(s, [['region', 'eu-west-1']])]);
    assert.equal(inserted, text.replace('Key_11: v17.11\n', 'Key_11: v17.11\nregion: eu-west-1\r\n'), 'in the newline style of the file');
    const { edit } = doc.appendSection('profile new', [['region', 'x']]);
    assert.equal(applyEdits(text, [edit]), `${text}\r\n\r\n[profile new]\r\nregion = x\r\n`);
    assert.throws(() => doc.deleteLines([doc.lineCount]), RangeError);
  });

  it('finds a second key of the same name however many keys come between', () => {
    for (const count of [1, 8, 9, 30]) {
      const keys = Array.from({ length: count }, (_, i) => `k${i} = ${i}`);
      const err = (() => {
        try {
          IniDocument.parse(['[a]', ...keys, 'K0 = again'].join('\n'));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(err instanceof IniParseError && err.problem === 'duplicate-key' && err.line === count + 2, `${count} keys`);
    }
  });

  it('applyEdits refuses overlapping edits', () => {
    assert.throws(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }]));
  });
});

describe('iniEdit: byte-for-byte golden edits', () => {
  const cases: Array<[string, string, string, Record<string, string>, string]> = [
    ['replaces in place keeping key=value spacing', '[profile a]\nregion=eu-west-1\n', 'a', { region: 'us-east-1' }, '[profile a]\nregion=us-east-1\n'],
    ['keeps tabs and colon delimiters', '[profile a]\n\tregion\t:\tx   \n', 'a', { region: 'y' }, '[profile a]\n\tregion\t:\ty   \n'],
    ['appends after the last key, copying its style', '[profile a]\nfoo=1\n# tail\n\n[b]\n', 'a', { region: 'r' }, '[profile a]\nfoo=1\nregion=r\n# tail\n\n[b]\n'],
    ['appends after nested values, not inside them', '[profile a]\ns3 =\n  max = 0123\n\n[x]\n', 'a', { region: 'r' }, '[profile a]\ns3 =\n  max = 0123\nregion = r\n\n[x]\n'],
    ['keeps CRLF', '[default]\r\nfoo = 1\r\n', 'b', { region: 'r' }, '[default]\r\nfoo = 1\r\n\r\n[profile b]\r\nregion = r\r\n'],
    ['keeps a BOM and a missing final newline', '\ufeff[profile a]\nfoo = 1', 'a', { region: 'r' }, '\ufeff[profile a]\nfoo = 1\nregion = r'],
    ['adds a section after a file without final newline', '[x]\nk = v', 'a', { region: 'r' }, '[x]\nk = v\n\n[profile a]\nregion = r\n'],
    ['no second blank line when the file ends with one', '[x]\nk = v\n\n', 'a', { region: 'r' }, '[x]\nk = v\n\n[profile a]\nregion = r\n'],
    ['creates in an empty file', '', 'default', { region: 'r' }, '[default]\nregion = r\n'],
    ['leaves sso-session and services sections alone', '[sso-session s]\nsso_region = eu\n[services t]\ns3 =\n  endpoint_url = http://x\n[profile a]\nsso_session = s\n', 'a', { region: 'r' }, '[sso-session s]\nsso_region = eu\n[services t]\ns3 =\n  endpoint_url = http://x\n[profile a]\nsso_session = s\nregion = r\n'],
    ['unicode around the edit', '# café ☕\n[profile a]\nnote = 日本\nregion = x\n', 'a', { region: 'y' }, '# café ☕\n[profile a]\nnote = 日本\nregion = y\n'],
    ['matches a deeper-indented next header', '[profile a]\n  [b]\n', 'a', { region: 'r' }, '[profile a]\n  region = r\n  [b]\n'],
  ];
  for (const [name, input, profile, values, expected] of cases) {
    it(name, () => {
      const { text, owned } = applyOwned(input, 'config', profile, values);
      assert.equal(text, expected);
      assert.equal(revertOwned(text, owned).text, input, 'revert gives back the original bytes');
    });
  }
});
