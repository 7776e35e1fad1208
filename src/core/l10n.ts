/**
 * Translation of the texts the core, the CLI and the webview pages show, with VS Code's conventions
 * (the same as `vscode.l10n.t` and `@vscode/l10n`): the English text is the key, `{0}` / `{name}`
 * are placeholders, and a bundle maps English texts to translations (`l10n/bundle.l10n.<lang>.json`).
 * No bundle (English, or a language without one) gives the English text. No imports: the CLI and
 * the pages bundle it; the extension sets the bundle from `vscode.l10n.bundle` at activation, the
 * CLI from LC_ALL / LC_MESSAGES / LANG, a page from its host's init message.
 */

/** English text → translation. A bundle entry may also be `{ message, comment }` as VS Code allows. */
export type L10nBundle = Readonly<Record<string, string | { message: string; comment?: string[] }>>;

type Arg = string | number | boolean | null | undefined;

let bundle: L10nBundle | (() => L10nBundle | undefined) | undefined;

/**
 * Translations used from now on (undefined: English). A function is called on the first text shown, so a
 * process that shows none (the CLI's `generate`, which prints JSON) never reads a bundle file.
 */
export function setL10nBundle(next: L10nBundle | (() => L10nBundle | undefined) | undefined): void {
  bundle = next;
}

/** The bundle in use (for a page's init message); undefined in English. */
export function l10nBundle(): L10nBundle | undefined {
  if (typeof bundle === 'function') bundle = bundle();
  return bundle;
}

/** A placeholder's name: `{0}`, `{count}` (letters, digits, `_`). */
const isNameChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * `message` translated, its placeholders filled: `t('Session "{0}" started', alias)` or
 * `t('{count} sessions', { count })`. A placeholder without a value stays as written.
 */
export function t(message: string, ...args: Arg[] | [Record<string, Arg>]): string {
  const entry = l10nBundle()?.[message];
  const text = typeof entry === 'string' ? entry : (entry?.message ?? message);
  if (args.length === 0) return text;
  let open = text.indexOf('{');
  if (open < 0) return text;
  const named = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? args[0] : undefined;
  const positional = args as Arg[];
  // Each `{name}` in turn (a scan, not a regex with a callback: texts are filled for every row of a tree).
  let out = '';
  let from = 0;
  for (; open >= 0; open = text.indexOf('{', open + 1)) {
    let close = open + 1;
    while (close < text.length && isNameChar(text.charCodeAt(close))) close++;
    if (close === open + 1 || text.charCodeAt(close) !== 125) continue;
    const name = text.slice(open + 1, close);
    let value: string | undefined;
    if (named) value = Object.hasOwn(named, name) ? String(named[name]) : undefined;
    else if (/^\d+$/.test(name) && Number(name) < positional.length) value = String(positional[Number(name)]);
    if (value === undefined) continue;
    out += text.slice(from, open) + value;
    from = close + 1;
    open = close;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Marks an English text of data made when a module loads (a field's label, a session type's name) for the
 * bundles, unchanged: that is before the language is set. Where the text is shown, `translated` gives it
 * in the language in use.
 */
export function l10nText(message: string): string {
  return message;
}

/** The translation of a text marked with `l10nText`, in the language in use (unknown texts as they are). */
export function translated(message: string): string {
  // l10n-ignore: translates a text marked with l10nText
  return t(message);
}

/**
 * The language of a POSIX locale environment, as VS Code names bundles: `de_DE.UTF-8` → `de`,
 * `pt_BR` → `pt-br`. LC_ALL wins over LC_MESSAGES over LANG; `C`, `POSIX` and nothing → undefined (English).
 */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const raw = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  const match = raw ? /^([A-Za-z]{2,3})(?:[_-]([A-Za-z]{2}))?/.exec(raw) : null;
  if (!match || /^(c|posix)$/i.test(raw ?? '')) return undefined;
  return match[2] ? `${match[1]}-${match[2]}`.toLowerCase() : match[1].toLowerCase();
}

/** Bundle file names to try for a language, most specific first: `pt-br` → `bundle.l10n.pt-br.json`, `bundle.l10n.pt.json`. */
export function bundleFileNames(language: string): string[] {
  const lower = language.toLowerCase();
  const base = lower.split('-')[0];
  return [...new Set([lower, base])].filter((l) => l !== 'en').map((l) => `bundle.l10n.${l}.json`);
}
