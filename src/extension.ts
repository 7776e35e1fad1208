/**
 * The composition root: builds the services in dependency order (each from what exists already, no
 * late binding), the views of the shared state, and the commands. Every Disposable goes to
 * `context.subscriptions`.
 *
 *   ports (state, vault, prompts, AWS files, STS, SAML) → delivery → SSO access → sessions
 *   → SSO integrations (they stop sessions) → profiles, console sign-in → CLI host, rotation → views → commands
 */
import { loadedAt } from './activationClock';
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ACCESS_KEY_CHECKED_PREFIX, AWS_SAML_SIGNIN_URLS, DEFAULT_REFRESH_AFTER_FRACTION, EnvOverrides, StorageFiles } from './core/constants';
import { errorMessage } from './core/errors';
import { SessionService } from './core/sessionService';
import { SdkStsGateway } from './core/aws/sts';
import { ClockSkew } from './core/clockSkew';
import { resolveEndpoint } from './core/aws/endpoints';
import { systemClock } from './core/ports';
import { FileStateStore } from './core/stateStore';
import { AwsFiles } from './core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from './core/fileDelivery';
import { CredentialProcessDelivery } from './core/processDelivery';
import { DeliveryRouter } from './core/delivery';
import { fileLock, withLock } from './core/fileLock';
import { ProfileService } from './core/profiles';
import { RotationScheduler } from './core/rotation';
import { ContainerCredentialsEndpoint } from './core/containerEndpoint';
import { ConsoleSignIn } from './core/console/consoleSignIn';
import { removeConsoleProfile } from './core/console/isolated';
import { SdkOidcGateway } from './core/sso/oidc';
import { SsoPortal } from './core/sso/portal';
import { SsoAccess } from './core/sso/ssoAccess';
import { SsoService } from './core/sso/ssoService';
import { newId } from './core/ids';
import { DeclaredSessions } from './declaredSessions';
import { CliTokenCache, normalStartUrl } from './core/sso/cliTokenCache';
import { VsCodeSecretVault } from './platform/secretVault';
import { YubiKeyOath } from './core/yubikey';
import { VsCodePrompter, askSamlPaste, withCancellableProgress } from './platform/prompter';
import { OutputChannelLogger } from './platform/logger';
import { accessKeyMaxAgeDays, consoleBrowser, consoleSessionDuration, defaultDeliveryMode, defaultRegion, endpointSettings, loginFlow, refreshAfterFraction, samlBrowserPath, ssoCliLoginSharing, ssoProfileNameTemplate } from './platform/settings';
import { BrowserSamlCapture } from './platform/samlBrowser';
import { SharedSamlCapture } from './core/saml/sharedCapture';
import { askToLogin, cliIntegrations } from './platform/ssoLogin';
import { CliHost, cliLocations } from './ipc/cliHost';
import { setViewLoadFailed } from './tree/viewContext';
import { SessionTreeProvider } from './tree/sessionTree';
import { StateViews } from './stateViews';
import { CommandGuard } from './commandGuard';
import { DebugEnvironmentProvider } from './debugEnvironment';
import { consoleOpener, registerCommands, remindAgedKeys } from './commands';
import { setL10nBundle } from './core/l10n';
import { AccessKeys } from './core/accessKeys';
import { SdkIamGateway } from './core/aws/iam';
import { SdkSsmGateway } from './core/aws/ssm';
import { IsolatedConsoleBrowser } from './platform/consoleBrowser';
import { SsmSessions } from './core/ssm/ssmSessions';
import { reporter, warn } from './commands/report';
import { seedDemoSessions } from './demoSeed';
import { t } from './core/l10n';

/** What activate() returns: used by the extension-host tests. */
export interface AwsSessionsApi {
  /** Settles when the saved sessions have been read and shown once. */
  ready: Promise<void>;
  /** The sessions: `state`, `editor`, `lifecycle`, `resolver`. */
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
  /** IAM Identity Center logins and tokens. */
  ssoAccess: SsoAccess;
  /** The CLI shim, its folder (on PATH in terminals) and the IPC endpoint. */
  cli: CliHost;
  /** The container credentials endpoint (listens once something asks for a session's variables). */
  credentialsEndpoint: ContainerCredentialsEndpoint;
  /** A line in the extension's log (the loader, src/main.ts, tells what became of the code cache). */
  log(message: string): void;
}

