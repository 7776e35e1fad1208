/**
 * Access to IAM Identity Center: logging in (PKCE or device code), the portal token kept fresh with the
 * refresh token (one refresh or login for concurrent callers), and the role credentials of integration
 * sessions. Tokens and client registrations live in the SecretVault (tokens.ts). It stops no session:
 * the integration service (ssoService.ts), built after the sessions, does that.
 */
import { SSO_SCOPE } from '../constants';
import { CancelledError, SessionError, UserFacingError } from '../errors';
import type { AwsCredentials, AwsSsoSession, PersistedState, SsoIntegration } from '../model';
import type { Clock, Logger, SecretVault, StateStore } from '../ports';
import { reusableCachedCredentials, storeCachedCredentials } from '../credentialCache';
import { deviceLogin, pkceLogin, type ClientCredentials, type LoginUi } from './login';
import type { LoginFlowKind, OidcGateway, TokenResponse } from './oidc';
import { PortalError, type SsoPortal } from './portal';
import { IntegrationSecrets, type StoredToken } from './tokens';
import type { CliTokenCache } from './cliTokenCache';
import { createHash } from 'node:crypto';

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex');
import { t } from '../l10n';

/** Margin before expiry at which an access token is refreshed. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface SsoAccessDeps {
  state: StateStore;
  secrets: SecretVault;
  oidc: OidcGateway;
  portal: SsoPortal;
  clock: Clock;
  logger: Logger;
  /** Which login to run: 'pkce' where the browser reaches this machine's loopback, else 'device'. */
  loginFlow: () => LoginFlowKind;
  /**
   * Ask the user to log in (their token is missing or was rejected) and run `login` under progress.
   * Resolves false when the user declines. Without it, a missing login is an error.
   */
  interactiveLogin?: (integration: SsoIntegration, reason: string, login: (ui: LoginUi) => Promise<void>) => Promise<boolean>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The AWS CLI's token cache: a login found there is used; ours is written there when the user opted in. */
  cliTokens?: CliTokenCache;
}

export type LoginState = 'loggedIn' | 'expired' | 'loggedOut';

/** The integration with this id, or a user-facing error (it may have been deleted in another window). */
export function requireIntegration(state: PersistedState, id: string): SsoIntegration {
  const found = state.integrations?.find((i) => i.id === id);
  if (!found) throw new UserFacingError(t('No IAM Identity Center integration with id {0}.', id), t('It may have been deleted in another window.'));
  return found;
}

export class SsoAccess {
  private readonly vault: IntegrationSecrets;
  private readonly tokenFlights = new Map<string, Promise<string>>();
  private readonly loginListeners = new Set<(integrationId: string) => void>();
  /** Fingerprints of AWS CLI tokens the portal refused: not used again (the file is not ours to delete). */
  private readonly refusedShared = new Set<string>();

  constructor(private readonly deps: SsoAccessDeps) {
    this.vault = new IntegrationSecrets(deps.secrets);
  }

  /** Fires when an integration logs in or out (its token was stored or deleted). */
  onDidChangeLogin(listener: (integrationId: string) => void): { dispose(): void } {
    this.loginListeners.add(listener);
    return { dispose: () => this.loginListeners.delete(listener) };
  }

  private loginChanged(id: string): void {
    for (const l of this.loginListeners) l(id);
  }

  private async integration(id: string): Promise<SsoIntegration> {
    return requireIntegration(await this.deps.state.read(), id);
  }

  async loginState(id: string): Promise<LoginState> {
    const token = await this.vault.token(id);
    if (token && (Date.parse(token.expiresAt) > this.deps.clock.now() || token.refreshToken)) return 'loggedIn';
    const integration = await this.integration(id).catch(() => undefined);
    if (integration && (await this.sharedToken(integration, 0))) return 'loggedIn';
    return token ? 'expired' : 'loggedOut';
  }

  /** A token of the AWS CLI's cache for the integration, valid for `minValidityMs` more and not refused before. */
  private async sharedToken(integration: SsoIntegration, minValidityMs: number): Promise<string | undefined> {
    const found = await this.deps.cliTokens?.find(integration.startUrl, integration.ssoRegion, this.deps.clock.now(), minValidityMs).catch(() => undefined);
    return found && !this.refusedShared.has(fingerprint(found.accessToken)) ? found.accessToken : undefined;
  }

