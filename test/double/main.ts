/**
 * `npm run local-aws -- [--port 0] [--host 127.0.0.1] [--seed file.json] [--latency-ms N]
 *   [--credential-seconds N] [--role-max-session-seconds N]`
 * Prints exactly one JSON line on stdout once listening (endpoint and seeded users), a human
 * summary on stderr, and runs until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSeed, startLocalAws, type ReadyLine } from './index';

const USAGE = `usage: local-aws [--port <n>] [--host <addr>] [--seed <file.json>] [--latency-ms <n>]
                 [--credential-seconds <n>] [--role-max-session-seconds <n>]
                 [--accounts <n>] [--roles <n>] [--colliding-names] [--throttle-rps <n>] [--throttle-burst <n>]
                 [--retry-after <seconds>] [--sso-token-seconds <n>]`;

function intFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new Error(`--${name} must be an integer >= ${min}`);
  }
  return Number(value);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'latency-ms': { type: 'string' },
      'credential-seconds': { type: 'string' },
      'role-max-session-seconds': { type: 'string' },
      accounts: { type: 'string' },
      roles: { type: 'string' },
      'throttle-rps': { type: 'string' },
      'throttle-burst': { type: 'string' },
      'retry-after': { type: 'string' },
      'sso-token-seconds': { type: 'string' },
      'colliding-names': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(USAGE + '\n');
    return;
  }
  const double = await startLocalAws({
    port: intFlag('port', values.port, 0),
    host: values.host,
    seed: values.seed ? parseSeed(JSON.parse(readFileSync(values.seed, 'utf8'))) : undefined,
    latencyMs: intFlag('latency-ms', values['latency-ms'], 0),
    credentialSeconds: intFlag('credential-seconds', values['credential-seconds'], 1),
    roleMaxSessionSeconds: intFlag('role-max-session-seconds', values['role-max-session-seconds'], 3600),
    sso: definedOnly({
      accounts: intFlag('accounts', values.accounts, 0),
      roles: intFlag('roles', values.roles, 0),
      throttleRps: intFlag('throttle-rps', values['throttle-rps'], 0),
      throttleBurst: intFlag('throttle-burst', values['throttle-burst'], 1),
      retryAfterSeconds: intFlag('retry-after', values['retry-after'], 0),
      accessTokenSeconds: intFlag('sso-token-seconds', values['sso-token-seconds'], 1),
      collidingNames: values['colliding-names'],
    }),
  });
  const ready: ReadyLine = { endpoint: double.endpoint, users: double.users, ssoStartUrl: double.ssoStartUrl };
  process.stdout.write(JSON.stringify(ready) + '\n');
  process.stderr.write(
    `local-aws: listening on ${double.endpoint} (control endpoints under ${double.endpoint}/_double/)\n` +
      double.users
        .map((u) => `  ${u.name} ${u.accessKeyId}${u.mfaSerial ? ` mfa ${u.mfaSerial} secret ${u.mfaSecretBase32}` : ''}`)
        .join('\n') +
      `\n  IAM Identity Center: start URL ${double.ssoStartUrl}, ${double.sso.settings.accounts} accounts × ${double.sso.settings.roles} roles` +
      (double.sso.settings.throttleRps ? `, throttle ${double.sso.settings.throttleRps} rps burst ${double.sso.settings.throttleBurst}` : '') +
      `; approve device codes at ${double.endpoint}/device or POST ${double.endpoint}/_double/sso/approve\n`,
  );
  const stop = (): void => {
    void double.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`local-aws: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
});
