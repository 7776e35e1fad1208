/**
 * The package as a user meets it: the README the .vsix carries shows its images in the installed
 * extension's details page (data: URIs; that page allows only https: and data: images), and the manifest's
 * view never tells an existing user "No AWS sessions yet" while the sessions are being read, leaves
 * Ctrl+Alt+F to VS Code's tree find, and walks a new user through the first session.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeForPackage, REPO_ROOT } from '../../../scripts/package.mjs';
import { ContextKeys } from '../../../src/core/constants';
import { tempDir } from '../support/tempDirs';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('the packaged README', () => {
  let root: string;
  before(() => {
    root = tempDir('readme-');
    mkdirSync(join(root, 'media'));
    writeFileSync(join(root, 'media', 'shot.png'), PNG);
    writeFileSync(join(root, 'media', 'logo.svg'), '<svg/>');
  });

  it('inlines relative images as data: URIs and leaves absolute links alone', () => {
    const { text, images } = readmeForPackage('![A shot](media/shot.png)\n<img src="media/shot.png" width="9" alt="">\n[site](https://example.org/x) [top](#use)', root);
    const uri = `data:image/png;base64,${PNG.toString('base64')}`;
    assert.equal(text, `![A shot](${uri})\n<img src="${uri}" width="9" alt="">\n[site](https://example.org/x) [top](#use)`);
    assert.deepEqual(images, [join('media', 'shot.png'), join('media', 'shot.png')]);
  });

  it('refuses what the details page cannot show: a relative link, an SVG, an image outside the repository', () => {
    assert.throws(() => readmeForPackage('see [the docs](docs/ARCHITECTURE.md)', root), /README.md links to docs\/ARCHITECTURE.md/);
    assert.throws(() => readmeForPackage('![logo](media/logo.svg)', root), /no SVG/);
    assert.throws(() => readmeForPackage('![x](../outside.png)', root), /outside the repository/);
  });

  it("the repository's README packages, with at least one image", () => {
    const { images } = readmeForPackage(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), REPO_ROOT);
    assert.ok(images.length > 0);
  });
});

interface Manifest {
  contributes: {
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
    keybindings: Array<{ command: string; key: string; when?: string }>;
    walkthroughs?: Array<{ steps: Array<{ id: string; completionEvents?: string[] }> }>;
  };
}
// The manifest as VS Code shows it in English: each %key% replaced by its text in package.nls.json.
const nls = JSON.parse(readFileSync(join(REPO_ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'), (_key, value: unknown) =>
  typeof value === 'string' && /^%[^%\s]+%$/.test(value) ? (nls[value.slice(1, -1)] ?? value) : value,
) as Manifest;

describe('the manifest', () => {
  it('shows the empty-state text only once the sessions have been read, and a loading text until then', () => {
    const welcome = manifest.contributes.viewsWelcome.filter((w) => w.view === 'awsSessions.sessions');
    const empty = welcome.find((w) => w.contents.startsWith('No AWS sessions yet'));
    assert.ok(empty?.when, 'the empty-state welcome has a when clause');
    assert.match(empty.when, new RegExp(`(^|&&\\s*)${ContextKeys.loaded.replace('.', '\\.')}(\\s*&&|$)`), `the empty state waits for ${ContextKeys.loaded}: ${empty.when}`);
    const loading = welcome.find((w) => /^Loading/.test(w.contents));
    assert.ok(loading?.when?.includes(`!${ContextKeys.loaded}`), 'a loading text shows until the first read');
  });

  it('leaves Ctrl+Alt+F in the sessions view to VS Code\'s own tree find', () => {
    const taken = manifest.contributes.keybindings.filter((k) => /^ctrl\+alt\+f$/i.test(k.key));
    assert.deepEqual(taken, []);
  });

  it('walks through add, start, terminal and diagnose, each step completing on an event', () => {
    const steps = manifest.contributes.walkthroughs?.flatMap((w) => w.steps) ?? [];
    assert.deepEqual(steps.map((s) => s.id), ['addSession', 'startSession', 'openTerminal', 'diagnose']);
    assert.deepEqual(steps[0].completionEvents, [`onContext:${ContextKeys.hasSessions}`]);
    assert.deepEqual(steps[1].completionEvents, [`onContext:${ContextKeys.hasActiveSession}`]);
    for (const step of steps) assert.ok(step.completionEvents?.length, `${step.id} completes on an event`);
  });
});