  /** Interactive login; stores the token. */
  async login(id: string, ui: LoginUi, flow: LoginFlowKind = this.deps.loginFlow()): Promise<void> {
    const integration = await this.integration(id);
    const { oidc, clock } = this.deps;
    const issuedFor = `${integration.ssoRegion}|${oidc.endpoint(integration.ssoRegion)}`;
    const client = async (kind: LoginFlowKind, redirectUri?: string): Promise<ClientCredentials & { clientId: string }> => {
      const cached = await this.vault.client(id, kind, issuedFor, clock.now());
      if (cached) return cached;
      ui.report(t('Registering with IAM Identity Center…'));
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
    await this.publish(id, stored);
    return stored.accessToken;
  }

  /** With the opt-in: the token also into the AWS CLI's cache; a failure there is told, the login stands. */
  private async publish(id: string, token: StoredToken): Promise<void> {
    if (!this.deps.cliTokens) return;
    const integration = await this.integration(id).catch(() => undefined);
    if (!integration) return;
    try {
      const files = await this.deps.cliTokens.publish(integration.startUrl, integration.ssoRegion, token);
      if (files.length) this.deps.logger.info(`Integration "${integration.alias}": login shared with the AWS CLI (${files.join(', ')}).`);
    } catch (error) {
      this.deps.logger.warn(`Integration "${integration.alias}": the login could not be written to the AWS CLI's token cache (${error instanceof Error ? error.message : String(error)}).`);
    }
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
    const shared = await this.sharedToken(integration, TOKEN_REFRESH_MARGIN_MS);
    if (shared) {
      this.deps.logger.info(`Integration "${integration.alias}": using the AWS CLI's login (aws sso login) for this start URL.`);
      return shared;
    }
    return this.loginOrFail(integration, options, stored ? t('Your IAM Identity Center login has expired.') : t('You are not logged in to IAM Identity Center.'));
  }

  private async loginOrFail(integration: SsoIntegration, options: { interactive: boolean; reason?: string }, why: string): Promise<string> {
    if (options.interactive && this.deps.interactiveLogin) {
      const ok = await this.deps.interactiveLogin(integration, `${why}${options.reason ? ` ${options.reason}` : ''}`, (ui) => this.login(integration.id, ui));
      if (!ok) throw new CancelledError(t('The login to "{0}"', integration.alias));
      const token = await this.vault.token(integration.id);
      if (token) return token.accessToken;
    }
    throw new UserFacingError(t('Integration "{0}": {1}', integration.alias, why), t('Log in to the integration (right-click it in the AWS Sessions view), then try again.'));
  }

  /** The portal rejected the token (revoked, logged out elsewhere): drop it rather than reuse it until its expiry. */
  private async dropRejectedToken(integration: SsoIntegration): Promise<void> {
    this.deps.logger.warn(`Integration "${integration.alias}": the portal rejected the access token; it is deleted and a new login is needed.`);
    await this.vault.deleteToken(integration.id);
    this.loginChanged(integration.id);
  }

  /** Runs `work` with a token; on a rejected token, drops it, asks for a login and tries once more. */
  async withToken<T>(integration: SsoIntegration, interactive: boolean, reason: string, work: (token: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken(integration.id, { interactive, reason });
    try {
      return await work(token);
    } catch (error) {
      if (!(error instanceof PortalError) || !error.tokenRejected) throw error;
      this.refusedShared.add(fingerprint(token));
      await this.dropRejectedToken(integration);
      const again = await this.loginOrFail(integration, { interactive, reason }, t('The IAM Identity Center portal no longer accepts your login (revoked or signed out).'));
      return work(again);
    }
  }

  /** Credentials of an integration-derived session: cached ones while valid, else GetRoleCredentials. */
  async roleCredentials(session: AwsSsoSession, options: { minValidityMs?: number; background?: boolean; cache?: SecretVault } = {}): Promise<AwsCredentials> {
    const cache = options.cache ?? this.deps.secrets;
    const cached = await reusableCachedCredentials({ secrets: cache, clock: this.deps.clock, minValidityMs: options.minValidityMs }, session.id);
    if (cached) return cached;
    const integration = await this.integration(session.integrationId).catch(() => {
      throw new SessionError(session.alias, t('its IAM Identity Center integration no longer exists.'), t('Delete the session.'));
    });
    let credentials: AwsCredentials;
    try {
      // A background refresh (rotation) does not pop a login; it fails and the rotation tells the user once.
      credentials = await this.withToken(integration, !options.background, t('Log in to start "{0}".', session.alias), (token) =>
        this.deps.portal.getRoleCredentials(integration.ssoRegion, token, session.accountId, session.roleName),
      );
    } catch (error) {
      if (error instanceof PortalError) {
        const fix = error.httpStatus === 404 || error.httpStatus === 403 ? t('The role is no longer assigned to you: sync the integration.') : t('Try again; if it keeps failing, log in to the integration again.');
        throw new SessionError(session.alias, t('IAM Identity Center GetRoleCredentials failed: {0}', error.message), fix, { cause: error, code: error.code });
      }
      throw error;
    }
    await storeCachedCredentials(cache, session.id, credentials);
    this.deps.logger.info(`Session "${session.alias}": role credentials until ${credentials.expiration?.toISOString()}.`);
    return credentials;
  }

  /** Portal Logout (unless `remote` is false or the token has expired), then the token deleted. */
  async logout(integration: SsoIntegration, options: { remote?: boolean } = {}): Promise<void> {
    const token = await this.vault.token(integration.id);
    if (token && options.remote !== false && Date.parse(token.expiresAt) > this.deps.clock.now()) {
      try {
        await this.deps.portal.logout(integration.ssoRegion, token.accessToken);
      } catch (error) {
        this.deps.logger.warn(`Integration "${integration.alias}": portal logout failed (${error instanceof Error ? error.message : String(error)}); the local tokens are deleted anyway.`);
      }
    }
    await this.vault.deleteToken(integration.id);
    if (token) await this.deps.cliTokens?.withdraw(integration.startUrl, integration.ssoRegion, token.accessToken).catch(() => undefined);
    this.loginChanged(integration.id);
  }

  /** Every secret of the integration (token, client registrations): it is being deleted. */
  async forget(id: string): Promise<void> {
    await this.vault.deleteAll(id);
    this.loginChanged(id);
  }
}
