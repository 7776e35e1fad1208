/**
 * Child process of kill.test.ts (bundled by the test, so it starts in a few tens of ms):
 *   <home> <storage> <seed> one|batch <session ids…>
 * Prints "ready" once loaded and waits for a line on stdin (the test loads the next child while it
 * checks the last kill). Then it starts, refreshes and stops the sessions in a random order until it is
 * killed, printing "begin" before and "op <ms>" after each operation. `batch`: each operation acts on every
 * session at once (starts of the inactive ones, else refreshes or stops of all), starts and refreshes in one
 * delivery group, so their deliveries go together.
 */
import { wire } from './wiring';

async function timed(what: () => Promise<unknown>): Promise<void> {
  const began = Date.now();
  process.stdout.write('begin\n');
  await what();
  process.stdout.write(`op ${Date.now() - began}\n`);
}

async function main(): Promise<void> {
  const [home, storage, seedText, mode, ...ids] = process.argv.slice(2);
  const { service, state } = wire(home, storage, ids);
  let seed = Number(seedText) || 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  while (mode === 'batch') {
    await timed(async () => {
      const { active } = await state.read();
      const inactive = ids.filter((id) => !active[id]);
      if (inactive.length) {
        const slots = service.lifecycle.deliveryGroup(inactive.length);
        await Promise.all(inactive.map((id, i) => service.lifecycle.start(id, slots[i])));
      } else if (random() < 0.6) {
        const slots = service.lifecycle.deliveryGroup(ids.length);
        await Promise.all(ids.map((id, i) => service.lifecycle.refresh(id, slots[i])));
      } else await Promise.all(ids.map((id) => service.lifecycle.stop(id)));
    });
  }
  for (;;) {
    const id = ids[Math.floor(random() * ids.length)];
    await timed(async () => {
      const active = (await state.read()).active[id];
      if (!active) await service.lifecycle.start(id);
      else if (random() < 0.6) await service.lifecycle.refresh(id);
      else await service.lifecycle.stop(id);
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(2);
});