let cliHost: CliHost | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<AwsSessionsApi> {
  const activateStart = performance.now();
  // The core, the CLI host and the pages translate with the bundle VS Code loaded for the editor's language.
  setL10nBundle(vscode.l10n.bundle);
  const own = <T extends vscode.Disposable>(d: T): T => (context.subscriptions.push(d), d);
  const channel = own(vscode.window.createOutputChannel('AWS Sessions', { log: true }));
  const logger = new OutputChannelLogger(channel);
  const showLog = () => channel.show();
  const report = reporter(logger, showLog);

  // The editor's ports: shared state, secrets, prompts, the AWS files, STS and the SAML sign-in.
  const storageDir = context.globalStorageUri.fsPath;
  mkdirSync(storageDir, { recursive: true, mode: 0o700 });
  const state = own(
    new FileStateStore({
      filePath: join(storageDir, StorageFiles.state),
      lockPath: join(storageDir, StorageFiles.lock),
      onSetAside: (message) => {
        logger.warn(message);
        warn(message);
      },
    }),
  );
  const secrets = new VsCodeSecretVault(context.secrets);
  const prompter = new VsCodePrompter(new YubiKeyOath({ env: process.env }));
  const clock = systemClock;
  const files = new AwsFiles({ env: process.env, homeDir: homedir(), lock: fileLock(join(storageDir, StorageFiles.awsFilesLock)) });
  const stsUrl = () => resolveEndpoint('sts', endpointSettings(), process.env);
  // Measured on every STS and portal answer: expiry times follow AWS's clock; a skew of minutes is told once.
  const skew = new ClockSkew({ clock, logger, notify: warn });
  const sts = new SdkStsGateway({ endpoint: stsUrl, skew });
  const signInUrls = () => process.env[EnvOverrides.samlSignInUrls]?.split(',').map((u) => u.trim()).filter(Boolean) ?? [...AWS_SAML_SIGNIN_URLS];
  // Sessions behind one IdP sign-in URL share one browser round trip while the assertion is valid.
  const browserSaml = new BrowserSamlCapture({
    profileDir: join(storageDir, StorageFiles.samlBrowserProfile),
    browserPath: samlBrowserPath,
    signInUrls,
    headless: () => process.env[EnvOverrides.samlHeadless] === '1',
    askPaste: askSamlPaste,
    withProgress: withCancellableProgress,
    logger,
  });
  const saml = new SharedSamlCapture(browserSaml, clock);

  // Delivery: credential_process entries name the CLI shim, whose path is fixed by the storage folder.
  const { binDir, shimPath } = cliLocations(storageDir);
  const delivery = new DeliveryRouter({ credentialsFile: new CredentialsFileDelivery(files), credentialProcess: new CredentialProcessDelivery(files, () => shimPath) });

  // IAM Identity Center logins and tokens: the sessions of its roles get their credentials here.
  const portal = own(new SsoPortal({ endpoint: (region) => resolveEndpoint('sso', endpointSettings(), process.env) ?? `https://portal.sso.${region}.amazonaws.com`, skew }));
  const ssoAccess = new SsoAccess({
    state,
    secrets,
    oidc: new SdkOidcGateway({ endpoint: () => resolveEndpoint('ssoOidc', endpointSettings(), process.env) }),
    portal,
    clock,
    logger,
    loginFlow,
    interactiveLogin: (integration, reason, login) => askToLogin(logger, integration, reason, login),
    cliTokens: new CliTokenCache({
      dir: join(homedir(), '.aws', 'sso', 'cache'),
      readEnabled: () => ssoCliLoginSharing().read,
      writeEnabled: () => ssoCliLoginSharing().write,
      ssoSessionNames: async (startUrl, region) =>
        [...(await files.ssoSessions())]
          .filter(([, v]) => normalStartUrl(v.sso_start_url ?? '') === normalStartUrl(startUrl) && (v.sso_region ?? region) === region)
          .map(([name]) => name),
      warn: (message) => logger.warn(message),
    }),
  });
  const service = own(
    new SessionService({
      state,
      secrets,
      sso: ssoAccess,
      sts,
      prompter,
      clock,
      logger,
      delivery,
      saml,
      defaultDeliveryMode,
      forgetLocalData: (sessionId) => removeConsoleProfile(storageDir, sessionId),
      // One window generates a session's credentials at a time: a second waits, then reuses the cached token.
      generationLock: (sessionId, fn) => withLock(join(storageDir, `${StorageFiles.generateLockPrefix}${sessionId}.lock`), fn, { timeoutMs: 330_000 }),
    }),
  );
  // Integrations stop the sessions a sync, logout or delete takes away.
  const sso = new SsoService({
    state,
    secrets,
    portal,
    clock,
    logger,
    access: ssoAccess,
    stopSession: (id) => service.lifecycle.stop(id),
    moveToProfile: (id, profileName) => service.editor.relocate(id, { profileName }),
    naming: async () => ({ template: ssoProfileNameTemplate(), defaultRegion: defaultRegion(), namesInFiles: await files.listProfiles() }),
  });
  const profiles = new ProfileService({ state, lifecycle: service.lifecycle, logger });
  // A project's .vscode/aws-sessions.json: offered once per change, in trusted workspaces only.
  const declared = own(new DeclaredSessions({ state, editor: service.editor, sso, newId, logger, memento: context.workspaceState, defaultRegion }));
  const signIn = new ConsoleSignIn({
    state,
    resolver: service.resolver,
    secrets,
    sts,
    prompter,
    clock,
    logger,
    fetch: (url, init) => fetch(url, init),
    hostOverrides: () => ({ federationEndpoint: process.env[EnvOverrides.federationEndpoint], consoleEndpoint: process.env[EnvOverrides.consoleEndpoint] }),
    sessionDurationSeconds: consoleSessionDuration,
  });
  const accessKeys = new AccessKeys({
    state,
    secrets,
    sts,
    iam: new SdkIamGateway({ endpoint: () => resolveEndpoint('iam', endpointSettings(), process.env) }),
    clock,
    logger,
    checks: { get: (id) => context.globalState.get<number>(`${ACCESS_KEY_CHECKED_PREFIX}${id}`), set: (id, at) => Promise.resolve(context.globalState.update(`${ACCESS_KEY_CHECKED_PREFIX}${id}`, at)) },
  });
  const isolatedConsole = new IsolatedConsoleBrowser({
    storageDir,
    browserPath: samlBrowserPath,
    extraArgs: () => (process.env[EnvOverrides.consoleBrowserArgs] ?? '').split(' ').filter(Boolean),
    logger,
  });
  const ssmUrl = () => resolveEndpoint('ssm', endpointSettings(), process.env);
  const ssmSessions = new SsmSessions({ state, resolver: service.resolver, ssm: new SdkSsmGateway({ endpoint: ssmUrl }), logger, endpoint: ssmUrl });
  // The container credentials endpoint listens only once a terminal, debug session or `aws-sessions exec --endpoint` asks for it.
  const credentialsEndpoint = own(new ContainerCredentialsEndpoint({ resolver: service.resolver, state, logger }));
  const endpointVariables = (id: string) => credentialsEndpoint.variables(id);
  const cli = own(new CliHost({ storageDir, extensionPath: context.extensionPath, service, profiles, logger, openConsole: consoleOpener(signIn, isolatedConsole, consoleBrowser), notify: warn, more: { accessKeys, endpointVariables, integrations: cliIntegrations(logger, sso, ssoAccess), ssmSessions, integrationLogin: (id, reason) => ssoAccess.accessToken(id, { interactive: true, reason }) } }));
  cliHost = cli;
  own(new CommandGuard({ state, lifecycle: service.lifecycle, clock, logger, defaultDeliveryMode, declaredExpected: (folder) => declared.expectedAccountIds(folder) }));
  const rotation = own(new RotationScheduler({ service, clock, logger, notify: warn, refreshAfterFraction: () => refreshAfterFraction() ?? DEFAULT_REFRESH_AFTER_FRACTION }));

  // The views of the shared state, then the commands on them.
  const views = own(new StateViews({ state, resolver: service.resolver, ssoAccess, terminalCollection: context.environmentVariableCollection, binDir, endpointVariables, declaredExpected: { of: (folder) => declared.expectedAccountIds(folder), onDidChange: declared.onDidChangeExpected } }));
  // Launch configurations get what terminals get.
  own(DebugEnvironmentProvider.register({ state, credentialsFor: (id) => service.resolver.currentCredentials(id), endpointVariables }));
  context.subscriptions.push(
    ...registerCommands({
      extensionUri: context.extensionUri,
      state,
      service,
      form: { extensionUri: context.extensionUri, service, logger, defaultRegion },
      tree: views.tree,
      view: views.view,
      decorations: views.tree.sso,
      refresh: () => views.refresh(),
      refreshTree: () => views.tree.refresh(),
      showLog,
      report,
      logger,
      defaultRegion,
      profiles,
      signIn,
      terminalCollection: context.environmentVariableCollection,
      stsUrl: () => stsUrl() ?? 'https://sts.amazonaws.com',
      cliStatus: () => cli.status,
      signInUrls,
      files,
      editor: service.editor,
      clock,
      createIntegration: async (item) => void (await sso.addIntegration({ alias: item.name, startUrl: item.startUrl, ssoRegion: item.ssoRegion })),
      sso,
      access: ssoAccess,
      accessKeys,
      ssmSessions,
      isolatedConsole,
      consoleBrowser,
      sharedSaml: saml,
      declared,
    }),
  );
  // The shim and the CLI endpoint need no state and do not wait for the first render: a first read that is slow (a
  // network home) or never ends must not leave the command line without a window. Nor do they hold up activation.
  void cli.start().catch((error: unknown) => logger.error(`The command line (aws-sessions, credential_process) is unavailable: ${errorMessage(error)}`));
  // The first read of the sessions does not hold up activation: the views fill when it lands.
  const firstRender = views.refresh().catch((error: unknown) => {
    void setViewLoadFailed();
    logger.error(`Could not read the sessions: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('AWS Sessions: could not read the saved sessions ({0}). Nothing was changed.', errorMessage(error)));
  });
  // What reads the state and no row of the first render needs runs once it has shown (the file is read and parsed once, by the render).
  let disposed = false;
  own({ dispose: () => (disposed = true) });
  void firstRender.then(() => {
    if (disposed) return;
    // A start, refresh or stop that a crash interrupted is finished or undone (its keys never stay unrecorded).
    void service.lifecycle.recoverInterrupted().catch((error: unknown) => logger.warn(`Could not finish an interrupted operation: ${errorMessage(error)}`));
    rotation.start();
    // Key ages: asked once per activation, at most once a day per session (never on a timer).
    const maxAgeDays = accessKeyMaxAgeDays();
    if (maxAgeDays > 0) void remindAgedKeys(accessKeys, maxAgeDays, logger).catch((error: unknown) => logger.warn(`Could not check the age of access keys: ${errorMessage(error)}`));
    declared.start();
  });
  const demoSeed = process.env[EnvOverrides.demoSeed];
  if (demoSeed) void firstRender.then(() => seedDemoSessions(demoSeed, service, logger));
  logActivation(firstRender, activateStart, performance.now(), () => views.tree.current?.total ?? 0, logger);

  return {
    ready: firstRender,
    service,
    profiles,
    stateFile: join(storageDir, StorageFiles.state),
    credentialsFile: files.credentialsPath,
    configFile: files.configPath,
    terminalEnvironment: context.environmentVariableCollection,
    tree: views.tree,
    sso,
    ssoAccess,
    cli,
    credentialsEndpoint,
    log: (message) => logger.info(message),
  };
}

/** Once the first render lands: the activation figures in the log (and in AWS_SESSIONS_ACTIVATION_LOG for the benchmark). */
function logActivation(firstRender: Promise<void>, activateStart: number, activated: number, shown: () => number, logger: { info(message: string): void }): void {
  void firstRender.then(() => {
    const timing = { loadMs: activateStart - loadedAt, activateMs: activated - activateStart, readyMs: performance.now() - loadedAt, sessions: shown() };
    logger.info(`Activated in ${(timing.loadMs + timing.activateMs).toFixed(1)} ms; ${timing.sessions} sessions shown after ${timing.readyMs.toFixed(1)} ms.`);
    const activationLog = process.env[EnvOverrides.activationLog];
    if (activationLog) appendFileSync(activationLog, `${JSON.stringify(timing)}\n`);
  });
}

export async function deactivate(): Promise<void> {
  // Hand the IPC endpoint over at once (another window takes it on its next poll); the rest is disposed through context.subscriptions.
  await cliHost?.disposeAsync();
  cliHost = undefined;
}
