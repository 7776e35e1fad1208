/**
 * IAM Identity Center integrations: add, log in (PKCE or device code), keep the token fresh with the
 * refresh token, sync accounts and roles into sessions, hand role credentials to sessions, log out,
 * delete. Tokens and client registrations live in the SecretVault (tokens.ts).
 */
import { SSO_SCOPE } from '../constants';
import { CancelledError, SessionError, UserFacingError } from '../errors';
import type { AwsCredentials, AwsSsoSession, PersistedState, SsoIntegration } from '../model';
import type { Clock, Logger, SecretVault, StateStore } from '../ports';
import { dependentsOf } from '../sessionGraph';
import { clearCachedCredentials, reusableCachedCredentials, storeCachedCredentials } from '../credentialCache';
import { validateIntegration, type IntegrationValues } from './integrationForm';
import { deviceLogin, pkceLogin, type ClientCredentials, type LoginUi } from './login';
import type { LoginFlowKind, OidcGateway, TokenResponse } from './oidc';
import { PortalError, type SsoPortal } from './portal';
import { readOrganisation, type SyncOptions } from './sync';
import { isSsoSessionOf, mergeBatch, roleKey, vanished } from './merge';
import { IntegrationSecrets, type StoredToken } from './tokens';
import { newId } from '../ids';

/** Margin before expiry at which an access token is refreshed. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface SsoServiceDeps {
  state: StateStore;
  secrets: SecretVault;
  oidc: OidcGateway;
  portal: SsoPortal;
  clock: Clock;
  logger: Logger;
  /** Stops a session (withdrawing its delivered credentials). */
  stopSession: (sessionId: string) => Promise<void>;
  /** Which login to run: 'pkce' where the browser reaches this machine's loopback, else 'device'. */
  loginFlow: () => LoginFlowKind;
  /**
   * Ask the user to log in (their token is missing or was rejected) and run `login` under progress.
   * Resolves false when the user declines. Without it, a missing login is an error.
   */
  interactiveLogin?: (integration: SsoIntegration, reason: string, login: (ui: LoginUi) => Promise<void>) => Promise<boolean>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  newId?: () => string;
}

export interface SyncReport {
  accounts: number;
  added: number;
  removed: number;
  kept: number;
  /** Aliases of sessions that referred to a removed one (e.g. chained roles that lost their assumer). */
  orphaned: string[];
}

export type LoginState = 'loggedIn' | 'expired' | 'loggedOut';

export class SsoService {
  private readonly vault: IntegrationSecrets;
  private readonly newId: () => string;
  private readonly tokenFlights = new Map<string, Promise<string>>();
  private readonly loginListeners = new Set<(integrationId: string) => void>();

  constructor(private readonly deps: SsoServiceDeps) {
    this.vault = new IntegrationSecrets(deps.secrets);
    this.newId = deps.newId ?? newId;
  }

  /** Fires when an integration logs in or out (its token was stored or deleted). */
  onDidChangeLogin(listener: (integrationId: string) => void): { dispose(): void } {
    this.loginListeners.add(listener);
    return { dispose: () => this.loginListeners.delete(listener) };
  }

  private loginChanged(id: string): void {
    for (const l of this.loginListeners) l(id);
  }

  async integration(id: string): Promise<SsoIntegration> {
    const found = (await this.deps.state.read()).integrations?.find((i) => i.id === id);
    if (!found) throw new UserFacingError(`No IAM Identity Center integration with id ${id}.`, 'It may have been deleted in another window.');
    return found;
  }

  async addIntegration(values: IntegrationValues): Promise<SsoIntegration> {
    const clean = validateIntegration(values, await this.deps.state.read());
    const integration: SsoIntegration = { id: this.newId(), ...clean };
    await this.deps.state.update((s) => {
      validateIntegration(clean, s);
      (s.integrations ??= []).push(integration);
    });
    this.deps.logger.info(`Integration "${integration.alias}" added (${integration.startUrl}, ${integration.ssoRegion}).`);
    return integration;
  }

  /** Change alias, start URL or region; a new URL or region logs out (the token belongs to the old one). */
  async editIntegration(id: string, values: IntegrationValues): Promise<SsoIntegration> {
    const before = await this.integration(id);
    const clean = validateIntegration(values, await this.deps.state.read(), id);
    if (clean.startUrl !== before.startUrl || clean.ssoRegion !== before.ssoRegion) await this.logout(id, { remote: true });
    await this.deps.state.update((s) => {
      const i = s.integrations?.find((x) => x.id === id);
      if (i) Object.assign(i, clean);
    });
    return this.integration(id);
  }

