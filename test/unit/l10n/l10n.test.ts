/**
 * Localisation: core's t() (VS Code's conventions), the German bundle reaching what a command shows and
 * what the CLI prints under LANG=de_DE.UTF-8, and the check `npm test` runs (it must fail on a text shown
 * to users that is not translated, and on a key missing from the German files).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { checkL10n } from '../../../scripts/check-l10n.mjs';
import { scanSource } from '../../../scripts/l10nScan.mjs';
import { REPO_ROOT } from '../../../scripts/package.mjs';
import { ValidationError } from '../../../src/core/errors';
import { bundleFileNames, l10nText, localeFromEnv, setL10nBundle, t, translated, type L10nBundle } from '../../../src/core/l10n';
import type { AwsSsoSession } from '../../../src/core/model';
import { sessionType } from '../../../src/core/sessions/registry';
import { validateForm } from '../../../src/core/validation';
import { tempDir } from '../support/tempDirs';

const german = JSON.parse(readFileSync(join(REPO_ROOT, 'l10n', 'bundle.l10n.de.json'), 'utf8')) as L10nBundle;

describe('l10n: core t()', () => {
  afterEach(() => setL10nBundle(undefined));

  it('fills {0} and {name} placeholders, in English without a bundle', () => {
    assert.equal(t('Session "{0}" has {1} keys', 'dev', 2), 'Session "dev" has 2 keys');
    assert.equal(t('{count} of {total}', { count: 3, total: 9 }), '3 of 9');
    assert.equal(t('{0} and {missing}', 'kept'), 'kept and {missing}');
  });

  it('translates with the bundle in use, and falls back to the English text for an unknown key', () => {
    setL10nBundle({ 'Hello {0}': 'Hallo {0}', Plain: { message: 'Schlicht', comment: ['a comment'] } });
    assert.equal(t('Hello {0}', 'Welt'), 'Hallo Welt');
    assert.equal(t('Plain'), 'Schlicht');
    assert.equal(t('Not in the bundle'), 'Not in the bundle');
  });

  it('texts marked when a module loads are translated where they are shown', () => {
    const label = l10nText('Access key ID');
    assert.equal(label, 'Access key ID');
    setL10nBundle(german);
    assert.equal(translated(label), 'Zugriffsschlüssel-ID');
  });

  it('reads a lazy bundle once, on the first text shown', () => {
    let reads = 0;
    setL10nBundle(() => (reads++, { Yes: 'Ja' }));
    assert.equal(reads, 0);
    assert.equal(t('Yes'), 'Ja');
    assert.equal(t('Yes'), 'Ja');
    assert.equal(reads, 1);
  });

  it('takes the language from LC_ALL, LC_MESSAGES, LANG as VS Code names bundles', () => {
    assert.equal(localeFromEnv({ LANG: 'de_DE.UTF-8' }), 'de-de');
    assert.equal(localeFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'de_AT' }), 'de-at');
    assert.equal(localeFromEnv({ LANG: 'de_DE', LC_ALL: 'fr_FR.UTF-8' }), 'fr-fr');
    assert.equal(localeFromEnv({ LANG: 'C.UTF-8' }), undefined);
    assert.equal(localeFromEnv({ LANG: 'POSIX' }), undefined);
    assert.equal(localeFromEnv({}), undefined);
    assert.deepEqual(bundleFileNames('de-de'), ['bundle.l10n.de-de.json', 'bundle.l10n.de.json']);
    assert.deepEqual(bundleFileNames('en-us'), ['bundle.l10n.en-us.json']);
  });
});

describe('l10n: the German bundle in what commands show', () => {
  afterEach(() => setL10nBundle(undefined));

  const ssoSession: AwsSsoSession = { id: 's1', kind: 'awsSso', alias: 'prod-admin', profileId: 'p1', region: 'eu-central-1', integrationId: 'i1', accountId: '111111111111', accountName: 'prod', roleName: 'Admin' };

  it("Delete Session's refusal of an IAM Identity Center session comes out in German, and in English without the bundle", () => {
    const refusal = () => sessionType('awsSso').deleteRefusal?.(ssoSession);
    assert.match(refusal() ?? '', /^Session "prod-admin" comes from an IAM Identity Center integration/);
    setL10nBundle(german);
    assert.equal(refusal(), 'Die Sitzung „prod-admin“ stammt aus einer IAM Identity Center-Integration, und die nächste Synchronisierung würde sie zurückbringen. Löschen Sie stattdessen die Integration, oder lassen Sie die Sitzung einfach inaktiv.');
  });

  it("a form's problems name the field and the rule in German", () => {
    setL10nBundle(german);
    const { problems } = validateForm(sessionType('iamUser').fields, { alias: 'dev', profile: 'default', region: 'eu-west-1', accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) });
    const problem = problems.find((p) => p.field === 'accessKeyId');
    assert.equal(problem?.label, 'Zugriffsschlüssel-ID');
    assert.match(problem?.message ?? '', /^dies ist ein temporärer Schlüssel \(ASIA…\)/);
    assert.match(new ValidationError(problems).message, /^Zugriffsschlüssel-ID: dies ist ein temporärer Schlüssel/);
  });
});

describe('l10n: the CLI under LANG=de_DE.UTF-8', function () {
  this.timeout(60_000);
  let cli: string;

  before(async () => {
    // The extension's layout: dist/cli.js beside l10n/.
    const root = tempDir('aws-sessions-l10n-cli-');
    mkdirSync(join(root, 'dist'));
    cpSync(join(REPO_ROOT, 'l10n'), join(root, 'l10n'), { recursive: true });
    await esbuild.build({ entryPoints: { cli: join(REPO_ROOT, 'src/cli/main.ts') }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', outdir: join(root, 'dist') });
    cli = join(root, 'dist', 'cli.js');
  });

  const run = (args: string[], lang: string) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: lang }, timeout: 30_000 });

  it('prints its help and its usage errors in German', () => {
    const help = run(['--help'], 'de_DE.UTF-8');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Aufruf: aws-sessions <command> \[options\]/);
    assert.match(help.stdout, /Sitzungen mit Profil, Region, Bereitstellung und Status/);
    assert.match(help.stdout, /Exit-Codes:/);
    const wrong = run(['frobnicate'], 'de_DE.UTF-8');
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /unbekannter Befehl „frobnicate“ \(siehe: aws-sessions --help\)/);
  });

  it('stays English under LANG=C and for a language without a bundle', () => {
    for (const lang of ['C.UTF-8', 'fr_FR.UTF-8']) {
      const wrong = run(['frobnicate'], lang);
      assert.equal(wrong.status, 2);
      assert.match(wrong.stderr, /unknown command "frobnicate" \(see: aws-sessions --help\)/);
    }
  });
});

describe('l10n: the check npm test runs', () => {
  /** A repository with one source file and the bundles, each replaceable. */
  function fixture(overrides: Record<string, string> = {}): string {
    const root = tempDir('aws-sessions-l10n-check-');
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ displayName: '%displayName%', l10n: './l10n', contributes: { commands: [{ command: 'x.start', title: '%command.start%', category: '%category%' }] } }),
      'package.nls.json': JSON.stringify({ displayName: 'Sessions', 'command.start': 'Start Session', category: 'Sessions' }),
      'package.nls.de.json': JSON.stringify({ displayName: 'Sitzungen', 'command.start': 'Sitzung starten', category: 'Sitzungen' }),
      'l10n/bundle.l10n.json': JSON.stringify({ 'Session "{0}" started.': 'Session "{0}" started.' }),
      'l10n/bundle.l10n.de.json': JSON.stringify({ 'Session "{0}" started.': 'Sitzung „{0}“ gestartet.' }),
      'src/commands.ts': "import * as vscode from 'vscode';\nexport const started = (alias: string) => vscode.window.showInformationMessage(vscode.l10n.t('Session \"{0}\" started.', alias));\n",
      ...overrides,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('passes a repository whose texts are all translated', () => {
    assert.deepEqual(checkL10n(fixture()).problems, []);
  });

  it('fails on a text shown to users that is not externalised', () => {
    const { problems } = checkL10n(fixture({ 'src/commands.ts': "import * as vscode from 'vscode';\nexport const stopped = (alias: string) => vscode.window.showWarningMessage(`Session ${alias} stopped.`);\n" }));
    assert.ok(problems.some((p) => /^src\/commands\.ts:2: not translated \(shown by showWarningMessage\(\)\)/.test(p)), problems.join('\n'));
  });

  it('fails on a key missing from the German bundle, or with other placeholders', () => {
    const missing = checkL10n(fixture({ 'l10n/bundle.l10n.de.json': '{}' })).problems;
    assert.ok(missing.includes('l10n/bundle.l10n.de.json: missing "Session "{0}" started."'), missing.join('\n'));
    const placeholders = checkL10n(fixture({ 'l10n/bundle.l10n.de.json': JSON.stringify({ 'Session "{0}" started.': 'Sitzung gestartet.' }) })).problems;
    assert.ok(placeholders.some((p) => /has placeholders \{0\} in English but \{\} here/.test(p)), placeholders.join('\n'));
  });

  it('fails on a manifest key missing from package.nls.de.json, and on a manifest text that is no %key%', () => {
    const nls = checkL10n(fixture({ 'package.nls.de.json': JSON.stringify({ displayName: 'Sitzungen', category: 'Sitzungen' }) })).problems;
    assert.ok(nls.includes('package.nls.de.json: missing "command.start"'), nls.join('\n'));
    const literal = checkL10n(fixture({ 'package.json': JSON.stringify({ displayName: '%displayName%', l10n: './l10n', contributes: { commands: [{ command: 'x.start', title: 'Start Session', category: '%category%' }] } }) })).problems;
    assert.ok(literal.some((p) => p.startsWith('package.json: not translated: commands[0].title')), literal.join('\n'));
  });

  it('tells texts shown from log lines, ids and data', () => {
    const source = [
      "logger.info('Session started in the background');",
      "throw new Error('The state file is broken');",
      "const item = { label: 'Start the session', id: 'start-session' };",
      "if (kind === 'not started yet') run();",
      "const page = `<main id=\"root\"></main>`;",
      "const icon = '$(debug-stop)';",
      "// l10n-ignore: for the log",
      "const why = 'a message with no known type';",
      "const later = () => t('Shown when called');",
      "const early = t('Evaluated when the module loads');",
    ].join('\n');
    const { findings, keys } = scanSource('x.ts', source);
    assert.deepEqual(
      findings.map((f) => [f.line, f.why]),
      [
        [2, 'message of new Error()'],
        [3, 'property label'],
        [10, 't() at module level runs before the language is set: call it inside a function'],
      ],
    );
    assert.deepEqual(keys.map((k) => k.key), ['Shown when called', 'Evaluated when the module loads']);
  });

  it('the repository: every text shown goes through t(), the German files are complete', () => {
    const { problems, stats } = checkL10n(REPO_ROOT);
    assert.deepEqual(problems, []);
    assert.ok(stats.keys > 500 && stats.manifestKeys > 50, JSON.stringify(stats));
    assert.deepEqual(stats.languages, ['de']);
  });
});
