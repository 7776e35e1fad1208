/** The command line's language: the bundle of LC_ALL / LC_MESSAGES / LANG from the extension's l10n folder, read on first use. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFileNames, localeFromEnv, setL10nBundle, type L10nBundle } from '../core/l10n';

/** dist/cli.js and dist/generate.js run from the extension's dist folder; its bundles are in ../l10n. */
const BUNDLE_DIR = join(__dirname, '..', 'l10n');

export function useLocaleOf(env: Readonly<Record<string, string | undefined>>, dir = BUNDLE_DIR): void {
  const language = localeFromEnv(env);
  setL10nBundle(language ? () => readBundle(dir, language) : undefined);
}

/** The most specific bundle of the language that exists and parses; none: English. */
function readBundle(dir: string, language: string): L10nBundle | undefined {
  for (const name of bundleFileNames(language)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as L10nBundle;
    } catch {
      // Missing or unreadable: the next name, then English.
    }
  }
  return undefined;
}
