/**
 * The loader's V8 code cache (src/core/codeCache.ts): a bundle loads as `require` would load it, with or without
 * the cache; the cache is made once and used by the next load; anything that is not a cache of ours for this very
 * bundle (missing, damaged, refused by V8, of another build, a link, another user's, writable by others) is not
 * used, and the bundle loads all the same. Each load runs in a fresh `node` process, as a window's extension host
 * does: within one process V8 answers a second compile of the same source from memory and never reads a cache.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { codeCacheName, type CodeCacheUse } from '../../../src/core/codeCache';
import { tempDir } from '../support/tempDirs';

interface Outcome {
  cache: CodeCacheUse;
  reason?: string;
  saved?: string;
  file: string;
  dir: string;
  dependency: string;
  resolved: string;
  sameModule: boolean;
  inModuleCache: boolean;
  answer: number;
  stack: string;
}

// One load in a fresh process: the bundle's answers, what became of the cache, and save()'s outcome when asked.
const RUNNER = `
const { loadBundle } = require('./codeCache.js');
const [file, cacheDir, bundleKey, action] = process.argv.slice(2);
const loaded = loadBundle({ file, bundleKey, cacheDir: cacheDir || undefined, parent: module });
const b = loaded.exports;
let stack;
try { b.boom(); } catch (error) { stack = error.stack; }
const out = { cache: loaded.cache, reason: loaded.reason, file: b.file, dir: b.dir, dependency: b.dependency, resolved: b.resolved, sameModule: b.sameModule, inModuleCache: require.cache[file] && require.cache[file].exports === b, answer: b.answer(), stack };
if (action === 'save') out.saved = loaded.save();
process.stdout.write(JSON.stringify(out));
`;

const KEY = 'k1';
// Line 9 of the bundle throws: its stack trace names the bundle's file and that line.
const SOURCE = [
  "'use strict';",
  "const dep = require('./dep.js');",
  'exports.file = __filename;',
  'exports.dir = __dirname;',
  'exports.dependency = dep.name;',
  "exports.resolved = require.resolve('./dep.js');",
  'exports.sameModule = module.exports === exports;',
  'exports.answer = function answer() { let n = 0; for (let i = 0; i < 42; i++) n++; return n; };',
  "exports.boom = function boom() { throw new Error('boom'); };",
  '',
].join('\n');

let runner: string;

function makeBundle(source = SOURCE): { file: string; cacheDir: string } {
  const root = tempDir('code-cache-');
  const dist = join(root, 'dist');
  const cacheDir = join(root, 'storage');
  mkdirSync(dist);
  mkdirSync(cacheDir, { mode: 0o700 });
  writeFileSync(join(dist, 'dep.js'), "exports.name = 'the dependency';\n");
  const file = join(dist, 'extension.js');
  writeFileSync(file, source);
  return { file, cacheDir };
}

/** Loads the bundle in a fresh process (and saves the cache after, with `save`). */
function load(file: string, cacheDir: string | undefined, { key = KEY, save = false } = {}): Outcome {
  const child = spawnSync(process.execPath, [runner, file, cacheDir ?? '', key, save ? 'save' : ''], { encoding: 'utf8' });
  assert.equal(child.status, 0, `the process loading the bundle failed (${child.status ?? child.signal}): ${child.stderr}`);
  return JSON.parse(child.stdout) as Outcome;
}

function assertWorks(outcome: Outcome, file: string, expected: CodeCacheUse) {
  assert.equal(outcome.cache, expected, outcome.reason);
  assert.equal(outcome.file, file);
  assert.equal(outcome.dir, join(file, '..'));
  assert.equal(outcome.dependency, 'the dependency');
  assert.equal(outcome.resolved, join(file, '..', 'dep.js'));
  assert.equal(outcome.sameModule, true);
  assert.equal(outcome.inModuleCache, true, 'the bundle is in the module cache, as a require would leave it');
  assert.equal(outcome.answer, 42);
  assert.ok(outcome.stack.includes(`${file}:9:`), `the stack trace names the bundle's line 9: ${outcome.stack}`);
}

/** Makes the cache with one load and its save(); returns its path. */
function makeCache(file: string, cacheDir: string): string {
  assert.match(load(file, cacheDir, { save: true }).saved ?? '', /code cache written/);
  return join(cacheDir, codeCacheName(KEY));
}

