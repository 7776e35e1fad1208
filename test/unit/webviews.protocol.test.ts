import assert from 'node:assert/strict';
import { parsePageMessage } from '../../src/webviews/sessionForm/protocol';

describe('session form protocol', () => {
  it('accepts the three messages a page may send', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'cancel' }), { type: 'cancel' });
    const submit = parsePageMessage({ type: 'submit', values: { alias: 'a', region: 'us-east-1' } });
    assert.equal(submit?.type, 'submit');
    assert.deepEqual({ ...(submit as { values: object }).values }, { alias: 'a', region: 'us-east-1' });
  });

  it('rejects malformed and hostile messages', () => {
    const hostile: unknown[] = [
      null,
      'submit',
      42,
      [],
      { type: 'delete' },
      { type: 'ready', extra: 1 },
      { type: 'submit' },
      { type: 'submit', values: null },
      { type: 'submit', values: ['a'] },
      { type: 'submit', values: { alias: 7 } },
      { type: 'submit', values: { alias: { toString: 'x' } } },
      { type: 'submit', values: { '__proto__x': 'a' } },
      { type: 'submit', values: { constructor: 'a'.repeat(5000) } },
      { type: 'submit', values: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x'])) },
      { type: 'submit', values: {}, sessionId: 'other' },
      JSON.parse('{"type":"submit","values":{"__proto__":{"polluted":"yes"}}}'),
    ];
    for (const message of hostile) assert.equal(parsePageMessage(message), undefined, JSON.stringify(message));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
