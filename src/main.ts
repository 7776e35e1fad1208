/**
 * The extension's `main` (dist/main.js): a small loader. activate() loads the extension bundle (dist/extension.js)
 * with the V8 code cache kept in the extension's global storage (src/core/codeCache.ts) and hands over to it; once
 * the first render has landed, the cache is written if this load had none. `load()` is that first step alone,
 * for the load benchmark (bench/load/harness.cjs).
 */
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBundle, type CodeCacheUse, type LoadedBundle } from './core/codeCache';
import { LOAD_START_KEY } from './activationClock';
import type * as Extension from './extension';

/** The content hash of dist/extension.js, set by the build (scripts/extensionBundle.mjs). */
declare const AWS_SESSIONS_BUNDLE_KEY: string;

(globalThis as Record<symbol, unknown>)[LOAD_START_KEY] = performance.now();

let loaded: LoadedBundle<typeof Extension> | undefined;

/** Loads the extension bundle once: with the code cache in `storageDir` when there is a usable one. */
export function load(storageDir: string | undefined): typeof Extension {
  loaded ??= loadBundle<typeof Extension>({ file: join(__dirname, 'extension.js'), bundleKey: AWS_SESSIONS_BUNDLE_KEY, cacheDir: storageDir, parent: module });
  return loaded.exports;
}

/** What became of the code cache when the bundle loaded (undefined before): for the load benchmark. */
export function codeCacheUse(): CodeCacheUse | undefined {
  return loaded?.cache;
}

export async function activate(context: vscode.ExtensionContext): Promise<Extension.AwsSessionsApi> {
  const api = await load(context.globalStorageUri.fsPath).activate(context);
  const bundle = loaded;
  // After the first render: the functions activation ran are compiled, and go into the cache with the rest.
  const save = () => {
    if (!bundle || bundle.cache === 'accepted') return;
    // l10n-ignore: a developer log line
    api.log(`${bundle.save()}${bundle.reason ? `; loaded without it: ${bundle.reason}` : ''}`);
  };
  void api.ready.then(save, save);
  return api;
}

export function deactivate(): Promise<void> | undefined {
  return loaded?.exports.deactivate();
}
