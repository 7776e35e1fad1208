/**
 * Web console sign-in for any session: credentials that can sign in (a federation token for an IAM
 * User, the session's role credentials otherwise) → the federation endpoint's getSigninToken → a login
 * URL for the console of the session's region, opened after signing out of any console session.
 */
import { CONSOLE_SESSION_DEFAULT_SECONDS, CONSOLE_SESSION_MAX_SECONDS, CONSOLE_SESSION_MIN_SECONDS, SESSION_TOKEN_REUSE_MARGIN_MS } from '../constants';
import { SessionError } from '../errors';
import type { AwsCredentials, PersistedState, Session } from '../model';
import type { Clock, Logger, Prompter, SecretVault, StateStore } from '../ports';
import type { StsGateway } from '../aws/sts';
import type { CredentialResolver } from '../credentialResolver';
import { requireSession } from '../sessionLookup';
import { sessionType } from '../sessions/registry';
import type { GenerateContext } from '../sessions/sessionType';
import { consoleDestination, consoleHosts, loginUrl, logoutThenUrl, signinTokenUrl, type ConsoleHostOverrides } from './urls';
import { t } from '../l10n';

/** The part of `fetch` the sign-in uses (injected: tests pass a fake or the global one). */
export type FetchLike = (url: string, init?: { signal?: AbortSignal; redirect?: 'manual' | 'follow' }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface ConsoleSignInDeps {
  state: Pick<StateStore, 'read'>;
  /** The session's own credentials (role sessions) and the assumer's (chains). */
  resolver: Pick<CredentialResolver, 'credentials' | 'currentCredentials'>;
  secrets: SecretVault;
  sts: StsGateway;
  prompter: Prompter;
  clock: Clock;
  logger: Logger;
  fetch: FetchLike;
  /** Read at each sign-in. */
  hostOverrides: () => ConsoleHostOverrides;
  /** The console session duration setting (clamped to 900–43200). */
  sessionDurationSeconds: () => number | undefined;
  requestTimeoutMs?: number;
}

export interface ConsoleLink {
  /** The login URL (sign-in token inside, valid 15 minutes and once; no credentials). */
  url: string;
  /** Open this one in a shared browser: signs out of its console session first, then follows on to `url` (a profile of the session's own opens `url`). */
  openUrl: string;
  /** When the sign-in token stops working. */
  tokenExpiresAt: Date;
  /** Console session length asked for, or undefined when AWS sets it (role chaining, IAM User). */
  sessionDurationSeconds?: number;
  /** How the credentials were obtained, for the log and the message. */
  via: 'GetFederationToken' | 'role credentials';
}

/** Sign-in tokens expire 15 minutes after issue. */
export const SIGNIN_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export function clampConsoleDuration(seconds: number | undefined): number {
  if (seconds === undefined || !Number.isFinite(seconds)) return CONSOLE_SESSION_DEFAULT_SECONDS;
  return Math.min(CONSOLE_SESSION_MAX_SECONDS, Math.max(CONSOLE_SESSION_MIN_SECONDS, Math.round(seconds)));
}

/**
 * Whether the session's credentials come from role chaining (a role assumed with another role's
 * credentials): the federation endpoint then refuses SessionDuration.
 */
export function isRoleChained(state: PersistedState, session: Session): boolean {
  const assumerId = sessionType(session.kind).dependsOn?.(session);
  if (assumerId === undefined) return false;
  const assumer = state.sessions.find((s) => s.id === assumerId);
  return !!assumer && !sessionType(assumer.kind).userCredentials;
}

export class ConsoleSignIn {
  constructor(private readonly deps: ConsoleSignInDeps) {}

  /** The session (id and alias) a link is for. */
  async session(sessionId: string): Promise<{ id: string; alias: string }> {
    const session = requireSession(await this.deps.state.read(), sessionId);
    return { id: session.id, alias: session.alias };
  }

  /** A fresh sign-in link for a session (never logged: it signs whoever holds it in). */
  async link(sessionId: string): Promise<ConsoleLink> {
    const { resolver, clock, logger } = this.deps;
    const state = await this.deps.state.read();
    const session = requireSession(state, sessionId);
    const type = sessionType(session.kind);
    const duration = clampConsoleDuration(this.deps.sessionDurationSeconds());
    let credentials: AwsCredentials;
    let sessionDurationSeconds: number | undefined;
    let via: ConsoleLink['via'];
    if (type.consoleCredentials) {
      credentials = await type.consoleCredentials(session, this.context(), duration);
      via = 'GetFederationToken';
    } else {
      const current = await resolver.currentCredentials(sessionId);
      const fresh = current?.expiration && current.expiration.getTime() - clock.now() > SESSION_TOKEN_REUSE_MARGIN_MS;
      credentials = fresh && current ? current : await resolver.credentials(sessionId);
      sessionDurationSeconds = isRoleChained(state, session) ? undefined : duration;
      // l10n-ignore: an id of how the link was made (the log)
      via = 'role credentials';
    }
    if (!credentials.sessionToken) {
      throw new SessionError(session.alias, t('its credentials are long-term keys, which cannot sign in to the console.'), t('Use a session with temporary credentials.'));
    }
    const hosts = consoleHosts(session.region, this.deps.hostOverrides());
    const token = await this.signinToken(session, hosts.signin, signinTokenUrl(hosts, { sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }, sessionDurationSeconds));
    const url = loginUrl(hosts, token, consoleDestination(hosts, session.region));
    logger.info(
      `Session "${session.alias}": console sign-in link made with ${via}` +
        (sessionDurationSeconds ? ` (console session ${sessionDurationSeconds} s)` : ' (console session as long as the credentials)') +
        ` for ${hosts.console}.`,
    );
    return { url, openUrl: logoutThenUrl(hosts, url), tokenExpiresAt: new Date(clock.now() + SIGNIN_TOKEN_LIFETIME_MS), sessionDurationSeconds, via };
  }

  private context(): GenerateContext {
    const { secrets, sts, prompter, clock, logger, resolver } = this.deps;
    return { secrets, sts, prompter, clock, logger, credentialsOf: (id) => resolver.credentials(id) };
  }

  private async signinToken(session: Session, signinHost: string, requestUrl: string): Promise<string> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.deps.requestTimeoutMs ?? 20_000);
    let status: number;
    let body: string;
    try {
      const response = await this.deps.fetch(requestUrl, { signal: controller.signal });
      status = response.status;
      body = await response.text();
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? (error.name === 'AbortError' ? t('timed out') : error.message)) : String(error);
      throw new SessionError(session.alias, t('could not reach the AWS sign-in endpoint {0} ({1}).', signinHost, cause), t('Check the network or proxy, then try again.'), { cause: error, code: 'SigninUnreachable' });
    } finally {
      clearTimeout(timer);
    }
    if (status !== 200) {
      // The endpoint answers errors with a page; keep a short, secret-free excerpt (it never echoes the credentials).
      const excerpt = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
      throw new SessionError(
        session.alias,
        t('the AWS sign-in endpoint refused its credentials (HTTP {0}{1}).', status, excerpt ? `: ${excerpt}` : ''),
        t('Start the session again for fresh credentials; if it persists, check that the role (or user) may sign in to the console.'),
        { code: 'SigninRefused' },
      );
    }
    let token: unknown;
    try {
      token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw new SessionError(session.alias, t('the AWS sign-in endpoint answered without a sign-in token.'), t('Try again in a moment.'), { code: 'SigninMalformed' });
    }
    return token;
  }
}
