/** The persisted, non-secret data model shared by every window and the CLI. */

export type SessionKind = 'iamUser' | 'iamRoleChained' | 'iamRoleFederated' | 'awsSso';

export type SessionStatus = 'inactive' | 'starting' | 'active' | 'expired' | 'error';

export interface SessionBase {
  /** Hidden, stable UUID; also the namespace of the session's secrets. */
  readonly id: string;
  readonly kind: SessionKind;
  alias: string;
  profileId: string;
  region: string;
  /** How a started session's credentials reach the AWS CLI and SDKs; undefined = the awsSessions.deliveryMode setting. */
  deliveryMode?: DeliveryMode;
  /** Set when the session was created from a folder's `.vscode/aws-sessions.json`: changes of that file update it. */
  declaredBy?: DeclaredMark;
}

/** Which project file declared a session or an integration, and under which name (its alias there). */
export interface DeclaredMark {
  /** The workspace folder's URI (as a string). */
  folder: string;
  name: string;
}

export const DELIVERY_MODES = ['credentialsFile', 'credentialProcess'] as const;
/** credentialsFile: temporary keys in the credentials file; credentialProcess: `credential_process` in the config file, served by the editor. */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export function isDeliveryMode(value: unknown): value is DeliveryMode {
  return typeof value === 'string' && (DELIVERY_MODES as readonly string[]).includes(value);
}

export interface IamUserSession extends SessionBase {
  readonly kind: 'iamUser';
  /** MFA device ARN or hardware serial; undefined when the user has no MFA. */
  mfaSerial?: string;
  /** The YubiKey OATH account whose code answers the MFA prompt; undefined: found by the MFA serial. */
  mfaOathAccount?: string;
}

export interface IamRoleChainedSession extends SessionBase {
  readonly kind: 'iamRoleChained';
  roleArn: string;
  /** Undefined: `aws-sessions-<alias>` (sanitised). */
  roleSessionName?: string;
  /** Id of the session whose credentials call AssumeRole (any type, any depth). */
  assumerSessionId: string;
  /** Sent as ExternalId when the role's trust policy requires one. Not a secret, but never logged. */
  externalId?: string;
  /** Requested lifetime (900–43200 s, within the role's maximum; 3600 when assumed with a role's credentials). Undefined: 1 hour. */
  durationSeconds?: number;
  /** Sent as SourceIdentity: who is behind the session, kept by AWS along the chain and in CloudTrail. */
  sourceIdentity?: string;
}

export interface IamRoleFederatedSession extends SessionBase {
  readonly kind: 'iamRoleFederated';
  roleArn: string;
  /** The IdP's SAML 2.0 sign-in URL, opened in a browser window. */
  idpUrl: string;
  /** The IAM SAML provider ARN (arn:aws:iam::<account>:saml-provider/<name>). */
  samlProviderArn: string;
  /** Requested lifetime (900 s up to the role's maximum, ≤ 43200). Undefined: 1 hour. */
  durationSeconds?: number;
}

export type Session = IamUserSession | IamRoleChainedSession | IamRoleFederatedSession | AwsSsoSession;

/** A role of an IAM Identity Center account, created only by an integration sync. */
export interface AwsSsoSession extends SessionBase {
  readonly kind: 'awsSso';
  readonly integrationId: string;
  readonly accountId: string;
  accountName: string;
  readonly roleName: string;
}

/** An IAM Identity Center (AWS SSO) integration. Its tokens live in the SecretVault, never here. */
export interface SsoIntegration {
  readonly id: string;
  alias: string;
  /** AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start */
  startUrl: string;
  /** Region of the IAM Identity Center instance (OIDC and portal endpoints). */
  ssoRegion: string;
  /** Region of the role sessions a sync creates; unset: the default region setting (else ssoRegion). */
  sessionRegion?: string;
  /** ISO 8601 end of the last complete sync. */
  lastSyncAt?: string;
  /** Accounts seen by the last complete sync. */
  accountCount?: number;
  /** Set when created from a folder's `.vscode/aws-sessions.json`. */
  declaredBy?: DeclaredMark;
}

export interface NamedProfile {
  readonly id: string;
  name: string;
}

/** Where a started session's credentials were delivered, so that stop removes exactly that. */
export interface ActiveSession {
  sessionId: string;
  status: SessionStatus;
  /** ISO 8601 expiry of the credentials now delivered. */
  expiration?: string;
  /** Last error, shown in the tree and status bar (never contains a secret). */
  error?: string;
  /** What the delivery wrote (ownership records of AWS file keys), so stop removes exactly that. */
  delivery?: DeliveryRecord;
  startedAt?: string;
  /** When the credentials now delivered were obtained (rotation computes the lifetime from it). */
  issuedAt?: string;
  /** A window refreshing this session claims it until then, so other windows do not refresh it too. */
  refreshClaimUntil?: string;
  /** A start, refresh or stop writing the AWS files right now (sessionRecovery.ts); left behind by a crash. */
  inFlight?: InFlight;
}

/**
 * An operation on a session's delivery in progress: its owner, and what it is about to write, recorded
 * before each file write, so that after a crash the next start, stop, refresh or activation finishes or
 * undoes it.
 */
export interface InFlight {
  op: 'start' | 'refresh' | 'stop';
  /** The owner: process `pid` of `host`; `token` tells this operation from any later one. */
  pid: number;
  host: string;
  token: string;
  /** ISO 8601 start of the operation. */
  since: string;
  /** The delivery's record of the writes about to happen (ownership records: SHA-256 digests of secrets, never values). */
  pending?: DeliveryRecord;
  /** ISO 8601 expiry of the credentials being delivered. */
  expiration?: string;
  /** The owner met an error it could not clean up: recovered like a crashed one. */
  failed?: boolean;
}

export interface PersistedState {
  version: 1;
  profiles: NamedProfile[];
  sessions: Session[];
  /** Keyed by session id. A session absent here is inactive. */
  active: Record<string, ActiveSession>;
  /** Name of the profile new integrated terminals get as AWS_PROFILE; the last one started by default. */
  terminalProfile?: string;
  /** Ids of sessions pinned to the top of the tree. */
  pinned?: string[];
  /** Session id → ISO time it was last started, for the flat view sorted by recent use. */
  lastUsed?: Record<string, string>;
  /** IAM Identity Center integrations; absent in states written before they existed. */
  integrations?: SsoIntegration[];
}

/** Opaque to everything but the delivery that wrote it; plain JSON. */
export type DeliveryRecord = Record<string, unknown>;

/** Short-lived credentials as handed to the AWS CLI and SDKs. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent only for long-term keys, which are never delivered. */
  expiration?: Date;
}

export function emptyState(defaultProfileId: string): PersistedState {
  return { version: 1, profiles: [{ id: defaultProfileId, name: 'default' }], sessions: [], active: {} };
}
