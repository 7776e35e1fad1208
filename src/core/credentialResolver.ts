/**
 * Where a session's credentials come from in this process: single-flight generation (concurrent
 * callers of one session share one generation, so one MFA prompt; across windows through the
 * generation lock), and what this process remembers in memory — credentials it generated for
 * credential_process and the CLI, and credentials it delivered last. Memory only: nothing here persists.
 * It follows the shared state itself: what it remembers of a session deleted or no longer active (in any
 * window) is dropped on the change, so a stop or delete needs no call here.
 */
import { MEMORY_CACHE_MARGIN_MS } from './constants';
import { DisposableOwner } from './disposables';
import { SessionError } from './errors';
import type { AwsCredentials, PersistedState } from './model';
import type { Clock, Logger, Prompter, SecretVault, StateStore } from './ports';
import type { StsGateway } from './aws/sts';
import type { SamlCapture } from './saml/capture';
import { sessionType } from './sessions/registry';
import type { GenerateContext, SsoCredentialsSource } from './sessions/sessionType';
import { clearCachedCredentials, readCachedCredentials } from './credentialCache';
import { assumerChainProblem } from './sessionGraph';
import { requireSession } from './sessionLookup';
import { t } from './l10n';

export interface CredentialOptions {
  /** Cached credentials must stay valid this much longer (rotation). */
  minValidityMs?: number;
  /** A rotation in the background (no window unless needed). */
  background?: boolean;
}

export interface CredentialResolverDeps {
  state: StateStore;
  secrets: SecretVault;
  sts: StsGateway;
  prompter: Prompter;
  clock: Clock;
  logger: Logger;
  /** The IdP sign-in for SAML sessions (VS Code side); absent in the CLI. */
  saml?: SamlCapture;
  /** Role credentials of IAM Identity Center sessions. */
  sso?: SsoCredentialsSource;
  /** Runs a generation under a lock shared by every window, so only one of them prompts or calls AWS. */
  generationLock?: <T>(sessionId: string, fn: () => Promise<T>) => Promise<T>;
}

export class CredentialResolver extends DisposableOwner {
  private readonly inflight = new Map<string, Promise<AwsCredentials>>();
  /** Credentials generated in this process, served without an AWS call while valid for a few minutes. */
  private readonly generated = new Map<string, AwsCredentials>();
  /** Credentials this process delivered last, per session. */
  private readonly delivered = new Map<string, AwsCredentials>();

  constructor(private readonly deps: CredentialResolverDeps) {
    super();
    this.register(deps.state.onDidChange((state) => this.forgetInactive(state)));
  }

  /**
   * Credentials for a session. Concurrent callers share one generation, so an MFA code is asked once.
   */
  credentials(id: string, options: CredentialOptions = {}): Promise<AwsCredentials> {
    const running = this.inflight.get(id);
    if (running) return running;
    const promise = (async () => {
      const generate = async () => {
        const state = await this.deps.state.read();
        const session = requireSession(state, id);
        const problem = assumerChainProblem(state.sessions, session);
        if (problem) throw new SessionError(session.alias, problem, t('Edit the session and choose another assumer session.'), { code: 'BrokenChain' });
        return sessionType(session.kind).generate(session, this.generateContext(options));
      };
      return this.deps.generationLock ? this.deps.generationLock(id, generate) : generate();
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, promise);
    return promise;
  }

  /**
   * Credentials for credential_process and the CLI: served from this process's memory (what it generated
   * or delivered) while valid for a few more minutes, with no AWS call; otherwise generated (one prompt for
   * any number of concurrent callers) and remembered.
   */
  async credentialsForProcess(id: string, minValidityMs = MEMORY_CACHE_MARGIN_MS): Promise<AwsCredentials> {
    const known = this.rememberedForProcess(id, minValidityMs);
    if (known) return known;
    const credentials = await this.credentials(id, { minValidityMs });
    if (credentials.expiration) this.generated.set(id, credentials);
    return credentials;
  }

  /** The credential_process fast path: what this process holds for the id, if still valid for `minValidityMs` (no file read). */
  rememberedForProcess(id: string, minValidityMs = MEMORY_CACHE_MARGIN_MS): AwsCredentials | undefined {
    const now = this.deps.clock.now();
    const fresh = (c: AwsCredentials | undefined) => (c?.expiration && c.expiration.getTime() - now > minValidityMs ? c : undefined);
    return fresh(this.generated.get(id)) ?? fresh(this.delivered.get(id));
  }

  /**
   * Credentials of an active session without any prompt or AWS call: what this process delivered,
   * else a session token cached in the vault. Undefined when neither is valid.
   */
  async currentCredentials(id: string): Promise<AwsCredentials | undefined> {
    const now = this.deps.clock.now();
    const valid = (c: AwsCredentials | undefined) => (c && (!c.expiration || c.expiration.getTime() > now) ? c : undefined);
    return valid(this.delivered.get(id)) ?? valid(await readCachedCredentials(this.deps.secrets, id));
  }

  /** What a session type's `generate` gets; chained types reach their assumer through `credentialsOf`. */
  generateContext(options: CredentialOptions = {}): GenerateContext {
    const { secrets, sts, prompter, clock, logger, saml, sso } = this.deps;
    return {
      secrets,
      sts,
      prompter,
      clock,
      logger,
      saml,
      sso,
      credentialsOf: (assumerId) => this.credentials(assumerId),
      // AWS refused the assumer's credentials: nothing of them may be served again, to a chain or to credential_process.
      forgetCredentialsOf: (assumerId) => this.forgetAll(assumerId),
      ...options,
    };
  }

  /** Remember what was just delivered for a session (served to credential_process and the terminal). */
  rememberDelivered(id: string, credentials: AwsCredentials): void {
    this.delivered.set(id, credentials);
  }

  /** The session's delivery was withdrawn. */
  forgetDelivered(id: string): void {
    this.delivered.delete(id);
  }

  /** The session was deleted: drop what was generated for credential_process. */
  forgetGenerated(id: string): void {
    this.generated.delete(id);
  }

  /** The session's secrets changed: drop everything held for it, in memory and the token cached in the vault. */
  async forgetAll(id: string): Promise<void> {
    this.generated.delete(id);
    this.delivered.delete(id);
    await clearCachedCredentials(this.deps.secrets, id);
  }

  /** Drop what this process remembers of sessions deleted (in any window) or no longer active. */
  private forgetInactive(state: PersistedState): void {
    for (const map of [this.generated, this.delivered]) for (const id of [...map.keys()]) if (!state.sessions.some((s) => s.id === id) || !state.active[id]) map.delete(id);
  }
}
