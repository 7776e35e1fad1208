#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after the other, each printing its table and
// one JSON line. Usage: node scripts/bench-all.mjs [name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
const benches = readdirSync(join(REPO, 'bench')).filter((f) => /\.bench\.(ts|mjs)$/.test(f) && f.includes(filter)).sort();
let failed = 0;
spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: REPO, stdio: 'inherit' });
for (const file of benches) {
  console.log(`\n━━━ bench/${file}`);
  const args = file.endsWith('.ts') ? ['--import', 'tsx', join('bench', file)] : [join('bench', file)];
  const result = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
