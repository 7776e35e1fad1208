// Benchmarks that load dist/ measure what ships: they build the production bundle first (unless
// `npm run bench` just did) and refuse to run on a development build.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Set by scripts/bench-all.mjs to the folder it just built for production, so each benchmark does not build it again. */
export const BUILT_ENV = 'AWS_SESSIONS_BENCH_BUILT';

/** Builds the production bundle in `repo` (unless just built) and throws when dist/extension.js is a development build. */
export function ensureProductionBuild(repo) {
  if (process.env[BUILT_ENV] !== resolve(repo)) {
    const built = spawnSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: repo, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('The production build failed (node esbuild.config.mjs --production); the benchmark does not run on anything else.');
  }
  const bundle = join(repo, 'dist', 'extension.js');
  let text;
  try {
    text = readFileSync(bundle, 'utf8');
  } catch {
    throw new Error(`${bundle} is missing: run node esbuild.config.mjs --production first.`);
  }
  // The development build links a source map and is not minified; the production build does neither.
  if (/\/\/# sourceMappingURL=/.test(text.slice(-300)) || text.split('\n').length > 50) {
    throw new Error(`${bundle} is a development build (source map, not minified): run node esbuild.config.mjs --production, then the benchmark again.`);
  }
}