  async loginState(id: string): Promise<LoginState> {
    const token = await this.vault.token(id);
    if (!token) return 'loggedOut';
    return Date.parse(token.expiresAt) > this.deps.clock.now() || token.refreshToken ? 'loggedIn' : 'expired';
  }

  /** Interactive login; stores the token. */
  async login(id: string, ui: LoginUi, flow: LoginFlowKind = this.deps.loginFlow()): Promise<void> {
    const integration = await this.integration(id);
    const { oidc, clock } = this.deps;
    const issuedFor = `${integration.ssoRegion}|${oidc.endpoint(integration.ssoRegion)}`;
    const client = async (kind: LoginFlowKind, redirectUri?: string): Promise<ClientCredentials & { clientId: string }> => {
      const cached = await this.vault.client(id, kind, issuedFor, clock.now());
      if (cached) return cached;
      ui.report('Registering with IAM Identity Center…');
      const reg = await oidc.registerClient({ region: integration.ssoRegion, flow: kind, scopes: [SSO_SCOPE], startUrl: integration.startUrl, redirectUri });
      const registration = { ...reg, flow: kind, issuedFor };
      await this.vault.storeClient(id, registration);
      this.deps.logger.info(`Integration "${integration.alias}": registered OIDC client for the ${kind} login until ${new Date(reg.expiresAtMs).toISOString()}.`);
      return registration;
    };
    const deps = { oidc, clock, sleep: this.deps.sleep };
    let token: TokenResponse;
    let clientId: string;
    if (flow === 'pkce') {
      // The loopback port changes per login; the registration names the loopback without a port (RFC 8252 §7.3).
      token = await pkceLogin(deps, integration, async (redirectUri) => {
        const c = await client('pkce', redirectUri.replace(/:\d+\//, '/'));
        clientId = c.clientId;
        return c;
      }, ui);
    } else {
      const c = await client('device');
      clientId = c.clientId;
      token = await deviceLogin(deps, integration, c, ui);
    }
    await this.storeToken(id, token, clientId!, flow);
    this.deps.logger.info(`Integration "${integration.alias}": logged in (${flow === 'pkce' ? 'authorization code with PKCE' : 'device code'}).`);
    this.loginChanged(id);
  }

  private async storeToken(id: string, token: TokenResponse, clientId: string, flow: LoginFlowKind, previousRefresh?: string): Promise<string> {
    const stored: StoredToken = {
      accessToken: token.accessToken,
      expiresAt: new Date(this.deps.clock.now() + token.expiresInSeconds * 1000).toISOString(),
      refreshToken: token.refreshToken ?? previousRefresh,
      clientId,
      flow,
    };
    await this.vault.storeToken(id, stored);
    return stored.accessToken;
  }

  /**
   * A valid access token: the stored one, else one refreshed silently, else (when `interactive`) a new
   * login the user is asked for. Concurrent callers share one refresh or login.
   */
  accessToken(id: string, options: { interactive: boolean; reason?: string }): Promise<string> {
    const key = `${id}|${options.interactive}`;
    const running = this.tokenFlights.get(key);
    if (running) return running;
    const flight = this.resolveToken(id, options).finally(() => this.tokenFlights.delete(key));
    this.tokenFlights.set(key, flight);
    return flight;
  }

  private async resolveToken(id: string, options: { interactive: boolean; reason?: string }): Promise<string> {
    const integration = await this.integration(id);
    const now = this.deps.clock.now();
    const stored = await this.vault.token(id);
    if (stored && Date.parse(stored.expiresAt) - now > TOKEN_REFRESH_MARGIN_MS) return stored.accessToken;
    if (stored?.refreshToken) {
      const client = await this.vault.clientById(id, stored.clientId);
      if (client && client.expiresAtMs > now) {
        try {
          const fresh = await this.deps.oidc.createToken({ region: integration.ssoRegion, clientId: client.clientId, clientSecret: client.clientSecret, grant: { grantType: 'refresh_token', refreshToken: stored.refreshToken } });
          this.deps.logger.info(`Integration "${integration.alias}": access token refreshed silently.`);
          return await this.storeToken(id, fresh, client.clientId, stored.flow, stored.refreshToken);
        } catch (error) {
          this.deps.logger.warn(`Integration "${integration.alias}": the refresh token was refused (${error instanceof Error ? error.message : String(error)}); a new login is needed.`);
        }
      }
    }
    if (stored) {
      await this.vault.deleteToken(id);
      this.loginChanged(id);
    }
    return this.loginOrFail(integration, options, stored ? 'Your IAM Identity Center login has expired.' : 'You are not logged in to IAM Identity Center.');
  }

  private async loginOrFail(integration: SsoIntegration, options: { interactive: boolean; reason?: string }, why: string): Promise<string> {
    if (options.interactive && this.deps.interactiveLogin) {
      const ok = await this.deps.interactiveLogin(integration, `${why}${options.reason ? ` ${options.reason}` : ''}`, (ui) => this.login(integration.id, ui));
      if (!ok) throw new CancelledError(`The login to "${integration.alias}"`);
      const token = await this.vault.token(integration.id);
      if (token) return token.accessToken;
    }
    throw new UserFacingError(`Integration "${integration.alias}": ${why}`, 'Log in to the integration (right-click it in the AWS Sessions view), then try again.');
  }

  /** The portal rejected the token (revoked, logged out elsewhere): drop it rather than reuse it until its expiry. */
  private async dropRejectedToken(integration: SsoIntegration): Promise<void> {
    this.deps.logger.warn(`Integration "${integration.alias}": the portal rejected the access token; it is deleted and a new login is needed.`);
    await this.vault.deleteToken(integration.id);
    this.loginChanged(integration.id);
  }

  /** Runs `work` with a token; on a rejected token, drops it, asks for a login and tries once more. */
  private async withToken<T>(integration: SsoIntegration, interactive: boolean, reason: string, work: (token: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken(integration.id, { interactive, reason });
    try {
      return await work(token);
    } catch (error) {
      if (!(error instanceof PortalError) || !error.tokenRejected) throw error;
      await this.dropRejectedToken(integration);
      const again = await this.loginOrFail(integration, { interactive, reason }, 'The IAM Identity Center portal no longer accepts your login (revoked or signed out).');
      return work(again);
    }
  }

  /** Read every account and role and make the sessions match, batch by batch. */
  async sync(id: string, options: { interactive?: boolean; signal?: AbortSignal; onProgress?: (p: { done: number; listed: number }) => void } & Pick<SyncOptions, 'batchMs' | 'batchSize'> = {}): Promise<SyncReport> {
    const integration = await this.integration(id);
    const region = integration.ssoRegion;
    let added = 0;
    const accounts = await this.withToken(integration, options.interactive ?? false, 'Log in to sync its accounts.', (token) =>
      readOrganisation(this.deps.portal, region, token, {
        signal: options.signal,
        batchMs: options.batchMs,
        batchSize: options.batchSize,
        onBatch: async (batch, progress) => {
          await this.deps.state.update((s) => {
            const current = s.integrations?.find((i) => i.id === id);
            if (current) added += mergeBatch(s, current, batch, this.newId);
          });
          options.onProgress?.({ done: progress.done, listed: progress.listed });
        },
      }),
    );
    const seen = new Set(accounts.flatMap((a) => a.roles.map((r) => roleKey(a.accountId, r))));
    const gone = vanished(await this.deps.state.read(), id, seen);
    const goneIds = new Set(gone.map((s) => s.id));
    const before = await this.deps.state.read();
    for (const s of gone) if (before.active[s.id]) await this.deps.stopSession(s.id);
    let orphaned: string[] = [];
    let kept = 0;
    await this.deps.state.update((s) => {
      orphaned = dependentsOf(s.sessions, goneIds).map((d) => d.alias);
      s.sessions = s.sessions.filter((x) => !goneIds.has(x.id));
      for (const gid of goneIds) delete s.active[gid];
      kept = s.sessions.filter((x) => isSsoSessionOf(x, id)).length;
      const current = s.integrations?.find((i) => i.id === id);
      if (current) {
        current.lastSyncAt = new Date(this.deps.clock.now()).toISOString();
        current.accountCount = accounts.length;
      }
    });
    for (const gid of goneIds) await clearCachedCredentials(this.deps.secrets, gid);
    const report: SyncReport = { accounts: accounts.length, added, removed: gone.length, kept: kept - added, orphaned };
    this.deps.logger.info(
      `Integration "${integration.alias}": synced ${report.accounts} accounts; ${report.added} sessions added, ${report.removed} removed, ${report.kept} kept.` +
        (orphaned.length ? ` Sessions that lost their assumer: ${orphaned.join(', ')}.` : ''),
    );
    return report;
  }

  /** Credentials of an integration-derived session: cached ones while valid, else GetRoleCredentials. */
  async roleCredentials(session: AwsSsoSession, options: { minValidityMs?: number; background?: boolean; cache?: SecretVault } = {}): Promise<AwsCredentials> {
    const cache = options.cache ?? this.deps.secrets;
    const cached = await reusableCachedCredentials({ secrets: cache, clock: this.deps.clock, minValidityMs: options.minValidityMs }, session.id);
    if (cached) return cached;
    const integration = await this.integration(session.integrationId).catch(() => {
      throw new SessionError(session.alias, 'its IAM Identity Center integration no longer exists.', 'Delete the session.');
    });
    let credentials: AwsCredentials;
    try {
      // A background refresh (rotation) does not pop a login; it fails and the rotation tells the user once.
      credentials = await this.withToken(integration, !options.background, `Log in to start "${session.alias}".`, (token) =>
        this.deps.portal.getRoleCredentials(integration.ssoRegion, token, session.accountId, session.roleName),
      );
    } catch (error) {
      if (error instanceof PortalError) {
        const fix = error.httpStatus === 404 || error.httpStatus === 403 ? 'The role is no longer assigned to you: sync the integration.' : 'Try again; if it keeps failing, log in to the integration again.';
        throw new SessionError(session.alias, `IAM Identity Center GetRoleCredentials failed: ${error.message}`, fix, { cause: error, code: error.code });
      }
      throw error;
    }
    await storeCachedCredentials(cache, session.id, credentials);
    this.deps.logger.info(`Session "${session.alias}": role credentials until ${credentials.expiration?.toISOString()}.`);
    return credentials;
  }

  /** Portal Logout, tokens deleted, the integration's sessions stopped and their cached credentials dropped. */
  async logout(id: string, options: { remote?: boolean } = {}): Promise<void> {
    const integration = await this.integration(id);
    const token = await this.vault.token(id);
    if (token && options.remote !== false && Date.parse(token.expiresAt) > this.deps.clock.now()) {
      try {
        await this.deps.portal.logout(integration.ssoRegion, token.accessToken);
      } catch (error) {
        this.deps.logger.warn(`Integration "${integration.alias}": portal logout failed (${error instanceof Error ? error.message : String(error)}); the local tokens are deleted anyway.`);
      }
    }
    await this.vault.deleteToken(id);
    const state = await this.deps.state.read();
    const own = state.sessions.filter((s) => isSsoSessionOf(s, id));
    for (const s of own) if (state.active[s.id]) await this.deps.stopSession(s.id);
    for (const s of own) await clearCachedCredentials(this.deps.secrets, s.id);
    this.deps.logger.info(`Integration "${integration.alias}": logged out; its ${own.length} sessions are kept, inactive.`);
    this.loginChanged(id);
  }

  /** Log out, then remove the integration, its sessions and every secret of both. */
  async deleteIntegration(id: string): Promise<{ removed: number; orphaned: string[] }> {
    const integration = await this.integration(id);
    await this.logout(id);
    const state = await this.deps.state.read();
    const ids = new Set(state.sessions.filter((s) => isSsoSessionOf(s, id)).map((s) => s.id));
    let orphaned: string[] = [];
    await this.deps.state.update((s) => {
      orphaned = dependentsOf(s.sessions, ids).map((d) => d.alias);
      s.sessions = s.sessions.filter((x) => !ids.has(x.id));
      for (const sid of ids) delete s.active[sid];
      s.integrations = (s.integrations ?? []).filter((i) => i.id !== id);
    });
    // Integration-derived sessions store only cached role credentials.
    for (const sid of ids) await clearCachedCredentials(this.deps.secrets, sid);
    await this.vault.deleteAll(id);
    this.deps.logger.info(`Integration "${integration.alias}" deleted with its ${ids.size} sessions.`);
    this.loginChanged(id);
    return { removed: ids.size, orphaned };
  }
}
