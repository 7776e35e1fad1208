/**
 * `aws-sessions export`: the session's variables in the syntax a shell `eval`s or a tool reads. Every value is
 * quoted so that no character of it — quote, backslash, `$`, backtick, newline — is ever interpreted.
 * `docker` prints names only (`-e NAME`): docker takes the values from its own environment, so no credential
 * or token is ever on a command line.
 */
import { t } from '../core/l10n';

export const EXPORT_FORMATS = ['sh', 'fish', 'powershell', 'json', 'dotenv', 'docker'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const isExportFormat = (value: string): value is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(value);

/** POSIX sh single quotes: nothing is special inside but `'` itself, written `'\''`. */
export const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
/** fish single quotes: only `\\` and `\'` are escapes. */
const fishQuote = (value: string): string => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
/** PowerShell single quotes (verbatim): `'` is doubled; the typographic quotes PowerShell also takes are doubled too. */
const psQuote = (value: string): string => `'${value.replace(/['‘’‚‛]/g, (c) => c + c)}'`;
/** dotenv double quotes with the escapes dotenv parsers share (`\\`, `\"`, `\n`, `\r`); `$` escaped against expansion. */
const dotenvQuote = (value: string): string => `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The lines for `variables` (and unsetting `clear`, for the shells) in `format`; names that are not identifiers are refused. */
export function formatExport(format: ExportFormat, variables: Readonly<Record<string, string>>, clear: readonly string[] = []): string {
  for (const name of [...Object.keys(variables), ...clear]) if (!NAME.test(name)) throw new Error(t('"{0}" is not a variable name', name));
  const set = Object.entries(variables);
  switch (format) {
    case 'sh':
      return [...clear.map((n) => `unset ${n}`), ...set.map(([n, v]) => `export ${n}=${shQuote(v)}`)].join('\n');
    case 'fish':
      return [...clear.map((n) => `set -e ${n}`), ...set.map(([n, v]) => `set -gx ${n} ${fishQuote(v)}`)].join('\n');
    case 'powershell':
      // l10n-ignore: a PowerShell command, not words
      return [...clear.map((n) => `Remove-Item Env:${n} -ErrorAction SilentlyContinue`), ...set.map(([n, v]) => `$Env:${n} = ${psQuote(v)}`)].join('\n');
    case 'json':
      return JSON.stringify(variables, null, 2);
    case 'dotenv':
      return set.map(([n, v]) => `${n}=${dotenvQuote(v)}`).join('\n');
    case 'docker':
      // l10n-ignore: docker's option, not words
      return ['--network host', ...set.map(([n]) => `-e ${n}`)].join(' ');
  }
}
