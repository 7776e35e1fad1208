import assert from 'node:assert/strict';
import type { FieldSpec } from '../../../src/core/sessions/sessionType';
import { stateToKeep, stateToRestore } from '../../../src/webviews/form/formState';

const FIELDS: FieldSpec[] = [
  { name: 'alias', label: 'Session alias', kind: 'text', required: true },
  { name: 'region', label: 'Region', kind: 'region', required: true },
  { name: 'accessKeyId', label: 'Access key ID', kind: 'secret', required: true },
  { name: 'secretAccessKey', label: 'Secret access key', kind: 'secret', required: true },
];
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('form state kept while the tab is hidden', () => {
  it('keeps the non-secret values and the focus, and only the names of the filled secret fields', () => {
    const typed: Record<string, string> = { alias: 'dev', region: 'eu-west-1', accessKeyId: '', secretAccessKey: SECRET };
    const state = stateToKeep('New IAM User session', FIELDS, (name) => typed[name] ?? '', 'alias');
    assert.deepEqual(state, { version: 1, form: 'New IAM User session', values: { alias: 'dev', region: 'eu-west-1' }, secretsTyped: ['secretAccessKey'], focus: 'alias' });
    assert.ok(!JSON.stringify(state).includes(SECRET), 'the secret is nowhere in the kept state');
  });

  it('puts back what was kept for this form', () => {
    const kept = stateToKeep('F', FIELDS, (name) => (name === 'alias' ? 'dev' : ''), 'region');
    assert.deepEqual(stateToRestore('F', FIELDS, structuredClone(kept)), kept);
  });

  it('never puts back a secret value, even one a state holds', () => {
    const kept = { version: 1, form: 'F', values: { alias: 'dev', secretAccessKey: SECRET, unknownField: 'x' }, secretsTyped: ['secretAccessKey', 'alias', 7] };
    const restored = stateToRestore('F', FIELDS, kept);
    assert.deepEqual(restored?.values, { alias: 'dev' });
    assert.deepEqual(restored?.secretsTyped, ['secretAccessKey']);
  });

  it('ignores a state of another form, of another version, or of the wrong shape', () => {
    const kept = stateToKeep('F', FIELDS, () => 'x');
    assert.equal(stateToRestore('G', FIELDS, kept), undefined);
    for (const bad of [undefined, null, 'x', [], { ...kept, version: 2 }, { ...kept, values: 'x' }, { ...kept, values: null }]) {
      assert.equal(stateToRestore('F', FIELDS, bad), undefined, JSON.stringify(bad));
    }
    const odd = stateToRestore('F', FIELDS, { ...kept, values: { alias: 42, region: 'r'.repeat(5000) }, focus: 'nope', secretsTyped: 'x' });
    assert.deepEqual(odd, { version: 1, form: 'F', values: {}, secretsTyped: [] });
  });
});
