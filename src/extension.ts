/** Wires VS Code to the core: secret vault, shared state, prompts, tree, form, status bar, terminal. */
import { loadedAt } from './activationClock';
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AWS_SAML_SIGNIN_URLS, ContextKeys, EnvOverrides, SESSIONS_VIEW_ID, SETTINGS_SECTION, Settings, StorageFiles } from './core/constants';
import type { PersistedState } from './core/model';
import { SessionService } from './core/sessionService';
import { SdkStsGateway } from './core/aws/sts';
import { resolveEndpoint } from './core/aws/endpoints';
import { systemClock } from './core/ports';
import { FileStateStore } from './core/stateStore';
import { AwsFiles } from './core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from './core/fileDelivery';
import { CredentialProcessDelivery } from './core/processDelivery';
import { DeliveryRouter } from './core/delivery';
import { fileLock, withLock } from './core/fileLock';
import { VsCodeSecretVault } from './platform/secretVault';
import { VsCodePrompter } from './platform/prompter';
import { OutputChannelLogger } from './platform/logger';
import { defaultDeliveryMode, defaultRegion, endpointSettings } from './platform/settings';
import { CliHost } from './ipc/cliHost';
import { SessionTreeProvider } from './tree/sessionTree';
import { setViewContext, setViewLoadFailed } from './tree/viewContext';
import { StatusBar } from './statusBar';
import { TerminalEnvironment } from './terminal';
import { registerCommands, report } from './commands';
import { registerProfileCommands } from './profileCommands';
import { ProfileService } from './core/profiles';
import { RotationScheduler } from './core/rotation';
import { BrowserSamlCapture } from './platform/samlBrowser';
import { samlBrowserPath } from './platform/settings';
import { askSamlPaste, withCancellableProgress } from './platform/prompter';
import { seedDemoSessions } from './demoSeed';
import { ConsoleSignIn } from './core/console/consoleSignIn';
import { openConsoleUrl, registerConsoleCommands } from './consoleCommands';
import { consoleSessionDuration } from './platform/settings';
import { registerDoctorCommands } from './doctorCommands';
import { registerImportCommands } from './importCommands';
import { SdkOidcGateway } from './core/sso/oidc';
import { SsoPortal } from './core/sso/portal';
import { SsoService } from './core/sso/ssoService';
import { askToLogin, loginFlow, refreshLoginStates, registerSsoCommands } from './ssoCommands';

/** What activate() returns: used by the extension-host tests. */
export interface AwsSessionsApi {
  /** Settles when the saved sessions have been read and shown once. */
  ready: Promise<void>;
  service: SessionService;
  profiles: ProfileService;
  stateFile: string;
  credentialsFile: string;
  configFile: string;
  /** The integrated terminal's environment collection (read-only use by tests). */
  terminalEnvironment: vscode.GlobalEnvironmentVariableCollection;
  /** The sessions tree (read-only use by tests and benchmarks). */
  tree: SessionTreeProvider;
  /** IAM Identity Center integrations. */
  sso: SsoService;
  /** The CLI shim, its folder (on PATH in terminals) and the IPC endpoint. */
  cli: CliHost;
}

