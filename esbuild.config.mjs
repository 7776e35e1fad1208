// One build script for the extension bundle, the CLI, the webview pages and the test bundles.
// Usage: node esbuild.config.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, watch as watchFiles, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRegionTable } from './scripts/awsRegions.mjs';
import { buildExtension } from './scripts/extensionBundle.mjs';

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
    // The CLI, `generate` alone (every credential_process call) and `exec` alone: small bundles, no AWS SDK, started by the shim.
    ...common,
    entryPoints: { cli: 'src/cli/main.ts', generate: 'src/cli/generateMain.ts', exec: 'src/cli/execMain.ts' },
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
  // The extension and lazy bundles are built in steps (buildExtension): rebuilt whole on a change under src/.
  let pending;
  const rebuild = () => buildExtension(common).then(() => console.log('esbuild: extension rebuilt'), (error) => console.error(error.message));
  await rebuild();
  watchFiles('src', { recursive: true }, () => {
    clearTimeout(pending);
    pending = setTimeout(rebuild, 100);
  });
  console.log('esbuild: watching');
} else {
  await Promise.all([buildExtension(common), ...builds.map((options) => esbuild.build(options))]);
  // Node looks up the nearest package.json for every .js it loads; a tiny one in dist/ spares the CLI
  // (every credential_process call) reading and parsing the extension's large manifest.
  writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
}
