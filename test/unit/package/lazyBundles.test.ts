/**
 * What every window loads: the extension bundle holds none of the modules loaded on first use (the doctor,
 * import, IAM Identity Center, console, access-key rotation, SAML commands and assertion check with
 * @xmldom/xmldom, the session form); each of them is a bundle of its own that works against the extension
 * bundle's modules (one copy of each), loaded by its first command.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { buildExtension, lazyEntries } from '../../../scripts/extensionBundle.mjs';
import { Commands } from '../../../src/core/constants';
import { tempDir } from '../support/tempDirs';
import { spawnSync } from 'node:child_process';
import { StorageFiles } from '../../../src/core/constants';
import { makeState } from '../../../bench/stateFixture';

interface Stub {
  vscode: unknown;
  commands: Map<string, (...args: unknown[]) => unknown>;
  extensionContext(storageDir: string, extensionPath: string): { subscriptions: { dispose(): void }[] };
}
interface Extension {
  activate(context: unknown): Promise<{ ready: Promise<void> }>;
  deactivate(): Promise<void>;
}

describe('the extension bundle and the modules loaded on first use', function () {
  this.timeout(120_000);
  let out: string;
  let inputs: string[];
  before(async () => {
    out = tempDir('lazy-bundles-');
    const built = await buildExtension({ minify: true, legalComments: 'none', logLevel: 'silent' }, out);
    // A page bundle where dist/webviews would hold it (its content does not matter here).
    mkdirSync(join(out, 'webviews'));
    writeFileSync(join(out, 'webviews', 'doctor.js'), 'void 0;\n');
    inputs = Object.keys(built.extension.outputs[Object.keys(built.extension.outputs).find((o) => o.endsWith('extension.js'))!].inputs);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('dist/extension.js holds none of them: no @xmldom/xmldom, doctor, import, IAM Identity Center commands or forms', () => {
    const held = (pattern: RegExp) => inputs.filter((path) => pattern.test(path));
    assert.deepEqual(held(/@xmldom/), []);
    assert.deepEqual(held(/src\/core\/(doctor|import)\//), []);
    assert.deepEqual(held(/src\/core\/saml\/(assertion|samlXml)\.ts$/), []);
    assert.deepEqual(held(/src\/webviews\/(doctor|sessionForm|integrationForm)\//), []);
    for (const path of Object.values(lazyEntries)) assert.deepEqual(held(new RegExp(`${path.replace(/\./g, '\\.')}$`)), [], `${path} is loaded on first use`);
    const text = readFileSync(join(out, 'extension.js'), 'utf8');
    assert.ok(!/xmldom|DOMParser/.test(text), 'no XML parser in the extension bundle');
    for (const name of Object.keys(lazyEntries)) assert.ok(text.includes(`require("./lazy/${name}.js")`), `the extension bundle requires lazy/${name}.js`);
  });

  it('each is a bundle of its own that reads the modules the extension bundle holds instead of copying them', () => {
    assert.deepEqual(readdirSync(join(out, 'lazy')).filter((f) => f.endsWith('.js')).sort(), Object.keys(lazyEntries).map((n) => `${n}.js`).sort());
    const doctor = readFileSync(join(out, 'lazy', 'doctor.js'), 'utf8');
    assert.match(doctor, /aws-sessions\.sharedModules/);
    assert.match(doctor, /src\/core\/errors\.ts/, 'errors (classes checked with instanceof) come from the extension bundle');
  });

  it('lazy commands work on their first use: the SAML inspector (the doctor and the assertion check), the doctor\'s report', async () => {
    const stub = require('../../support/vscodeStub.cjs') as Stub;
    const original = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
    (Module as unknown as { _load: typeof original })._load = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stub.vscode : original.call(this, request, ...rest);
    };
    const storage = tempDir('lazy-bundles-storage-');
    const env = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
    process.env.AWS_CONFIG_FILE = join(storage, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(storage, 'credentials');
    const context = stub.extensionContext(storage, out);
    try {
      const extension = require(join(out, 'extension.js')) as Extension;
      const loaded = () => Object.keys(require.cache).filter((path) => path.startsWith(join(out, 'lazy'))).map((path) => path.slice(out.length + 1)).sort();
      await (await extension.activate(context)).ready;
      assert.deepEqual(loaded(), [], 'activation loads none');
      const text = (await stub.commands.get(Commands.inspectSamlAssertion)?.('bm90IHhtbA==')) as string;
      assert.match(text, /SAML/);
      assert.deepEqual(loaded(), ['lazy/doctor.js', 'lazy/samlAssertion.js']);
      // The doctor's report: its panel inlines the page bundle (dist/webviews, beside dist/lazy).
      const findings = await stub.commands.get(Commands.diagnose)?.();
      assert.ok(Array.isArray(findings) && findings.length > 0, 'the doctor ran and showed its report');
      await extension.deactivate();
    } finally {
      for (const d of context.subscriptions) d.dispose();
      (Module as unknown as { _load: typeof original })._load = original;
      for (const [name, value] of Object.entries(env)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(storage, { recursive: true, force: true });
    }
  });

  it("the manifest's main, the loader: a first window loads without a code cache and writes one after its first render; the next loads with it", () => {
    const storage = tempDir('lazy-bundles-cache-');
    writeFileSync(join(storage, StorageFiles.state), JSON.stringify(makeState(20)));
    // Each window a fresh process (bench/load/harness.cjs: a stub vscode, the loader's activate or its load step alone).
    const window = (mode: 'render' | 'load') => {
      const child = spawnSync(process.execPath, [join(__dirname, '../../../bench/load/harness.cjs'), mode, join(out, 'main.js'), storage], { encoding: 'utf8', env: { ...process.env, AWS_CONFIG_FILE: join(storage, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(storage, 'credentials'), AWS_SESSIONS_ACTIVATION_LOG: '' } });
      assert.equal(child.status, 0, child.stderr);
      return JSON.parse(child.stdout.trim().split('\n').pop()!) as { codeCache: string; rows?: number };
    };
    const first = window('render');
    assert.equal(first.codeCache, 'missing');
    assert.ok((first.rows ?? 0) > 0, 'the first window showed the sessions');
    assert.equal(readdirSync(storage).filter((f) => f.startsWith('code-cache-')).length, 1, 'the first window wrote the cache');
    assert.equal(window('load').codeCache, 'accepted');
    assert.equal(window('render').codeCache, 'accepted');
  });
});
