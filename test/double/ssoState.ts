/**
 * IAM Identity Center on the double: the organisation (N accounts × M roles), OIDC clients, device
 * and authorization-code grants, issued tokens, and the portal's token-bucket throttle.
 * Shared by the SSO-OIDC module (issues tokens) and the SSO portal module (accepts them).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export interface SsoSettings {
  /** Accounts in the organisation the user can reach. */
  accounts: number;
  /** Roles (permission sets) per account. */
  roles: number;
  /** Portal throttle: sustained requests per second (0 = no throttle). */
  throttleRps: number;
  /** Portal throttle: bucket size. */
  throttleBurst: number;
  /** When set, 429 answers carry `Retry-After: <seconds>`. The real portal sends none. */
  retryAfterSeconds: number | null;
  /** Lifetime of access tokens (the portal's default is 8 h). */
  accessTokenSeconds: number;
  /** Lifetime of role credentials from GetRoleCredentials. */
  roleCredentialSeconds: number;
  /** Device codes expire after this long. */
  deviceCodeSeconds: number;
  /** Polling interval the device authorization asks for. */
  pollIntervalSeconds: number;
  /** Every fifth account is named like the one before it, spelled so that both make the same profile name (a space, `#`, an umlaut, `--`). */
  collidingNames: boolean;
}

export const DEFAULT_SSO_SETTINGS: SsoSettings = {
  accounts: 3,
  roles: 2,
  throttleRps: 0,
  throttleBurst: 50,
  retryAfterSeconds: null,
  accessTokenSeconds: 8 * 3600,
  roleCredentialSeconds: 3600,
  deviceCodeSeconds: 600,
  pollIntervalSeconds: 1,
  collidingNames: false,
};

export const DEFAULT_START_URL = 'https://d-local.awsapps.com/start';
export const SSO_SCOPE = 'sso:account:access';

export interface OidcClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAtMs: number;
  readonly grantTypes: readonly string[];
  readonly redirectUris: readonly string[];
  readonly scopes: readonly string[];
}

export interface DeviceGrant {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly clientId: string;
  readonly startUrl: string;
  readonly expiresAtMs: number;
  status: 'pending' | 'approved' | 'denied' | 'used';
  /** When the client last polled, to answer SlowDownException when it polls faster than the interval. */
  lastPollMs: number | null;
}

export interface AuthCodeGrant {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly expiresAtMs: number;
  used: boolean;
}

export interface AccessToken {
  readonly token: string;
  readonly clientId: string;
  readonly expiresAtMs: number;
  revoked: boolean;
}

export interface SsoAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly emailAddress: string;
  readonly roles: readonly string[];
}

const ROLE_NAMES = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'Billing', 'SecurityAudit', 'ViewOnlyAccess'];

/** Names that sanitise to `account-<n>` (profile names allow no whitespace or `#`, fold accents and runs of `-`). */
const COLLIDING: ReadonlyArray<(n: string) => string> = [(n) => `account ${n}`, (n) => `account#${n}`, (n) => `accöunt-${n}`, (n) => `account--${n}`];

/**
 * Account i (0-based) of the default organisation: ids 2000000000xx…, names account-0001…; with `colliding`,
 * every fifth account takes the name of the one before it, spelled so that it sanitises to the same profile name.
 */
