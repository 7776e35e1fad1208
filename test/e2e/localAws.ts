/**
 * The local AWS double as the browser end-to-end tests use it (spawned; speaks the line protocol of
 * `npm run local-aws -- --port 0`), its MFA codes, and the hand-written ~/.aws the extension must not damage.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, spawnGroup } from '../../scripts/codeServer.mjs';
// ---------------------------------------------------------------------------------------------
// The local AWS double (spawned; speaks the line protocol of `npm run local-aws -- --port 0`)

export interface LocalAwsUser {
  name: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
  /** GET it for the current TOTP code of the user's MFA device. */
  mfaCodeUrl?: string;
}

export interface LocalAws {
  /** e.g. http://127.0.0.1:45678 */
  endpoint: string;
  users: LocalAwsUser[];
  /** The JSON line as printed. */
  line: string;
  process: ChildProcess;
  /** What the double printed after its JSON line (stdout + stderr). */
  output(): string;
  /** The user of that name; throws when absent. */
  user(name?: string): LocalAwsUser;
  stop(): Promise<void>;
}

export interface StartLocalAwsOptions {
  /** Command and args; default AWS_SESSIONS_LOCAL_AWS_CMD or `node scripts/local-aws.mjs --port 0`. */
  command?: string[];
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Starts the local AWS double as a child process and reads its first JSON line. */
export async function startLocalAws(options: StartLocalAwsOptions = {}): Promise<LocalAws> {
  const command =
    options.command ??
    (process.env.AWS_SESSIONS_LOCAL_AWS_CMD
      ? (JSON.parse(process.env.AWS_SESSIONS_LOCAL_AWS_CMD) as string[])
      : [process.execPath, join(REPO_ROOT, 'scripts', 'local-aws.mjs'), '--port', '0']);
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  const { child, stop } = spawnGroup(command[0], command.slice(1), {
    cwd: REPO_ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let line: string | undefined;
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (output += chunk));
  const gotLine = new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: string) => {
      if (line !== undefined) {
        output += chunk;
        return;
      }
      buffer += chunk;
      for (const candidate of buffer.split('\n').slice(0, -1)) {
        if (candidate.trim().startsWith('{')) {
          line = candidate.trim();
          output += buffer.slice(buffer.indexOf(candidate) + candidate.length + 1);
          resolve(line);
          return;
        }
        output += `${candidate}\n`;
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`local AWS double exited (${code}) before its JSON line:\n${output}`)));
    setTimeout(() => reject(new Error(`local AWS double printed no JSON line in time:\n${output}`)), options.timeoutMs ?? 30_000);
  });
  let json: string;
  try {
    json = await gotLine;
  } catch (error) {
    await stop();
    throw error;
  }
  const parsed = JSON.parse(json) as { endpoint: string; users: LocalAwsUser[] };
  return {
    endpoint: parsed.endpoint.replace(/\/$/, ''),
    users: parsed.users,
    line: json,
    process: child,
    output: () => output,
    user(name?: string) {
      const found = name === undefined ? parsed.users[0] : parsed.users.find((u) => u.name === name);
      if (!found) throw new Error(`the double has no user ${name ?? '(any)'}: ${parsed.users.map((u) => u.name).join(', ')}`);
      return found;
    },
    stop: () => stop(),
  };
}

/** The current MFA code of a double's user (reads its mfaCodeUrl; accepts text or {code}). */
export async function mfaCode(user: LocalAwsUser): Promise<string> {
  if (!user.mfaCodeUrl) throw new Error(`user ${user.name} has no MFA device`);
  const response = await fetch(user.mfaCodeUrl);
  const text = (await response.text()).trim();
  if (!response.ok) throw new Error(`GET ${user.mfaCodeUrl}: ${response.status} ${text}`);
  const match = /\b(\d{6})\b/.exec(text);
  if (!match) throw new Error(`no 6-digit code in ${JSON.stringify(text)}`);
  return match[1];
}

// ---------------------------------------------------------------------------------------------
// A hand-written ~/.aws that the extension must not damage

/** A config file as people write them: comments of both kinds, a foreign profile, odd values. */
export const FOREIGN_CONFIG = `# Written by hand. AWS Sessions must leave what it does not own byte for byte.
[default]
region = eu-west-1 ; where I work
output = json

; a profile another tool manages
[profile foreign]
region = us-west-2
# leading zeros must stay
cli_read_timeout = 0123
`;

/** A credentials file with one foreign (fake) key pair and comments. */
export const FOREIGN_CREDENTIALS = `# my old keys, not managed by AWS Sessions
[foreign]
aws_access_key_id = AKIAFOREIGNEXAMPLE01
aws_secret_access_key = foreign/Secret/Example/Key/0000000000000
; the end
`;

export interface AwsFiles {
  dir: string;
  configFile: string;
  credentialsFile: string;
}

/**
 * Writes the AWS files into `<home>/.aws` (or `<home>/elsewhere` when `viaEnv`, to be passed by
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE).
 */
export function writeAwsFiles(
  home: string,
  options: { config?: string; credentials?: string; viaEnv?: boolean } = {},
): AwsFiles {
  const dir = join(home, options.viaEnv ? 'elsewhere' : '.aws');
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(configFile, options.config ?? FOREIGN_CONFIG);
  writeFileSync(credentialsFile, options.credentials ?? FOREIGN_CREDENTIALS);
  return { dir, configFile, credentialsFile };
}
