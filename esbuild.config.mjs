// One build script for the extension bundle, the CLI, the webview pages and the test bundles.
// Usage: node esbuild.config.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    // The AWS SDK is split into its own chunks by dynamic import() only in ESM; in CJS we keep it in
    // the bundle but behind `await import()` calls, so nothing of it runs at activation.
  },
  {
    ...common,
    entryPoints: { 'webviews/sessionForm': 'src/webviews/sessionForm/page.ts' },
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

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
