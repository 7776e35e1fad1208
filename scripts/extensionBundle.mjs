// The extension bundle (dist/extension.js) and the modules it loads on first use (dist/sdk.js's require,
// dist/lazy/*.js): used by esbuild.config.mjs and by test/unit/package/lazyBundles.test.ts.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `import('./sdk')` from src/core/aws becomes a require of dist/sdk.js, a bundle of its own: activation
 * neither parses nor runs the AWS SDK. Under tsx (unit tests) the same import loads the TypeScript module.
 */
const lazySdk = {
  name: 'lazy-sdk',
  setup(build) {
    build.onResolve({ filter: /^\.\/sdk$/ }, (args) =>
      args.importer.includes(`${join('src', 'core', 'aws')}`) ? { path: './sdk.js', external: true } : undefined,
    );
  },
};

/**
 * Modules loaded on first use (src/core/lazy.ts): `lazy(() => require('<one of these>'))` becomes a require of
 * dist/lazy/<name>.js, a bundle of its own. A static import of one fails the build (it would put the module
 * back into what every window loads). test/unit/package/lazyBundles.test.ts checks dist/extension.js holds none.
 */
export const lazyEntries = {
  doctor: 'src/commands/doctor.ts',
  import: 'src/commands/import.ts',
  sso: 'src/commands/sso.ts',
  console: 'src/commands/console.ts',
  accessKeys: 'src/commands/accessKeys.ts',
  saml: 'src/commands/saml.ts',
  samlAssertion: 'src/core/saml/assertion.ts',
  sessionForm: 'src/webviews/sessionForm/panel.ts',
};
const lazyNames = new Map(Object.entries(lazyEntries).map(([name, path]) => [resolve(ROOT, path), name]));
/** The registry of the modules the extension bundle shares with the lazy bundles: module key → namespace. */
const SHARED = "globalThis[Symbol.for('aws-sessions.sharedModules')]";
const moduleKey = (absPath) => relative(ROOT, absPath).split('\\').join('/');

/**
 * In every bundle: a require of a lazy module stays a require (of its bundle); a static import of one fails.
 * In a lazy bundle (`shared` given: the modules of the extension bundle), an import of a module the extension
 * bundle holds reads that module from the registry instead of bundling a copy: one copy of each class (for
 * `instanceof`) and of module state (the l10n bundle, locks), whichever bundle loaded first.
 */
function lazyModules({ self, shared, used }) {
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.lazyModules || args.kind === 'entry-point' || args.path === 'vscode' || args.path.startsWith('node:')) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { lazyModules: true } });
        if (found.errors.length > 0 || found.external || !found.path) return undefined;
        const name = lazyNames.get(found.path);
        if (name && name !== self) {
          if (args.kind !== 'require-call') return { errors: [{ text: `${moduleKey(args.importer)} imports ${args.path} statically: it is loaded on first use (require it through lazy(), src/core/lazy.ts)` }] };
          return { path: self ? `./${name}.js` : `./lazy/${name}.js`, external: true };
        }
        const key = moduleKey(found.path);
        if (shared?.has(key)) {
          used.add(key);
          return { path: key, namespace: 'shared-module' };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'shared-module' }, (args) => ({ contents: `module.exports = ${SHARED}[${JSON.stringify(args.path)}];`, loader: 'js' }));
    },
  };
}

const extensionBuild = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow: bundle its ES modules instead.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  // Turn import('./sdk.js') into a lazy require: the extension host loads CommonJS.
  supported: { 'dynamic-import': false },
};

/**
 * The extension bundle and the lazy bundles, in three steps: the extension bundle (to learn its modules), the lazy
 * bundles sharing those, then the extension bundle again, now filling the registry with the modules they share.
 * Returns the extension bundle's metafile and the keys of the modules it shares.
 */
export async function buildExtension(common, outdir = join(ROOT, 'dist')) {
  const first = await esbuild.build({ ...common, ...extensionBuild, entryPoints: { extension: 'src/extension.ts' }, outdir, write: false, metafile: true, plugins: [lazySdk, lazyModules({})] });
  const shared = new Set(Object.keys(first.metafile.inputs).map((p) => moduleKey(resolve(ROOT, p))));
  const used = new Set();
  await Promise.all(
    Object.entries(lazyEntries).map(([name, path]) =>
      esbuild.build({ ...common, ...extensionBuild, entryPoints: { [name]: path }, outdir: join(outdir, 'lazy'), plugins: [lazySdk, lazyModules({ self: name, shared, used })] }),
    ),
  );
  const keys = [...used].sort();
  const registry = [
    "export * from './src/extension';",
    ...keys.map((key, i) => `import * as m${i} from ${JSON.stringify(`./${key}`)};`),
    `${SHARED} = { ${keys.map((key, i) => `${JSON.stringify(key)}: m${i}`).join(', ')} };`,
  ].join('\n');
  const result = await esbuild.build({
    ...common,
    ...extensionBuild,
    metafile: true,
    stdin: { contents: registry, resolveDir: ROOT, sourcefile: 'extension.ts', loader: 'ts' },
    outfile: join(outdir, 'extension.js'),
    plugins: [lazySdk, lazyModules({})],
  });
  await buildLoader(common, outdir);
  return { extension: result.metafile, shared: keys };
}

/**
 * The manifest's `main`, dist/main.js (src/main.ts): the loader that compiles dist/extension.js with its V8 code
 * cache. It carries the bundle's content hash, which names the cache: a cache of another build is never offered to V8.
 */
async function buildLoader(common, outdir) {
  const bundleKey = createHash('sha256').update(readFileSync(join(outdir, 'extension.js'))).digest('hex').slice(0, 20);
  await esbuild.build({
    ...common,
    ...extensionBuild,
    entryPoints: { main: 'src/main.ts' },
    outdir,
    define: { AWS_SESSIONS_BUNDLE_KEY: JSON.stringify(bundleKey) },
  });
}

