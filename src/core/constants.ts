/**
 * Every identifier the extension shares with package.json, VS Code or other processes:
 * command ids, view ids, context keys, setting names, secret keys, file names.
 * Plain data only, so the core, the CLI and the tests can import it too.
 */

export const EXTENSION_NAME = 'aws-sessions';
export const EXTENSION_ID = 'aws-sessions.aws-sessions';

export const SESSIONS_VIEW_ID = 'awsSessions.sessions';

export const Commands = {
  addSession: 'awsSessions.addSession',
  editSession: 'awsSessions.editSession',
  deleteSession: 'awsSessions.deleteSession',
  startSession: 'awsSessions.startSession',
  stopSession: 'awsSessions.stopSession',
  refreshTree: 'awsSessions.refresh',
  showLog: 'awsSessions.showLog',
  statusBarClick: 'awsSessions.statusBarQuickPick',
  setDeliveryMode: 'awsSessions.setDeliveryMode',
  createChainedSession: 'awsSessions.createChainedSession',
  inspectSamlAssertion: 'awsSessions.inspectSamlAssertion',
  addProfile: 'awsSessions.addProfile',
  renameProfile: 'awsSessions.renameProfile',
  deleteProfile: 'awsSessions.deleteProfile',
  filter: 'awsSessions.filterSessions',
  clearFilter: 'awsSessions.clearFilter',
  viewFlat: 'awsSessions.viewFlat',
  viewGrouped: 'awsSessions.viewGrouped',
  pin: 'awsSessions.pinSession',
  unpin: 'awsSessions.unpinSession',
  changeProfile: 'awsSessions.changeProfile',
  applyProfileTemplate: 'awsSessions.applyProfileTemplate',
  addSamlRoles: 'awsSessions.addSamlRoles',
  changeRegion: 'awsSessions.changeRegion',
  copyAccountId: 'awsSessions.copyAccountId',
  copyRoleArn: 'awsSessions.copyRoleArn',
  switchTerminalProfile: 'awsSessions.switchTerminalProfile',
  openTerminal: 'awsSessions.openTerminalWithSession',
  revealActive: 'awsSessions.revealActiveSession',
  addIntegration: 'awsSessions.addSsoIntegration',
  editIntegration: 'awsSessions.editSsoIntegration',
  loginIntegration: 'awsSessions.loginSsoIntegration',
  syncIntegration: 'awsSessions.syncSsoIntegration',
  logoutIntegration: 'awsSessions.logoutSsoIntegration',
  deleteIntegration: 'awsSessions.deleteSsoIntegration',
  openConsole: 'awsSessions.openConsole',
  copyConsoleUrl: 'awsSessions.copyConsoleUrl',
  diagnose: 'awsSessions.diagnoseCredentials',
  /** Runs one fix of a doctor finding (command link in the report): args `{ fixId, ... }`. */
  doctorFix: 'awsSessions.doctorFix',
  importProfiles: 'awsSessions.importFromAwsFiles',
  rotateAccessKey: 'awsSessions.rotateAccessKey',
  applyDeclaredSessions: 'awsSessions.applyProjectSessions',
  startSsmSession: 'awsSessions.startSsmSession',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ContextKeys = {
  /** Set once the saved sessions have been read: until then the view says it is loading, not that there are none. */
  loaded: 'awsSessions.loaded',
  /** The first read of the saved sessions failed (the view points to the log). */
  loadFailed: 'awsSessions.loadFailed',
  hasSessions: 'awsSessions.hasSessions',
  /** Some session is active (the walkthrough's "start it" step completes on it). */
  hasActiveSession: 'awsSessions.hasActiveSession',
  filterActive: 'awsSessions.filterActive',
  viewMode: 'awsSessions.viewMode',
} as const;

/** Setting names without the `awsSessions.` section prefix, as read by getConfiguration('awsSessions'). */
export const SETTINGS_SECTION = 'awsSessions';
export const Settings = {
  defaultRegion: 'defaultRegion',
  /** Profile name of each synced IAM Identity Center role, e.g. `{accountName}-{roleName}`. */
  ssoProfileNameTemplate: 'sso.profileNameTemplate',
  /** Use a valid login the AWS CLI cached (`aws sso login`) instead of asking for one (default true). */
  ssoUseCliLogin: 'sso.useAwsCliLogin',
  /** Also write our login to the AWS CLI's token cache (opt-in). */
  ssoShareLogin: 'sso.shareLoginWithAwsCli',
  endpointUrl: 'endpointUrl',
  stsEndpointUrl: 'stsEndpointUrl',
  ssoEndpointUrl: 'ssoEndpointUrl',
  ssoOidcEndpointUrl: 'ssoOidcEndpointUrl',
  /** Default credential delivery: 'credentialsFile' or 'credentialProcess'. */
  deliveryMode: 'deliveryMode',
  ssoLoginFlow: 'ssoLoginFlow',
  samlBrowserPath: 'samlBrowserPath',
  /** 'grouped' or 'flat' (sorted by recent use). */
  treeViewMode: 'tree.viewMode',
  /** Resource-scoped: the named profile terminals of a workspace folder use. */
  terminalProfile: 'terminal.profile',
  /** Opt-in: put the credentials themselves into terminals (never persisted). */
  terminalInjectCredentials: 'terminal.injectCredentials',
  /** How new terminals reach the session: 'profile' (AWS_PROFILE) or 'endpoint' (the container credentials endpoint). */
  terminalDelivery: 'terminal.delivery',
  /** Seconds a web console session lasts (900–43200); where AWS allows choosing it. */
  consoleSessionDuration: 'console.sessionDurationSeconds',
  /** Where a console opens: 'default' (the system browser) or 'isolated' (a browser profile per session). */
  consoleBrowser: 'console.browser',
  /** Days after which an IAM User session's access key is reminded to be rotated (0: never). */
  accessKeyMaxAgeDays: 'accessKeyMaxAgeDays',
  /** Command-line patterns of long commands (terraform apply…) the terminal guard acts on. */
  guardLongCommands: 'guard.longCommands',
  /** A long command starting on credentials with fewer minutes left gets them refreshed. */
  guardMinimumMinutes: 'guard.minimumMinutes',
  /** Resource-scoped: the AWS accounts a workspace folder's terminal profile may resolve to. */
  terminalExpectedAccountIds: 'terminal.expectedAccountIds',
  /** Fraction of their lifetime after which credentials in the credentials file are refreshed (no prompt needed). */
  rotationRefreshAfterFraction: 'rotation.refreshAfterFraction',
} as const;

/** Global-state key prefix (+ session id): when the age of the session's access key was last asked (epoch ms). */
export const ACCESS_KEY_CHECKED_PREFIX = 'awsSessions.accessKeyCheckedAt/';
/** Workspace-state key prefix (+ folder URI): the last plan of the folder's declared sessions offered, so each change is offered once. */
export const DECLARED_OFFERED_PREFIX = 'awsSessions.declaredOffered/';
/** The URI scheme of the read-only project-sessions preview documents (shown rendered by the Markdown preview). */
export const DECLARED_PREVIEW_SCHEME = 'aws-sessions-preview';

/** Test hooks read from the environment (never needed by users). */
export const EnvOverrides = {
  /** Comma-separated sign-in URLs whose SAML POST is intercepted (default: the AWS ones). */
  samlSignInUrls: 'AWS_SESSIONS_SAML_SIGNIN_URLS',
  /** `1`: run the SAML browser headless (tests on machines without a display). */
  samlHeadless: 'AWS_SESSIONS_SAML_HEADLESS',
  /** A file to append `{"activationMs":…,"sessions":…}` to after each activation (benchmarks). */
  activationLog: 'AWS_SESSIONS_ACTIVATION_LOG',
  /** The local AWS double's ready line, for `npm run demo` to seed sessions from. */
  demoSeed: 'AWS_SESSIONS_DEMO_SEED',
  /** Base URL of the sign-in (federation) endpoint, e.g. the local double (default: AWS's per partition). */
  federationEndpoint: 'AWS_SESSIONS_FEDERATION_ENDPOINT',
  /** Base URL of the web console a sign-in lands on (default: AWS's per partition and region). */
  consoleEndpoint: 'AWS_SESSIONS_CONSOLE_ENDPOINT',
  /** Space-separated extra arguments of the browser of isolated consoles (tests: `--headless=new --remote-debugging-port=0`). */
  consoleBrowserArgs: 'AWS_SESSIONS_CONSOLE_BROWSER_ARGS',
} as const;

/** What a secret is for; with the session's hidden id it names the secret: `aws-sessions/<sessionId>/<purpose>`. */
/** `pendingAccessKey`: a rotated key, verified, while it replaces the two key entries (JSON of both halves). */
export const SECRET_PURPOSES = ['accessKeyId', 'secretAccessKey', 'sessionCredentials', 'pendingAccessKey'] as const;
export type SecretPurpose = (typeof SECRET_PURPOSES)[number];

export const SecretKeys = {
  forSession: (sessionId: string, purpose: SecretPurpose) => `${EXTENSION_NAME}/${sessionId}/${purpose}`,
  accessKeyId: (sessionId: string) => SecretKeys.forSession(sessionId, 'accessKeyId'),
  secretAccessKey: (sessionId: string) => SecretKeys.forSession(sessionId, 'secretAccessKey'),
  cachedSessionCredentials: (sessionId: string) => SecretKeys.forSession(sessionId, 'sessionCredentials'),
  pendingAccessKey: (sessionId: string) => SecretKeys.forSession(sessionId, 'pendingAccessKey'),
  allFor: (sessionId: string) => SECRET_PURPOSES.map((purpose) => SecretKeys.forSession(sessionId, purpose)),
};

/** What an integration stores in the vault: `aws-sessions/integration/<id>/<purpose>`. */
export const INTEGRATION_SECRET_PURPOSES = ['ssoToken', 'ssoClient'] as const;
export type IntegrationSecretPurpose = (typeof INTEGRATION_SECRET_PURPOSES)[number];
export const IntegrationSecretKeys = {
  forIntegration: (integrationId: string, purpose: IntegrationSecretPurpose) => `${EXTENSION_NAME}/integration/${integrationId}/${purpose}`,
  allFor: (integrationId: string) => INTEGRATION_SECRET_PURPOSES.map((p) => IntegrationSecretKeys.forIntegration(integrationId, p)),
};

/** OIDC scope that gives a refresh token and portal access. */
export const SSO_SCOPE = 'sso:account:access';
/** Name under which the extension registers its OIDC client. */
export const SSO_CLIENT_NAME = 'aws-sessions-vscode';
/** Path of the loopback redirect of the authorization-code (PKCE) login. */
export const SSO_REDIRECT_PATH = '/oauth/callback';

/** File names inside the extension's global storage folder. */
export const StorageFiles = {
  state: 'sessions.json',
  lock: 'state.lock',
  awsFilesLock: 'aws-files.lock',
  /** 0700 folder of the IPC endpoint: endpoint record (0600), lease, windows, and the socket when its path is short enough. */
  ipcDir: 'ipc',
  /** The shim `aws-sessions` (and `aws-sessions.cmd` on Windows); prepended to PATH in terminals. */
  binDir: 'bin',
  /** Per-session lock held while credentials are generated, so two windows never both prompt. */
  generateLockPrefix: 'generate-',
  /** Persistent browser profile folder of the SAML sign-in window, so IdP cookies survive. */
  samlBrowserProfile: 'saml-browser-profile',
} as const;

/** Inside the IPC folder. */
export const IpcFiles = {
  /** 0600 JSON `{ v, socket, token }` of the serving window, written after it listens. */
  endpoint: 'endpoint',
  /** The file of the first protocol (the token alone); removed when a server of this version listens. */
  legacyToken: 'token',
  lease: 'server.lease',
  leaseLock: 'lease.lock',
  /** One small file per running window (`<id>.json`): the CLI waits through a hand-over while one lives. */
  windows: 'windows',
  /** Socket files are `cli-<random>.sock`, a new name per listening server. */
  socketPrefix: 'cli-',
  /** The lease holder's liveness socket, beside its IPC socket: standby windows stay connected and learn of its end. */
  livePrefix: 'liv-',
  /** Touched by a CLI that gets no answer: the windows look at the lease holder at once (is it hung?). */
  wake: 'wake',
} as const;

/** The CLI's executable name, its generate subcommand, and the variable the shim uses to pass the IPC folder. */
export const CLI_NAME = 'aws-sessions';
export const CLI_GENERATE = 'generate';
export const ENV_IPC_DIR = 'AWS_SESSIONS_IPC_DIR';
/**
 * The first argument a POSIX sh shim gives dist/exec.js: print the session's variables as sh for the shim to `eval`,
 * which then becomes the command itself (`exec "$@"`); then the shell variable that holds that text meanwhile.
 * An argument, not an environment variable: one exported by hand would make every exec print the credentials.
 */
export const EXEC_SHELL_ARG = '--aws-sessions-sh-hand-over';
export const SHIM_EXEC_VARIABLE = 'aws_sessions_exec_env';
/** Overrides how long the CLI waits for a reply (seconds), e.g. while an MFA prompt is open. */
export const ENV_CLI_TIMEOUT = 'AWS_SESSIONS_TIMEOUT';
/**
 * credential_process and the CLI get credentials valid at least this long: what the serving window holds is
 * served while it has more left, else fresh ones are made (the SDKs refresh by themselves 5–15 min before expiry).
 */
export const MEMORY_CACHE_MARGIN_MS = 20 * 60 * 1000;

export const DEFAULT_PROFILE_NAME = 'default';
export const DEFAULT_REGION = 'us-east-1';
/** Seconds asked of STS GetSessionToken for an IAM User session (10 h). */
export const IAM_USER_SESSION_SECONDS = 36000;
/** A cached session token is reused until this long before it expires. */
export const SESSION_TOKEN_REUSE_MARGIN_MS = 5 * 60 * 1000;
/** The AWS sign-in URLs an IdP posts a SAMLResponse to (commercial, GovCloud, China). */
export const AWS_SAML_SIGNIN_URLS = [
  'https://signin.aws.amazon.com/saml',
  'https://signin.amazonaws-us-gov.com/saml',
  'https://signin.amazonaws.cn/saml',
] as const;
/** Rotation: refresh this long before expiry at least, or 10 % of the lifetime when that is longer. */
export const ROTATION_MIN_MARGIN_MS = 5 * 60 * 1000;
/** Rotation: credentials in files are refreshed once this much of their lifetime has passed (1 h: after 19.8 min, ≥ 40 min left). */
export const DEFAULT_REFRESH_AFTER_FRACTION = 0.33;
/** Web console sign-in: the console session lasts 15 min to 12 h (federation endpoint limits). */
export const CONSOLE_SESSION_MIN_SECONDS = 900;
export const CONSOLE_SESSION_MAX_SECONDS = 43200;
export const CONSOLE_SESSION_DEFAULT_SECONDS = 43200;

/** Values of `awsSessions.terminal.delivery`. */
export const TERMINAL_DELIVERIES = ['profile', 'endpoint'] as const;
export type TerminalDelivery = (typeof TERMINAL_DELIVERIES)[number];
/** The container credentials endpoint serves credentials valid for at least this long (rotation is invisible to callers). */
export const ENDPOINT_MIN_VALIDITY_MS = 15 * 60 * 1000;
/** Bytes of randomness in an endpoint token (one per session and window). */
export const ENDPOINT_TOKEN_BYTES = 32;
/** The variables the AWS SDKs and CLI read to use a container credentials endpoint. */
export const ContainerEnv = {
  fullUri: 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  token: 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
} as const;
