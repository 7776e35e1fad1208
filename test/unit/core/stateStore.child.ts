/** Child process for stateStore.test.ts: adds one profile per argument through update(). */
import { FileStateStore } from '../../../src/core/stateStore';

async function main(): Promise<void> {
  const [file, ...names] = process.argv.slice(2);
  const store = new FileStateStore({ filePath: file, newId: () => 'default-id' });
  for (const name of names) {
    await store.update((s) => {
      s.profiles.push({ id: `id-${name}`, name });
    });
  }
  store.dispose();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
