/**
 * The editor's CLI endpoint in a plain Node process, wired like src/extension.ts but without VS Code:
 * FileStateStore, AwsFiles + both deliveries, SessionService with the real SDK STS gateway, IAM Identity
 * Center (device-code login: it prints `device code <code>`), the shim,
 * the lease and the IPC server. Used by the unit tests (hand-over between processes) and the benchmark.
 *
 * Usage: node <bundle of this file>/serve.js <storageDir> (test/unit/support/cli.ts builds it with the lazy SDK)
 * Env: SERVE_STS_ENDPOINT (the local AWS double), SERVE_CLI (path of a built dist/cli.js), SERVE_MODE
 * (default delivery mode), SERVE_BROWSER (the browser of `console --isolated`; the double is the sign-in endpoint),
 * SERVE_ACQUIRE_DELAY_MS (a host too loaded to listen at once: the pause between
 * taking the lease and listening), AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, HOME.
 * Prints `serving <pid>` each time it starts serving; exits on SIGTERM after handing over.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageFiles } from '../../src/core/constants';
import { SessionService } from '../../src/core/sessionService';
import { SdkStsGateway } from '../../src/core/aws/sts';
import { SdkIamGateway } from '../../src/core/aws/iam';
import { AccessKeys } from '../../src/core/accessKeys';
import { FileStateStore } from '../../src/core/stateStore';
import { AwsFiles } from '../../src/core/awsFiles/awsFiles';
import { fileLock, withLock } from '../../src/core/fileLock';
import { CredentialsFileDelivery } from '../../src/core/fileDelivery';
import { CredentialProcessDelivery } from '../../src/core/processDelivery';
import { DeliveryRouter } from '../../src/core/delivery';
import { isDeliveryMode } from '../../src/core/model';
import { silentLogger, systemClock } from '../../src/core/ports';
import { ProfileService } from '../../src/core/profiles';
import { ipcPaths } from '../../src/core/ipc/paths';
import { IpcServer } from '../../src/core/ipc/server';
import { ServingLease } from '../../src/core/ipc/lease';
import { describeIpcError, sessionHandler } from '../../src/core/ipc/handlers';
import { ContainerCredentialsEndpoint } from '../../src/core/containerEndpoint';
import { shimFileName, writeShim } from '../../src/core/shim';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SecretVault } from '../../src/core/ports';
import { SsoAccess } from '../../src/core/sso/ssoAccess';
import { SsoService } from '../../src/core/sso/ssoService';
import { SsoPortal } from '../../src/core/sso/portal';
import { SdkOidcGateway } from '../../src/core/sso/oidc';
import { ConsoleSignIn } from '../../src/core/console/consoleSignIn';
import { SdkSsmGateway } from '../../src/core/aws/ssm';
import { SsmSessions } from '../../src/core/ssm/ssmSessions';
import { IsolatedConsoleBrowser } from '../../src/platform/consoleBrowser';

class JsonFileVault implements SecretVault {
  constructor(private readonly file: string) {}
  private all(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
  async get(key: string) {
    return this.all()[key];
  }
  async store(key: string, value: string) {
    writeFileSync(this.file, JSON.stringify({ ...this.all(), [key]: value }), { mode: 0o600 });
  }
  async delete(key: string) {
    const all = this.all();
    delete all[key];
    writeFileSync(this.file, JSON.stringify(all), { mode: 0o600 });
  }
}

const storageDir = process.argv[2];
if (!storageDir) throw new Error('usage: ipcServe.ts <storageDir>');

const paths = ipcPaths(join(storageDir, StorageFiles.ipcDir));
const binDir = join(storageDir, StorageFiles.binDir);
const shimPath = join(binDir, shimFileName());
const state = new FileStateStore({ filePath: join(storageDir, StorageFiles.state), lockPath: join(storageDir, StorageFiles.lock), onSetAside: (m) => console.error(m) });
const files = new AwsFiles({ env: process.env, homeDir: homedir(), lock: fileLock(join(storageDir, StorageFiles.awsFilesLock)) });
const endpoint = process.env.SERVE_STS_ENDPOINT;
const mode = process.env.SERVE_MODE;
// VS Code's SecretStorage is shared by every window: a 0600 JSON file stands in for it between these processes.
const secrets = new JsonFileVault(join(storageDir, 'test-secrets.json'));
const sts = new SdkStsGateway({ endpoint: () => endpoint });
// IAM Identity Center on the double, logged in with the device code (the test approves it in the double, as a user in the browser).
const portal = new SsoPortal({ endpoint: (region) => endpoint ?? `https://portal.sso.${region}.amazonaws.com` });
const ssoAccess = new SsoAccess({ state, secrets, oidc: new SdkOidcGateway({ endpoint: () => endpoint }), portal, clock: systemClock, logger: silentLogger, loginFlow: () => 'device' });
const service = new SessionService({
  state,
  secrets,
  sts,
  prompter: { askMfaCode: async () => undefined },
  clock: systemClock,
  logger: process.env.SERVE_DEBUG ? { debug: (m: string) => console.error(m), info: (m: string) => console.error(m), warn: (m: string) => console.error(m), error: (m: string) => console.error(m) } : silentLogger,
  delivery: new DeliveryRouter({ credentialsFile: new CredentialsFileDelivery(files), credentialProcess: new CredentialProcessDelivery(files, () => shimPath) }),
  defaultDeliveryMode: () => (isDeliveryMode(mode) ? mode : 'credentialsFile'),
  sso: ssoAccess,
  generationLock: (id, fn) => withLock(join(storageDir, `${StorageFiles.generateLockPrefix}${id}.lock`), fn, { timeoutMs: 30_000 }),
});
// The credentials endpoint, as the extension wires it (exec/export --endpoint); it listens on first use.
const credentialsEndpoint = new ContainerCredentialsEndpoint({ resolver: service.resolver, state, logger: silentLogger });
const checked = new Map<string, number>();
const accessKeys = new AccessKeys({
  state,
  secrets,
  sts,
  iam: new SdkIamGateway({ endpoint: () => endpoint }),
  clock: systemClock,
  logger: silentLogger,
  checks: { get: (id) => checked.get(id), set: async (id, at) => void checked.set(id, at) },
  verifyDelayMs: 100,
});
const sso = new SsoService({ state, secrets, portal, clock: systemClock, logger: silentLogger, access: ssoAccess, stopSession: (id) => service.lifecycle.stop(id) });
const integrations = {
  sso,
  loginState: (id: string) => ssoAccess.loginState(id),
  login: (integration: { id: string }) =>
    ssoAccess.login(integration.id, {
      signal: new AbortController().signal,
      report: () => undefined,
      showDeviceCode: (auth) => void process.stdout.write(`device code ${auth.userCode}\n`),
      openUrl: async () => true,
    }),
};
// The web console (as the extension wires it, the browser given) and SSM, both against the double.
const signIn = new ConsoleSignIn({
  state,
  resolver: service.resolver,
  secrets,
  sts,
  prompter: { askMfaCode: async () => undefined },
  clock: systemClock,
  logger: silentLogger,
  fetch: (url, init) => fetch(url, init),
  hostOverrides: () => ({ federationEndpoint: endpoint, consoleEndpoint: endpoint }),
  sessionDurationSeconds: () => 3600,
});
const isolated = new IsolatedConsoleBrowser({ storageDir, browserPath: () => process.env.SERVE_BROWSER, extraArgs: () => [], logger: silentLogger });
const openConsole = async (id: string, open: boolean, isolatedProfile?: boolean) => {
  const link = await signIn.link(id);
  if (!open || !isolatedProfile) return { url: link.url, opened: false };
  await isolated.open(await signIn.session(id), link.url);
  return { url: link.url, opened: true };
};
const ssmSessions = new SsmSessions({ state, resolver: service.resolver, ssm: new SdkSsmGateway({ endpoint: () => endpoint }), logger: silentLogger, endpoint: () => endpoint });
const server = new IpcServer({
  paths,
  handler: sessionHandler(service, new ProfileService({ state, lifecycle: service.lifecycle, logger: silentLogger }), openConsole, { accessKeys, endpointVariables: (id) => credentialsEndpoint.variables(id), integrations, ssmSessions }),
  describeError: describeIpcError,
});
const lease = new ServingLease({
  paths,
  onAcquire: async () => {
    const delay = Number(process.env.SERVE_ACQUIRE_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    await server.listen();
    process.stdout.write(`serving ${process.pid}\n`);
  },
  onRelease: () => server.close(),
  whileServing: () => server.check(),
  onLog: process.env.SERVE_DEBUG ? (m) => console.error(m) : undefined,
});

void (async () => {
  if (process.env.SERVE_CLI) await writeShim(binDir, { nodePath: process.execPath, cliPath: process.env.SERVE_CLI, generatePath: join(dirname(process.env.SERVE_CLI), 'generate.js'), execPath: join(dirname(process.env.SERVE_CLI), 'exec.js'), ipcDir: paths.dir, electron: false });
  await service.lifecycle.recoverInterrupted();
  await lease.start();
  process.stdout.write(`started ${process.pid}\n`);
})();

const keepAlive = setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => {
  void lease.dispose().then(() => {
    clearInterval(keepAlive);
    state.dispose();
    process.exit(0);
  });
});