export function defaultAccount(i: number, roles: number, colliding = false): SsoAccount {
  const n = String(i + 1).padStart(4, '0');
  const collides = colliding && i % 5 === 4;
  return {
    accountId: String(200000000000 + i + 1),
    accountName: collides ? COLLIDING[Math.floor(i / 5) % COLLIDING.length](String(i).padStart(4, '0')) : `account-${n}`,
    emailAddress: `aws+${n}@example.com`,
    roles: Array.from({ length: roles }, (_, r) => ROLE_NAMES[r] ?? `Role${r + 1}`),
  };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class SsoState {
  readonly settings: SsoSettings;
  private readonly initial: SsoSettings;
  /** Overrides the generated organisation (tests that add or remove accounts between syncs). */
  private custom: SsoAccount[] | null = null;
  readonly clients = new Map<string, OidcClient>();
  readonly devices = new Map<string, DeviceGrant>();
  readonly codes = new Map<string, AuthCodeGrant>();
  readonly tokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, { clientId: string; revoked: boolean }>();
  /** Portal answers by status, and the count of 429s, since the last reset. */
  readonly stats = { portalCalls: 0, throttled: 0 };
  private bucket: { tokens: number; atMs: number } | null = null;

  constructor(
    settings: Partial<SsoSettings>,
    private readonly now: () => number,
  ) {
    this.initial = { ...DEFAULT_SSO_SETTINGS, ...settings };
    this.settings = { ...this.initial };
  }

  accounts(): readonly SsoAccount[] {
    if (this.custom) return this.custom;
    return Array.from({ length: this.settings.accounts }, (_, i) => defaultAccount(i, this.settings.roles, this.settings.collidingNames));
  }

  account(accountId: string): SsoAccount | undefined {
    if (this.custom) return this.custom.find((a) => a.accountId === accountId);
    const i = Number(accountId) - 200000000001;
    return Number.isInteger(i) && i >= 0 && i < this.settings.accounts ? defaultAccount(i, this.settings.roles, this.settings.collidingNames) : undefined;
  }

  setAccounts(accounts: SsoAccount[] | null): void {
    this.custom = accounts;
  }

  /** Takes one token from the portal's bucket; false means answer 429. */
  admit(): boolean {
    const { throttleRps, throttleBurst } = this.settings;
    this.stats.portalCalls += 1;
    if (throttleRps <= 0) return true;
    const now = this.now();
    const b = (this.bucket ??= { tokens: throttleBurst, atMs: now });
    b.tokens = Math.min(throttleBurst, b.tokens + ((now - b.atMs) / 1000) * throttleRps);
    b.atMs = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    this.stats.throttled += 1;
    return false;
  }

  registerClient(grantTypes: readonly string[], redirectUris: readonly string[], scopes: readonly string[]): OidcClient {
    const client: OidcClient = {
      clientId: `client-${randomUUID()}`,
      clientSecret: randomBytes(48).toString('base64url'),
      expiresAtMs: Math.floor(this.now() / 1000) * 1000 + 90 * 24 * 3600 * 1000,
      grantTypes,
      redirectUris,
      scopes,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  startDevice(clientId: string, startUrl: string): DeviceGrant {
    const letters = 'BCDFGHJKLMNPQRSTVWXZ';
    const bytes = randomBytes(8);
    const code = Array.from(bytes, (b) => letters[b % letters.length]).join('');
    const grant: DeviceGrant = {
      deviceCode: randomBytes(32).toString('base64url'),
      userCode: `${code.slice(0, 4)}-${code.slice(4)}`,
      clientId,
      startUrl,
      expiresAtMs: this.now() + this.settings.deviceCodeSeconds * 1000,
      status: 'pending',
      lastPollMs: null,
    };
    this.devices.set(grant.deviceCode, grant);
    return grant;
  }

  /** What a user does in the browser: approve (or deny) the code shown by the client. */
  decide(userCode: string, approve: boolean): DeviceGrant | undefined {
    const grant = [...this.devices.values()].find((d) => d.userCode === userCode.toUpperCase() && d.status === 'pending');
    if (grant) grant.status = approve ? 'approved' : 'denied';
    return grant;
  }

  pendingDevices(): DeviceGrant[] {
    return [...this.devices.values()].filter((d) => d.status === 'pending' && d.expiresAtMs > this.now());
  }

  issueCode(clientId: string, redirectUri: string, codeChallenge: string): AuthCodeGrant {
    const grant: AuthCodeGrant = { code: randomBytes(24).toString('base64url'), clientId, redirectUri, codeChallenge, expiresAtMs: this.now() + 5 * 60 * 1000, used: false };
    this.codes.set(grant.code, grant);
    return grant;
  }

  issueToken(clientId: string, withRefresh: boolean): { accessToken: AccessToken; refreshToken?: string } {
    const accessToken: AccessToken = {
      token: `aoa${randomBytes(64).toString('base64url')}`,
      clientId,
      expiresAtMs: this.now() + this.settings.accessTokenSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(accessToken.token, accessToken);
    if (!withRefresh) return { accessToken };
    const refreshToken = `aor${randomBytes(64).toString('base64url')}`;
    this.refreshTokens.set(refreshToken, { clientId, revoked: false });
    return { accessToken, refreshToken };
  }

  /** Revokes every access and refresh token (an administrator signing the user out). */
  revokeAll(options: { refreshTokens?: boolean } = {}): void {
    for (const t of this.tokens.values()) t.revoked = true;
    if (options.refreshTokens) for (const r of this.refreshTokens.values()) r.revoked = true;
  }

  validToken(token: string | undefined): AccessToken | undefined {
    const t = token ? this.tokens.get(token) : undefined;
    return t && !t.revoked && t.expiresAtMs > this.now() ? t : undefined;
  }

  reset(): void {
    Object.assign(this.settings, this.initial);
    this.custom = null;
    this.bucket = null;
    this.stats.portalCalls = 0;
    this.stats.throttled = 0;
  }

  /** Changes settings; a throttle change refills the bucket. */
  configure(patch: Partial<SsoSettings>): void {
    Object.assign(this.settings, patch);
    this.bucket = null;
  }
}
