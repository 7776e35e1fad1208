#!/usr/bin/env node
// The extension's icon: media/logo.svg (the source) rendered to media/icon.png (256 × 256, the package
// icon) and media/icon-128.png (128 × 128). The PNGs are committed; `--check` fails when they differ from
// a fresh render (run by scripts/check-package.mjs). media/icon.svg is the monochrome activity-bar icon.
// Usage: node scripts/render-icon.mjs [--check]
import { Resvg } from '@resvg/resvg-js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SOURCE = join('media', 'logo.svg');
export const ICON_SIZES = { [join('media', 'icon.png')]: 256, [join('media', 'icon-128.png')]: 128 };

/** The PNG of the source at `size` pixels square. */
export function renderIcon(size) {
  const svg = readFileSync(join(ROOT, ICON_SOURCE), 'utf8');
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng();
}

/** The committed PNGs that are not what the source renders to now (empty: up to date). */
export function staleIcons() {
  return Object.entries(ICON_SIZES)
    .filter(([path, size]) => {
      try {
        return !readFileSync(join(ROOT, path)).equals(renderIcon(size));
      } catch {
        return true;
      }
    })
    .map(([path]) => path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleIcons();
    if (stale.length) {
      console.error(`${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} not the render of ${ICON_SOURCE}: run node scripts/render-icon.mjs`);
      process.exit(1);
    }
    console.log(`${Object.keys(ICON_SIZES).join(', ')} match ${ICON_SOURCE}`);
  } else {
    for (const [path, size] of Object.entries(ICON_SIZES)) {
      writeFileSync(join(ROOT, path), renderIcon(size));
      console.log(`wrote ${path} (${size} × ${size})`);
    }
  }
}
