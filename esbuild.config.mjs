// One build script for the extension bundle, the CLI, the webview pages and the test bundles.
// Usage: node esbuild.config.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    plugins: [lazySdk],
    // Turn import('./sdk.js') into a lazy require: the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  },
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

// The region list of src/core/regions.ts: the partition data of the SDK that dist/sdk.js bundles.
writeRegionTable('src/core/regionTable.ts');

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // Node looks up the nearest package.json for every .js it loads; a tiny one in dist/ spares the CLI
  // (every credential_process call) reading and parsing the extension's large manifest.
  writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
}
