/**
 * Child process for awsFiles.concurrency.test.ts.
 *   host <home> <lock> <profile> <ops> <seed>: an extension host: AwsFiles apply / re-apply / revert
 *     of its own profile (credentials and region), under the shared lock; prints its final state.
 *   foreign <home> <lock> <ops>: another program (its own text edits, not AwsFiles): increments
 *     counters in the foreign profile of both files, read → edit → temp file → rename, under the
 *     same inter-process lock (the protocol a cooperating tool follows; SECURITY.md covers one that does not).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { AwsFiles } from '../../../../src/core/awsFiles/awsFiles';
import type { OwnedKeys } from '../../../../src/core/awsFiles/ownership';
import { fileLock, withLock } from '../../../../src/core/fileLock';

async function host(home: string, lock: string, profile: string, ops: number, seed: number): Promise<void> {
  const files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(lock, { timeoutMs: 60_000 }) });
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let owned: { credentials: OwnedKeys; config: OwnedKeys } | undefined;
  let last = '';
  for (let i = 0; i < ops; i++) {
    if (owned && random() < 0.3) {
      await files.revert(owned.config);
      await files.revert(owned.credentials);
      owned = undefined;
      last = '';
    } else {
      const key = `ASIA${profile.toUpperCase().padEnd(4, 'X')}${String(i).padStart(12, '0')}`;
      const values = { aws_access_key_id: key, aws_secret_access_key: `secret-${profile}-${i}`, aws_session_token: `token-${profile}-${i}` };
      const credentials = await files.applyCredentials(profile, values, owned?.credentials);
      const config = await files.applyConfig(profile, { region: i % 2 ? 'eu-west-1' : 'us-east-2' }, owned?.config);
      owned = { credentials, config };
      last = key;
    }
  }
  process.stdout.write(JSON.stringify({ profile, lastKey: last }) + '\n');
}

async function foreign(home: string, lock: string, ops: number): Promise<void> {
  const bump = (file: string, header: string, key: string): Promise<void> =>
    withLock(
      lock,
      async () => {
        const text = await fs.readFile(file, 'utf8');
        const re = new RegExp(`(${header.replace(/[[\]]/g, '\\$&')}\\r?\\n(?:[^\\[\\n][^\\n]*\\n)*?${key} = )(\\d+)`);
        if (!re.test(text)) throw new Error(`${key} not found in ${file}:\n${text}`);
        const next = text.replace(re, (_m, head: string, n: string) => `${head}${Number(n) + 1}`);
        const tmp = `${file}.foreign.${process.pid}.tmp`;
        await fs.writeFile(tmp, next);
        await fs.rename(tmp, file);
      },
      { timeoutMs: 60_000 },
    );
  for (let i = 0; i < ops; i++) {
    if (i % 2 === 0) await bump(join(home, '.aws', 'credentials'), '[foreign]', 'counter');
    else await bump(join(home, '.aws', 'config'), '[profile foreign]', 'cli_counter');
    await new Promise((r) => setTimeout(r, 2));
  }
  process.stdout.write(JSON.stringify({ foreignWrites: ops }) + '\n');
}

const [mode, ...args] = process.argv.slice(2);
(mode === 'host' ? host(args[0], args[1], args[2], Number(args[3]), Number(args[4])) : foreign(args[0], args[1], Number(args[2]))).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
