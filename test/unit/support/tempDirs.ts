/**
 * Temp folders for unit tests that are removed when the test process exits, whatever the test did with
 * them (modes, sockets, another user's files: the tests run as root or as their owner).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
});

/** `mkdtempSync(<tmp>/<prefix>XXXXXX)`, removed at exit. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
