/** The local AWS double in its own process for the IAM Identity Center benchmarks, and its control routes. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `scripts/local-aws.mjs` with these arguments (after `--port 0`); resolves once it prints its endpoint. */
export async function startSsoDouble(args: readonly string[]): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ['scripts/local-aws.mjs', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`local-aws exited ${code}`)));
  });
  return { endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, stop: () => child.kill('SIGTERM') };
}

/** GET (no body) or POST a control route of the double (`sso/reset`, `sso/stats`, `sso/approve`). */
export async function doubleControl(endpoint: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${endpoint}/_double/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}
