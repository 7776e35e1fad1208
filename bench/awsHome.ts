/** A throwaway HOME with an empty ~/.aws for a benchmark, and the environment that points the AWS CLI at it. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function benchHome(prefix: string, extra: NodeJS.ProcessEnv = {}, parent = os.tmpdir()): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(path.join(parent, prefix));
  mkdirSync(path.join(home, '.aws'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
    ...extra,
  };
  return { home, env };
}
