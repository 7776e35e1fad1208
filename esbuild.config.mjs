// One build script for the extension bundle, the CLI, the webview pages and the test bundles.
// Usage: node esbuild.config.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, statSync, watch as watchFiles, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeRegionTable } from './scripts/awsRegions.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Files under dir whose names end with suffix, recursively. */
function findFiles(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findFiles(path, suffix));
    else if (name.endsWith(suffix)) found.push(path);
  }
  return found;
}

/** The page bundles: one entry per webview folder that has a page.ts. */
function webviewPages() {
  const pages = {};
  for (const name of readdirSync('src/webviews')) {
    const page = join('src/webviews', name, 'page.ts');
    if (existsSync(page)) pages[`webviews/${name}`] = page;
  }
  return pages;
}

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
 * back into what every window loads). test/unit/build/lazyBundles.test.ts checks dist/extension.js holds none.
 */
const lazyEntries = {
  doctor: 'src/commands/doctor.ts',
  import: 'src/commands/import.ts',
  sso: 'src/commands/sso.ts',
  console: 'src/commands/console.ts',
  accessKeys: 'src/commands/accessKeys.ts',
  saml: 'src/commands/saml.ts',
  samlAssertion: 'src/core/saml/assertion.ts',
  sessionForm: 'src/webviews/sessionForm/panel.ts',
};
const lazyNames = new Map(Object.entries(lazyEntries).map(([name, path]) => [resolve(path), name]));
/** The registry of the modules the extension bundle shares with the lazy bundles: module key → namespace. */
const SHARED = "globalThis[Symbol.for('aws-sessions.sharedModules')]";
const moduleKey = (absPath) => relative(process.cwd(), absPath).split('\\').join('/');

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
  ...common,
  outdir: 'dist',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // playwright-core (SAML sign-in window) is not bundled: see copyPlaywright below.
  external: ['vscode', 'playwright-core'],
  // Turn import('./sdk.js') into a lazy require: the extension host loads CommonJS.
  supported: { 'dynamic-import': false },
};

/**
 * The extension bundle and the lazy bundles, in three steps: the extension bundle (to learn its modules), the lazy
 * bundles sharing those, then the extension bundle again, now filling the registry with the modules they share.
 */
async function buildExtension() {
  const first = await esbuild.build({ ...extensionBuild, entryPoints: { extension: 'src/extension.ts' }, write: false, metafile: true, plugins: [lazySdk, lazyModules({})] });
  const shared = new Set(Object.keys(first.metafile.inputs).map((p) => moduleKey(resolve(p))));
  const used = new Set();
  await Promise.all(
    Object.entries(lazyEntries).map(([name, path]) =>
      esbuild.build({ ...extensionBuild, entryPoints: { [name]: path }, outdir: 'dist/lazy', plugins: [lazySdk, lazyModules({ self: name, shared, used })] }),
    ),
  );
  const keys = [...used].sort();
  const registry = [
    "export * from './src/extension';",
    ...keys.map((key, i) => `import * as m${i} from ${JSON.stringify(`./${key}`)};`),
    `${SHARED} = { ${keys.map((key, i) => `${JSON.stringify(key)}: m${i}`).join(', ')} };`,
  ].join('\n');
  await esbuild.build({
    ...extensionBuild,
    stdin: { contents: registry, resolveDir: process.cwd(), sourcefile: 'extension.ts', loader: 'ts' },
    outfile: 'dist/extension.js',
    outdir: undefined,
    plugins: [lazySdk, lazyModules({})],
  });
}

const builds = [
  {
    ...common,
    entryPoints: { sdk: 'src/core/aws/sdk.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
  },
  {
    // The CLI, and `generate` alone (every credential_process call): small bundles, no AWS SDK, started by the shim.
    ...common,
    entryPoints: { cli: 'src/cli/main.ts', generate: 'src/cli/generateMain.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // Every webview page: src/webviews/<name>/page.ts becomes dist/webviews/<name>.js (see src/webviews/host.ts).
    ...common,
    entryPoints: webviewPages(),
    outdir: 'dist',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  },
];

if (tests) {
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints: ['test/extension/index.ts', ...findFiles('test/extension', '.test.ts')],
    outdir: 'out/test/extension',
    outbase: 'test/extension',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
  });
}

/**
 * playwright-core does not survive bundling (it reads its own package.json, browsers.json and lib/ at
 * run time) and vsce packages with --no-dependencies, so the package is copied whole (no typings) to
 * dist/playwright-core, which src/platform/samlBrowser.ts requires on the first SAML sign-in.
 */
function copyPlaywright() {
  const from = 'node_modules/playwright-core';
  const to = 'dist/playwright-core';
  if (!existsSync(from)) throw new Error('node_modules/playwright-core is missing: run npm ci');
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.d.ts') && !src.includes(`${from}/types`) });
}

copyPlaywright();
// The region list of src/core/regions.ts: the partition data of the SDK that dist/sdk.js bundles.
writeRegionTable('src/core/regionTable.ts');

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  // The extension and lazy bundles are built in steps (buildExtension): rebuilt whole on a change under src/.
  let pending;
  const rebuild = () => buildExtension().then(() => console.log('esbuild: extension rebuilt'), (error) => console.error(error.message));
  await rebuild();
  watchFiles('src', { recursive: true }, () => {
    clearTimeout(pending);
    pending = setTimeout(rebuild, 100);
  });
  console.log('esbuild: watching');
} else {
  await Promise.all([buildExtension(), ...builds.map((options) => esbuild.build(options))]);
  // Node looks up the nearest package.json for every .js it loads; a tiny one in dist/ spares the CLI
  // (every credential_process call) reading and parsing the extension's large manifest.
  writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
}
