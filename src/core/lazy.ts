/**
 * A value made on first use and kept. Modules that not every window needs are required through it, so
 * activation neither parses nor runs them:
 *
 *   const doctor = lazy(() => require('./doctor') as typeof import('./doctor'));
 *   doctor().doctorCommands(deps);
 *
 * The build (esbuild.config.mjs, `lazyEntries`) makes each such module a bundle of its own,
 * dist/lazy/<name>.js, that shares the modules the extension bundle already holds; it refuses a static
 * import of one. Under tsx (unit tests) the require loads the TypeScript module.
 */
export function lazy<T>(load: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: load() }).value;
}

/** `node:http`, for the servers that listen only on demand (the container credentials endpoint, an IAM Identity Center login). */
export const nodeHttp = lazy(() => require('node:http') as typeof import('node:http'));

/** `node:child_process`, for `aws-sessions exec` where it runs the command as a child (under a sh shim the shell runs it). */
export const nodeChildProcess = lazy(() => require('node:child_process') as typeof import('node:child_process'));