describe('the code cache of the extension bundle', function () {
  this.timeout(60_000);
  before(() => {
    const dir = tempDir('code-cache-runner-');
    esbuild.buildSync({ entryPoints: [join(__dirname, '../../../src/core/codeCache.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: join(dir, 'codeCache.js'), logLevel: 'silent' });
    runner = join(dir, 'run.cjs');
    writeFileSync(runner, RUNNER);
  });

  it('first load: no cache, the bundle loads as require would; save() writes one (0600, ours) that the next process uses', () => {
    const { file, cacheDir } = makeBundle();
    const first = load(file, cacheDir, { save: true });
    assertWorks(first, file, 'missing');
    assert.match(first.saved ?? '', /code cache written/);
    const path = join(cacheDir, codeCacheName(KEY));
    const stats = lstatSync(path);
    assert.ok(stats.isFile());
    assert.equal(stats.mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(cacheDir), [codeCacheName(KEY)], 'no temporary file left');
    const second = load(file, cacheDir, { save: true });
    assertWorks(second, file, 'accepted');
    assert.equal(second.saved, 'code cache used');
    // Without a folder at all: the same bundle, the same answers.
    assertWorks(load(file, undefined), file, 'none');
  });

  it('a damaged cache is not used, even one whose header V8 would take (V8 would abort the process): save() replaces it', () => {
    const { file, cacheDir } = makeBundle();
    const path = makeCache(file, cacheDir);
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 40] ^= 0xff;
    const garbage = Buffer.concat([good.subarray(0, 200), Buffer.alloc(good.length - 200, 0xa5)]);
    for (const damaged of [Buffer.from('not a code cache at all'), good.subarray(0, good.length >> 1), flipped, garbage]) {
      writeFileSync(path, damaged, { mode: 0o600 });
      const loaded = load(file, cacheDir, { save: true });
      assertWorks(loaded, file, 'rejected');
      assert.match(loaded.reason ?? '', /damaged/);
      assert.match(loaded.saved ?? '', /code cache written/);
      assert.equal(load(file, cacheDir).cache, 'accepted');
    }
  });

  it('a cache V8 refuses (made with other V8 flags) is not used; save() replaces it', () => {
    const { file, cacheDir } = makeBundle();
    // V8 checks its flags: a cache made by a process with another flag set is refused by this one.
    const made = spawnSync(process.execPath, ['--no-lazy', runner, file, cacheDir, KEY, 'save'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const loaded = load(file, cacheDir, { save: true });
    assertWorks(loaded, file, 'rejected');
    assert.match(loaded.reason ?? '', /V8 refused/);
    assert.equal(load(file, cacheDir).cache, 'accepted');
  });

  it('a cache of another build of the same length is never offered (V8 checks only the length): the new code runs', () => {
    const { file, cacheDir } = makeBundle();
    makeCache(file, cacheDir);
    const changed = SOURCE.replace('i < 42', 'i < 24');
    assert.equal(changed.length, SOURCE.length);
    writeFileSync(file, changed);
    const loaded = load(file, cacheDir, { key: 'k2', save: true });
    assert.equal(loaded.cache, 'missing');
    assert.equal(loaded.answer, 24);
    assert.match(loaded.saved ?? '', /code cache written/);
    assert.deepEqual(readdirSync(cacheDir), [codeCacheName('k2')], "the old build's cache is removed");
    // The old build's key over the new build's cache file: the digest binds the key, so it is not taken either.
    renameSync(join(cacheDir, codeCacheName('k2')), join(cacheDir, codeCacheName(KEY)));
    const misnamed = load(file, cacheDir);
    assert.equal(misnamed.cache, 'rejected');
    assert.equal(misnamed.answer, 24);
  });

  it('a link in the place of the cache is not followed, even to a valid cache of ours', () => {
    const { file, cacheDir } = makeBundle();
    const path = makeCache(file, cacheDir);
    const elsewhere = join(cacheDir, '..', 'elsewhere.bin');
    renameSync(path, elsewhere);
    symlinkSync(elsewhere, path);
    const loaded = load(file, cacheDir, { save: true });
    assertWorks(loaded, file, 'untrusted');
    assert.match(loaded.reason ?? '', /is a link/);
    // save() puts a file of its own in the link's place; the link's target is left alone.
    assert.match(loaded.saved ?? '', /code cache written/);
    assert.ok(lstatSync(path).isFile());
    assert.equal(load(file, cacheDir).cache, 'accepted');
  });

  it('a hard link, a cache others can write, a folder others can write or that is a link: not used', () => {
    const { file, cacheDir } = makeBundle();
    const path = makeCache(file, cacheDir);
    linkSync(path, join(cacheDir, '..', 'second-name.bin'));
    let loaded = load(file, cacheDir);
    assertWorks(loaded, file, 'untrusted');
    assert.match(loaded.reason ?? '', /hard links/);

    const fresh = makeBundle();
    const cache = makeCache(fresh.file, fresh.cacheDir);
    chmodSync(cache, 0o666);
    loaded = load(fresh.file, fresh.cacheDir);
    assertWorks(loaded, fresh.file, 'untrusted');
    assert.match(loaded.reason ?? '', /written by other users/);
    chmodSync(cache, 0o600);

    chmodSync(fresh.cacheDir, 0o777);
    loaded = load(fresh.file, fresh.cacheDir, { save: true });
    assertWorks(loaded, fresh.file, 'untrusted');
    assert.match(loaded.reason ?? '', /folder .* can be written by other users/);
    assert.match(loaded.saved ?? '', /not written/, 'nothing is written to a folder others can write');
    chmodSync(fresh.cacheDir, 0o700);

    const linked = join(fresh.cacheDir, '..', 'linked-storage');
    symlinkSync(fresh.cacheDir, linked);
    loaded = load(fresh.file, linked);
    assertWorks(loaded, fresh.file, 'untrusted');
    assert.match(loaded.reason ?? '', /not a folder \(or is a link\)/);
  });

  it("another user's cache, or a cache in another user's folder, is not used", function () {
    if (process.platform === 'win32' || process.getuid?.() !== 0) this.skip(); // needs root to give a file to another user
    const { file, cacheDir } = makeBundle();
    const path = makeCache(file, cacheDir);
    chownSync(path, 65534, 65534);
    let loaded = load(file, cacheDir);
    assertWorks(loaded, file, 'untrusted');
    assert.match(loaded.reason ?? '', /belongs to another user/);
    chownSync(path, 0, 0);
    assert.equal(load(file, cacheDir).cache, 'accepted');
    chownSync(cacheDir, 65534, 65534);
    loaded = load(file, cacheDir);
    assertWorks(loaded, file, 'untrusted');
    assert.match(loaded.reason ?? '', /folder .* belongs to another user/);
  });

  it('no folder yet (a first activation): loads without a cache; save() writes nothing and makes no folder', () => {
    const { file, cacheDir } = makeBundle();
    const notYet = join(cacheDir, 'not-yet');
    const loaded = load(file, notYet, { save: true });
    assertWorks(loaded, file, 'missing');
    assert.match(loaded.saved ?? '', /not written/);
    assert.equal(existsSync(notYet), false);
  });
});
