/**
 * Temp folders for unit tests, removed after the run whatever the test did with them (modes, sockets, another
 * user's files: the tests run as root or as their owner): by the suite's root hook (`rootHooks.ts`, which also
 * gives the run its own TMPDIR and fails on leftovers), and at exit for a run without it (`--no-config`).
 * Every unit test that needs a folder makes it here, never with `mkdtemp` of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let total = 0;

/** How many folders tempDir() has made in this process. */
export const tempDirCount = (): number => total;

/** Removes every folder made so far; returns the ones that could not be removed, with the reason. */
export function removeTempDirs(): string[] {
  const failed: string[] = [];
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch (error) {
      failed.push(`${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed;
}

process.on('exit', () => void removeTempDirs());

/** `mkdtempSync(<tmp>/<prefix>XXXXXX)`, removed after the run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  total++;
  return dir;
}
