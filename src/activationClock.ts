/** Imported first by extension.ts: the moment the extension began to load, for the activation time. */
import { performance } from 'node:perf_hooks';

/** Where the loader (src/main.ts) leaves the moment it began, before it loads the bundle. */
export const LOAD_START_KEY = Symbol.for('aws-sessions.loadStart');

export const loadedAt = ((globalThis as Record<symbol, unknown>)[LOAD_START_KEY] as number | undefined) ?? performance.now();