let cliHost: CliHost | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<AwsSessionsApi> {
  const activateStart = performance.now();
  const channel = vscode.window.createOutputChannel('AWS Sessions', { log: true });
  context.subscriptions.push(channel);
  const logger = new OutputChannelLogger(channel);

  const storageDir = context.globalStorageUri.fsPath;
  mkdirSync(storageDir, { recursive: true, mode: 0o700 });
  const state = new FileStateStore({ filePath: join(storageDir, StorageFiles.state), lockPath: join(storageDir, StorageFiles.lock) });
  context.subscriptions.push(state);
  const signInUrls = () => process.env[EnvOverrides.samlSignInUrls]?.split(',').map((u) => u.trim()).filter(Boolean) ?? [...AWS_SAML_SIGNIN_URLS];
  const saml = new BrowserSamlCapture({
    profileDir: join(storageDir, StorageFiles.samlBrowserProfile),
    browserPath: samlBrowserPath,
    signInUrls,
    headless: () => process.env[EnvOverrides.samlHeadless] === '1',
    askPaste: askSamlPaste,
    withProgress: withCancellableProgress,
    logger,
  });
  const files = new AwsFiles({ env: process.env, homeDir: homedir(), lock: fileLock(join(storageDir, StorageFiles.awsFilesLock)) });

  let shimPath = '';
  const secrets = new VsCodeSecretVault(context.secrets);
  const sts = new SdkStsGateway({ endpoint: () => resolveEndpoint('sts', endpointSettings(), process.env) });
  const prompter = new VsCodePrompter();
  // Created below; SessionService asks it for the role credentials of IAM Identity Center sessions.
  let sso: SsoService | undefined;
  const service = new SessionService({
    state,
    secrets,
    sso: { roleCredentials: (session, options) => sso!.roleCredentials(session, options) },
    sts,
    prompter,
    clock: systemClock,
    logger,
    delivery: new DeliveryRouter({ credentialsFile: new CredentialsFileDelivery(files), credentialProcess: new CredentialProcessDelivery(files, () => shimPath) }),
    saml,
    defaultDeliveryMode,
    // One window generates a session's credentials at a time: a second waits, then reuses the cached token.
    generationLock: (sessionId, fn) => withLock(join(storageDir, `${StorageFiles.generateLockPrefix}${sessionId}.lock`), fn, { timeoutMs: 330_000 }),
  });
  const profiles = new ProfileService({ state, service, logger });
  // `aws-sessions console`: the console sign-in made below, opened from this window.
  const openConsoleForCli = async (sessionId: string, open: boolean) => {
    const link = await signIn.link(sessionId);
    if (!open) return { url: link.url, opened: false };
    return { url: link.openUrl, opened: await openConsoleUrl(link.openUrl) };
  };
  const cli = new CliHost({ storageDir, extensionPath: context.extensionPath, service, profiles, logger, openConsole: openConsoleForCli });
  shimPath = cli.shimPath;
  cliHost = cli;
  context.subscriptions.push(cli);
  sso = new SsoService({
    state,
    secrets,
    oidc: new SdkOidcGateway({ endpoint: () => resolveEndpoint('ssoOidc', endpointSettings(), process.env) }),
    portal: new SsoPortal({ endpoint: (region) => resolveEndpoint('sso', endpointSettings(), process.env) ?? `https://portal.sso.${region}.amazonaws.com` }),
    clock: systemClock,
    logger,
    stopSession: (id) => service.stop(id),
    loginFlow,
    interactiveLogin: (integration, reason, login) => askToLogin(sso!, logger, integration, reason, login),
  });
  const ssoService = sso;
  const rotation = new RotationScheduler({
    service,
    clock: systemClock,
    logger,
    notify: (message) => void vscode.window.showWarningMessage(`AWS Sessions: ${message}`),
  });
  context.subscriptions.push(rotation);

  const mode = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.treeViewMode) === 'flat' ? 'flat' : 'grouped';
  const tree = new SessionTreeProvider(mode);
  const view = vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new StatusBar();
  const terminal = new TerminalEnvironment(context.environmentVariableCollection, { credentialsFor: (id) => service.currentCredentials(id), binDir: cli.binDir });
  // Icons turn "expiring" and "expired" with time, not only with state changes.
  const ticker = setInterval(() => tree.tick(), 30_000);
  context.subscriptions.push(tree, view, statusBar, terminal, { dispose: () => clearInterval(ticker) });
  void vscode.commands.executeCommand('setContext', ContextKeys.viewMode, mode);

  const render = (snapshot: PersistedState) => {
    service.forgetInactive(snapshot);
    tree.update(snapshot);
    statusBar.update(snapshot);
    void terminal.update(snapshot);
    void setViewContext(snapshot);
    void refreshLoginStates(ssoService, tree.sso, snapshot, () => tree.refresh());
  };
  const refresh = async () => render(await state.read());
  context.subscriptions.push(state.onDidChange(render));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS_SECTION)) void refresh();
    }),
  );

  context.subscriptions.push(
    ...registerCommands({
      extensionUri: context.extensionUri,
      service,
      logger,
      defaultRegion,
      tree,
      view,
      showLog: () => channel.show(),
      refresh,
    }),
  );

  context.subscriptions.push(
    ...registerProfileCommands({
      service,
      profiles,
      signInUrls,
      report: async (what, error) => report({ logger, showLog: () => channel.show() }, what, error),
    }),
  );
  const report7 = async (what: string, error: unknown) => report({ logger, showLog: () => channel.show() }, what, error);
  const signIn = new ConsoleSignIn({
    service,
    secrets,
    sts,
    prompter,
    clock: systemClock,
    logger,
    fetch: (url, init) => fetch(url, init),
    hostOverrides: () => ({ federationEndpoint: process.env[EnvOverrides.federationEndpoint], consoleEndpoint: process.env[EnvOverrides.consoleEndpoint] }),
    sessionDurationSeconds: consoleSessionDuration,
  });
  context.subscriptions.push(
    ...registerConsoleCommands({ service, signIn, report: report7 }),
    ...registerDoctorCommands({
      service,
      logger,
      terminalCollection: context.environmentVariableCollection,
      stsUrl: () => resolveEndpoint('sts', endpointSettings(), process.env) ?? 'https://sts.amazonaws.com',
      report: report7,
    }),
    ...registerImportCommands({
      service,
      files,
      clock: systemClock,
      logger,
      createIntegration: async (item) => void (await ssoService.addIntegration({ alias: item.name, startUrl: item.startUrl, ssoRegion: item.ssoRegion })),
      report: report7,
    }),
  );
  context.subscriptions.push(
    ...registerSsoCommands({
      extensionUri: context.extensionUri,
      sso: ssoService,
      state,
      logger,
      decorations: tree.sso,
      refreshTree: () => tree.refresh(),
      defaultRegion,
      report: async (what, error) => report({ logger, showLog: () => channel.show() }, what, error),
    }),
    ssoService.onDidChangeLogin(() => void state.read().then((s) => refreshLoginStates(ssoService, tree.sso, s, () => tree.refresh()))),
  );
  rotation.start();
  // The shim and the CLI endpoint do not hold up activation either: the first lease poll runs right after.
  void cli.start().catch((error: unknown) => {
    logger.error(`The command line (aws-sessions, credential_process) is unavailable: ${error instanceof Error ? error.message : String(error)}`);
  });

  // The first read of the sessions does not hold up activation: the views fill when it lands.
  const firstRender = refresh().catch((error: unknown) => {
    void setViewLoadFailed();
    logger.error(`Could not read the sessions: ${error instanceof Error ? error.message : String(error)}`);
    void vscode.window.showErrorMessage(`AWS Sessions: could not read the saved sessions (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`);
  });
  const demoSeed = process.env[EnvOverrides.demoSeed];
  if (demoSeed) void firstRender.then(() => seedDemoSessions(demoSeed, service, logger));

  const activated = performance.now();
  void firstRender.then(() => {
    const timing = {
      loadMs: activateStart - loadedAt,
      activateMs: activated - activateStart,
      readyMs: performance.now() - loadedAt,
      sessions: tree.current?.total ?? 0,
    };
    logger.info(`Activated in ${(timing.loadMs + timing.activateMs).toFixed(1)} ms; ${timing.sessions} sessions shown after ${timing.readyMs.toFixed(1)} ms.`);
    const activationLog = process.env[EnvOverrides.activationLog];
    if (activationLog) appendFileSync(activationLog, `${JSON.stringify(timing)}\n`);
  });

  return { ready: firstRender, service, profiles, stateFile: join(storageDir, StorageFiles.state), credentialsFile: files.credentialsPath, configFile: files.configPath, terminalEnvironment: context.environmentVariableCollection, tree, sso: ssoService, cli };
}

export async function deactivate(): Promise<void> {
  // Hand the IPC endpoint over at once (another window takes it on its next poll); the rest is disposed through context.subscriptions.
  await cliHost?.disposeAsync();
  cliHost = undefined;
}
