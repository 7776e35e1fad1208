/** Polls `probe` until it returns a value (not undefined): `tries` times, `intervalMs` apart; then throws naming `what`. */
export async function until<T>(what: string, probe: () => T | undefined, tries = 100, intervalMs = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
