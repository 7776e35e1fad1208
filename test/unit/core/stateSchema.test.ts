import { strict as assert } from 'node:assert';
import { checkSession, migrateDocument, STATE_VERSION, type Migration } from '../../../src/core/stateSchema';

describe('state schema: versions and migrations', () => {
  it('reads the current version as it is', () => {
    const doc = { version: STATE_VERSION, profiles: [], sessions: [], active: {} };
    assert.deepEqual(migrateDocument(doc), { ok: true, document: doc });
  });

  it('upgrades an older document one step at a time, in order', () => {
    const steps: Record<number, Migration> = {
      1: (d) => ({ ...d, sessions: (d.sessions as object[]).map((s) => ({ ...s, tag: 'v2' })) }),
      2: (d) => ({ ...d, sessions: (d.sessions as { tag: string }[]).map((s) => ({ ...s, tag: `${s.tag}+v3` })) }),
    };
    const result = migrateDocument({ version: 1, sessions: [{ id: 'a' }] }, steps, 3);
    assert.deepEqual(result, { ok: true, document: { version: 3, sessions: [{ id: 'a', tag: 'v2+v3' }] } });
  });

  it('refuses a newer version, a missing step and a version that is not a whole number, in words', () => {
    assert.deepEqual(migrateDocument({ version: 4 }, {}, 3), { ok: false, reason: 'unsupported version 4 (a newer AWS Sessions may have written it; this one reads up to 3)' });
    assert.deepEqual(migrateDocument({ version: 1 }, { 1: (d) => d }, 3), { ok: false, reason: 'no upgrade from version 2 to 3' });
    assert.equal(migrateDocument({ version: '1' }).ok, false);
    assert.equal(migrateDocument({ version: 1.5 }).ok, false);
  });

  it('keeps keys it does not know, so a round trip through an older window loses nothing', () => {
    const checked = checkSession({ id: 'x', kind: 'iamUser', alias: 'a', profileId: 'p', region: 'eu-west-1', futureField: { n: 1 } }, 'sessions[0]');
    assert.ok(checked.ok);
    assert.deepEqual((checked.value as unknown as Record<string, unknown>).futureField, { n: 1 });
  });
});
