/**
 * Child process of crash.kill.test.ts (bundled by the test, so it starts in a few tens of ms):
 *   <home> <storage> <seed> <session ids…>
 * Prints "ready" once loaded, waits for a line on stdin (so the test can load the next child while it
 * checks the last kill), then starts, refreshes and stops the sessions in a random order until it is
 * killed, printing "op <ms>" after each operation.
 */
import { wire } from './wiring';

async function main(): Promise<void> {
  const [home, storage, seedText, ...ids] = process.argv.slice(2);
  const { service, state } = wire(home, storage, ids);
  let seed = Number(seedText) || 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (;;) {
    const began = Date.now();
    const id = ids[Math.floor(random() * ids.length)];
    const active = (await state.read()).active[id];
    if (!active) await service.start(id);
    else if (random() < 0.6) await service.refresh(id, 1);
    else await service.stop(id);
    process.stdout.write(`op ${Date.now() - began}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(2);
});
