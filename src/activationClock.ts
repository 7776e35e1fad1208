/** Imported first by extension.ts: the moment the bundle began to load, for the activation time. */
import { performance } from 'node:perf_hooks';

export const loadedAt = performance.now();
