/**
 * Child process for fileLock.test.ts: takes the lock, but stops for good the moment the lock file first
 * exists under its name (whether made by an exclusive create or by a link), prints "created" and waits
 * to be killed: the worst moment of lock creation.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { withLock } from '../../../src/core/fileLock';

const lockPath = path.resolve(process.argv[2]);
const stop = (): Promise<never> => {
  process.stdout.write('created\n');
  return new Promise(() => undefined);
};
const open = fs.open;
fs.open = (async (p: Parameters<typeof open>[0], ...rest: unknown[]) => {
  const handle = await (open as (...a: unknown[]) => ReturnType<typeof open>)(p, ...rest);
  return path.resolve(String(p)) === lockPath ? stop() : handle;
}) as typeof open;
const link = fs.link;
fs.link = async (from, to) => {
  await link(from, to);
  if (path.resolve(String(to)) === lockPath) await stop();
};
setInterval(() => undefined, 60_000); // stay alive while stopped
void withLock(lockPath, async () => undefined, { timeoutMs: 30_000 });
