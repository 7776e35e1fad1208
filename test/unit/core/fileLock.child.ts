/** Child process for fileLock.test.ts: increments a counter file N times under the lock. */
import { promises as fs } from 'node:fs';
import { withLock } from '../../../src/core/fileLock';

async function main(): Promise<void> {
  const [lockPath, counterPath, times] = process.argv.slice(2);
  for (let i = 0; i < Number(times); i++) {
    await withLock(lockPath, async () => {
      const n = Number(await fs.readFile(counterPath, 'utf8'));
      await new Promise((r) => setImmediate(r)); // widen the race window
      await fs.writeFile(counterPath, String(n + 1));
    }, { timeoutMs: 30_000 });
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
