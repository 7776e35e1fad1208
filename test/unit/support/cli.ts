/**
 * Builds, as esbuild.config.mjs does, the CLI bundle, the SDK bundle and test/support/ipcServe.ts (with
 * the SDK loaded lazily from sdk.js, like the extension) into a temp folder once per run; spawns servers.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { tempDir } from './tempDirs';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../../double';

let built: Promise<string> | undefined;

const lazySdk: esbuild.Plugin = {
  name: 'lazy-sdk',
  setup(build) {
    build.onResolve({ filter: /^\.\/sdk$/ }, (args) => (args.importer.includes(join('src', 'core', 'aws')) ? { path: './sdk.js', external: true } : undefined));
  },
};

function buildAll(): Promise<string> {
  built ??= (async () => {
    const dir = tempDir('aws-sessions-cli-');
    const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', outdir: dir } as const;
    await Promise.all([
      esbuild.build({ ...common, entryPoints: { cli: 'src/cli/main.ts', generate: 'src/cli/generateMain.ts', exec: 'src/cli/execMain.ts' }, banner: { js: '#!/usr/bin/env node' } }),
      esbuild.build({ ...common, entryPoints: { sdk: 'src/core/aws/sdk.ts' } }),
      esbuild.build({ ...common, entryPoints: { serve: 'test/support/ipcServe.ts' }, plugins: [lazySdk], supported: { 'dynamic-import': false } }),
    ]);
    return dir;
  })();
  return built;
}

/** Path of the built CLI bundle. */
export async function buildCli(): Promise<string> {
  return join(await buildAll(), 'cli.js');
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the process prints `serving`. */
  serving: Promise<void>;
  output: () => string;
}

/** Start the bundled test/support/ipcServe.ts in its own Node process (call buildCli() first). */
export async function spawnServer(storageDir: string, env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(await buildAll(), 'serve.js'), storageDir], { env: { ...process.env, SERVE_CLI: await buildCli(), ...env }, stdio: 'pipe' });
  let output = '';
  const serving = new Promise<void>((res, rej) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('serving')) res();
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => rej(new Error(`server exited (${code}): ${output}`)));
  });
  serving.catch(() => undefined);
  return { child, serving, output: () => output };
}

export function stopServer(p: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    p.child.once('exit', () => res());
    p.child.kill(signal);
  });
}

/** What a finished process printed and how it ended. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a program to its end with `input` on stdin; never rejects (a spawn error shows as a null status). */
export function runProcess(file: string, args: string[], env: Record<string, string>, input = '', timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (error) => (stderr += String(error)));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * The one fixture of the CLI tests: a temp HOME with an empty ~/.aws/config, the local AWS double (started
 * here with `awsOptions`), one serving endpoint process on that home speaking to the double, the shim.
 */
export interface CliFixture {
  aws: LocalAws;
  /** The environment the shim runs with: the home's AWS files, PATH, and this run's TMPDIR. */
  env: Record<string, string>;
  shim: string;
  server: ServerProcess;
  /** Runs the shim with `args` and `input` on stdin. */
  cli(args: string[], input?: string): Promise<Ran>;
  close(): Promise<void>;
}

export async function cliFixture(awsOptions: LocalAwsOptions = {}, serverEnv: Record<string, string> = {}): Promise<CliFixture> {
  const aws = await startLocalAws(awsOptions);
  try {
    const home = tempDir('aws-sessions-cli-home-');
    const storage = join(home, 'storage');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), '');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
    if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
    const server = await spawnServer(storage, { ...env, SERVE_STS_ENDPOINT: aws.endpoint, ...serverEnv });
    await server.serving;
    const shim = join(storage, 'bin', 'aws-sessions');
    return {
      aws,
      env,
      shim,
      server,
      cli: (args, input) => runProcess(shim, args, env, input),
      close: async () => {
        await stopServer(server);
        await aws.close();
      },
    };
  } catch (error) {
    await aws.close();
    throw error;
  }
}

/** For `exec`: a home with no AWS files and a stale AWS_PROFILE in the caller's environment, a server on the local AWS double, the IAM User session `bob` added through the shim. */
export interface ExecFixture {
  aws: LocalAws;
  home: string;
  env: Record<string, string>;
  server: ServerProcess;
  /** The JavaScript shim the server wrote. */
  shim: string;
  close(): Promise<void>;
}

export async function execFixture(prefix: string): Promise<ExecFixture> {
  const aws = await startLocalAws({ sso: false });
  const home = tempDir(prefix);
  mkdirSync(join(home, '.aws'));
  const env = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'), AWS_PROFILE: 'stale', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' };
  const server = await spawnServer(join(home, 'storage'), { ...env, SERVE_STS_ENDPOINT: aws.endpoint, SERVE_MODE: 'credentialsFile' });
  const close = async () => {
    await stopServer(server);
    await aws.close();
  };
  try {
    await server.serving;
    const shim = join(home, 'storage', 'bin', 'aws-sessions');
    const bob = aws.user('bob');
    const added = await runProcess(shim, ['add', '--type', 'iamUser', '--alias', 'bob', '--profile', 'bob', '--region', 'eu-west-1'], env, `${bob.accessKeyId}\n${bob.secretAccessKey}\n`);
    if (added.status !== 0) throw new Error(`adding bob failed: ${added.stderr}`);
    return { aws, home, env, server, shim, close };
  } catch (error) {
    await close();
    throw error;
  }
}
