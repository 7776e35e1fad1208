/**
 * t() fills placeholders as the regular expression `\{([A-Za-z0-9_]+)\}` with a callback did (VS Code's
 * convention), on random texts of braces, names and other characters, with positional and named values.
 */
import * as assert from 'node:assert/strict';
import { t } from '../../../src/core/l10n';
import { rng } from '../core/awsFiles/iniEdit.gen';

type Arg = string | number | boolean | null | undefined;

/** What t() gave before (no bundle): a replace with a callback. */
function reference(text: string, args: Arg[] | [Record<string, Arg>]): string {
  if (args.length === 0 || !text.includes('{')) return text;
  const named = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? args[0] : undefined;
  const positional = args as Arg[];
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    if (named) return Object.hasOwn(named, name) ? String(named[name]) : whole;
    return /^\d+$/.test(name) && Number(name) < positional.length ? String(positional[Number(name)]) : whole;
  });
}

const PIECES = ['{', '}', '{0}', '{1}', '{2}', '{10}', '{count}', '{a_b}', '{x-y}', '{}', '{{0}}', '0', 'a', '_', ' ', 'é', '$&', '$1', 'text '];
const VALUES: Arg[] = ['dev', '', 0, 7, true, null, undefined, '{1}', '$&', 'ü'];

describe('l10n: t() fills placeholders', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: as the regular expression with a callback did, positional and named`, () => {
      const next = rng(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
      for (let i = 0; i < 3000; i++) {
        const text = Array.from({ length: Math.floor(next() * 8) }, () => pick(PIECES)).join('');
        const positional = Array.from({ length: Math.floor(next() * 4) }, () => pick(VALUES));
        const named: Record<string, Arg> = {};
        for (const name of ['0', 'count', 'a_b', 'x']) if (next() < 0.5) named[name] = pick(VALUES);
        // l10n-ignore: random texts of the test
        assert.equal(t(text, ...positional), reference(text, positional), `${JSON.stringify(text)} ${JSON.stringify(positional)}`);
        // l10n-ignore: random texts of the test
        assert.equal(t(text, named), reference(text, [named]), `${JSON.stringify(text)} ${JSON.stringify(named)}`);
      }
    });
  }
});
