/**
 * Property test over ≥10,000 seeded random files: random apply / re-apply / revert sequences on
 * owned profiles never change a byte outside the owned keys, and reverting everything gives back
 * the exact original. Unparseable files are refused; foreign credentials are refused.
 */
import * as assert from 'node:assert/strict';
import { IniDocument, IniParseError } from '../../../../src/core/awsFiles/iniEdit';
import {
  isWritten,
  applyOwned,
  AwsFileKind,
  findProfileSection,
  ForeignCredentialsError,
  OwnedKeys,
  profileOfHeader,
  revertOwned,
  SECRET_KEYS,
} from '../../../../src/core/awsFiles/ownership';
import { chance, generateFile, pick, PROFILE_NAMES, randomValues, rng } from './iniEdit.gen';

const FILES = Number(process.env.INI_FUZZ_FILES ?? 10_000);
const SEED = Number(process.env.INI_FUZZ_SEED ?? 20240601);

/**
 * Reference view of "everything we do not own": the text with the owned key lines removed, the
 * headers we created removed together with the separator line we added, and a final line break
 * dropped (a key appended at a file end without one moves that break).
 */
function foreignBytes(text: string, records: readonly OwnedKeys[]): string {
  const doc = IniDocument.parse(text);
  const drop = new Set<number>();
  for (const rec of records) {
    const sec = findProfileSection(doc, rec.file, rec.profile);
    if (!sec) continue;
    for (const k of Object.keys(rec.keys)) {
      const key = doc.key(sec, k);
      if (key) for (let l = key.line; l <= key.lastLine; l++) drop.add(l);
    }
    if (rec.createdSection && sec.header === rec.section) {
      drop.add(sec.line);
      const sepLines = rec.sectionPrefix ? 1 : 0;
      if (sepLines >= 1 && doc.lines[sec.line - 1]?.kind === 'blank') drop.add(sec.line - 1);
    }
  }
  let out = doc.hasBom ? '\ufeff' : '';
  doc.lines.forEach((l, i) => {
    if (!drop.has(i)) out += text.slice(l.start, l.eolEnd);
  });
  return out.replace(/(\r\n|\n|\r)$/, '');
}

/** Values of every profile the CLI would read, except the owned ones. */
function foreignProfiles(text: string, file: AwsFileKind, owned: ReadonlySet<string>): Record<string, Record<string, string>> {
  const doc = IniDocument.parse(text);
  const out: Record<string, Record<string, string>> = {};
  for (const s of doc.sections) {
    const p = profileOfHeader(file, s.header);
    const id = p === undefined ? `#${s.header}` : p;
    if (p !== undefined && owned.has(p)) continue;
    out[id] = doc.values(s); // later alias headers replace earlier ones, as in botocore
  }
  return out;
}

function hasForeignSecret(text: string, profile: string, rec: OwnedKeys | undefined): boolean {
  const doc = IniDocument.parse(text);
  const sec = findProfileSection(doc, 'credentials', profile);
  if (!sec) return false;
  return SECRET_KEYS.some((k) => {
    const key = doc.key(sec, k);
    return key !== undefined && !isWritten(rec?.keys[k], 'credentials', k, doc.value(key));
  });
}

describe('iniEdit property test (seeded random files)', function () {
  this.timeout(60_000);

  it(`${FILES} files: bytes outside owned keys never change, revert-all restores the original`, () => {
    const r = rng(SEED);
    const stats = { files: 0, unparseable: 0, foreign: 0, applies: 0, reverts: 0, huge: 0 };
    for (let f = 0; f < FILES; f++) {
      const file: AwsFileKind = chance(r, 0.5) ? 'config' : 'credentials';
      const huge = f % 1000 === 999;
      const { text: original } = generateFile(r, file, huge);
      stats.files++;
      if (huge) stats.huge++;
      let parseable = true;
      try {
        IniDocument.parse(original);
      } catch (e) {
        assert.ok(e instanceof IniParseError);
        parseable = false;
      }
      const profiles = [...new Set([pick(r, PROFILE_NAMES), pick(r, PROFILE_NAMES)])];
      if (!parseable) {
        stats.unparseable++;
        assert.throws(() => applyOwned(original, file, profiles[0], randomValues(r, file)), IniParseError);
        continue;
      }
      const owned = new Map<string, OwnedKeys>();
      const order: string[] = [];
      let text = original;
      const ctx = () => `seed ${SEED} file #${f} (${file})\n${JSON.stringify(original)}\nnow ${JSON.stringify(text)}`;
      const steps = chance(r, 0.5) ? 3 : 6;
      for (let step = 0; step < steps; step++) {
        const profile = pick(r, profiles);
        const prev = owned.get(profile);
        if (prev && chance(r, 0.3)) {
          text = revertOwned(text, prev).text;
          owned.delete(profile);
          order.splice(order.indexOf(profile), 1);
          stats.reverts++;
        } else {
          const foreign = file === 'credentials' && hasForeignSecret(text, profile, prev);
          try {
            const res = applyOwned(text, file, profile, randomValues(r, file), prev);
            assert.ok(!foreign, `expected ForeignCredentialsError: ${ctx()}`);
            text = res.text;
            owned.set(profile, res.owned);
            if (!order.includes(profile)) order.push(profile);
            stats.applies++;
          } catch (e) {
            if (!(e instanceof ForeignCredentialsError)) throw e;
            assert.ok(foreign, `unexpected ForeignCredentialsError: ${ctx()}`);
            stats.foreign++;
          }
        }
        const recs = [...owned.values()];
        assert.equal(foreignBytes(text, recs), foreignBytes(original, recs), `foreign bytes changed: ${ctx()}`);
        if (!huge) assert.deepEqual(foreignProfiles(text, file, new Set(owned.keys())), foreignProfiles(original, file, new Set(owned.keys())), ctx());
      }
      for (const p of [...order].reverse()) text = revertOwned(text, owned.get(p)!).text;
      assert.equal(text, original, `revert-all differs: ${ctx()}`);
    }
    if (process.env.INI_FUZZ_STATS) console.log(JSON.stringify(stats));
    assert.ok(stats.unparseable > 50 && stats.foreign > 50 && stats.reverts > 1000, JSON.stringify(stats));
  });
});
