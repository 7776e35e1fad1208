/**
 * The session lifecycle: save (validate, secrets to the vault, the rest to shared state), start
 * (credentials, delivery), stop (withdraw exactly what was delivered), delete.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_PROFILE_NAME, MEMORY_CACHE_MARGIN_MS, SecretKeys, type SecretPurpose } from './constants';
import { CancelledError, SessionError, UserFacingError, ValidationError, type FieldProblem } from './errors';
import { isDeliveryMode, type AwsCredentials, type DeliveryMode, type NamedProfile, type PersistedState, type Session, type SessionKind } from './model';
import type { Clock, Logger, Prompter, SecretVault, StateStore } from './ports';
import type { StsGateway } from './aws/sts';
import type { CredentialsDelivery } from './delivery';
import { sessionType } from './sessions/registry';
import type { FormValues, GenerateContext, SsoCredentialsSource } from './sessions/sessionType';
import { clearCachedCredentials, readCachedCredentials } from './sessions/credentialCache';
import { rules } from './validation';
import type { SamlCapture } from './saml/capture';
import type { CallerIdentity } from './aws/sts';
import { assumerChainProblem } from './sessions/graph';
import { DryRunVault } from './sessions/dryRunVault';

export interface SessionServiceDeps {
  state: StateStore;
  secrets: SecretVault;
  sts: StsGateway;
  prompter: Prompter;
  clock: Clock;
  logger: Logger;
  delivery: CredentialsDelivery;
  /** The IdP sign-in for SAML sessions (VS Code side); absent in the CLI. */
  saml?: SamlCapture;
  /** Role credentials of IAM Identity Center sessions. */
  sso?: SsoCredentialsSource;
  newId?: () => string;
  /** Mode of sessions that have none of their own (the awsSessions.deliveryMode setting). */
  defaultDeliveryMode?: () => DeliveryMode;
  /** Runs a generation under a lock shared by every window, so only one of them prompts or calls AWS. */
  generationLock?: <T>(sessionId: string, fn: () => Promise<T>) => Promise<T>;
}

/** What "Test credentials" reports: who the fresh credentials are, and until when. */
export interface TestResult extends CallerIdentity {
  expiration?: string;
}

export interface CredentialOptions {
  /** Cached credentials must stay valid this much longer (rotation). */
  minValidityMs?: number;
  /** A rotation in the background (no window unless needed). */
  background?: boolean;
}

export class SessionService {
  private readonly inflight = new Map<string, Promise<AwsCredentials>>();
  /** Credentials generated in this process, served without an AWS call while valid for a few minutes. */
  private readonly memo = new Map<string, AwsCredentials>();
  /** Credentials this process delivered last, per session (memory only). */
  private readonly delivered = new Map<string, AwsCredentials>();
  private readonly newId: () => string;

  constructor(private readonly deps: SessionServiceDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  async state(): Promise<PersistedState> {
    return this.deps.state.read();
  }

  async getSession(id: string): Promise<Session> {
    const session = (await this.deps.state.read()).sessions.find((s) => s.id === id);
    if (!session) throw new UserFacingError(`No session with id ${id}.`, 'It may have been deleted in another window.');
    return session;
  }

  /** Which secrets of a session are stored (the form shows "stored", never the value). */
  async storedSecrets(sessionId: string, purposes: readonly SecretPurpose[]): Promise<Set<SecretPurpose>> {
    const present = await Promise.all(purposes.map(async (p) => [p, (await this.deps.secrets.get(SecretKeys.forSession(sessionId, p))) !== undefined] as const));
    return new Set(present.filter(([, has]) => has).map(([p]) => p));
  }

  /**
   * Create (no existingId) or edit a session from form values. Secrets go to the vault before the
   * session is persisted; an edit that changes profile, region or secrets of an active session restarts it.
   */
  async save(kind: SessionKind, values: FormValues, existingId?: string): Promise<Session> {
    const type = sessionType(kind);
    const before = await this.deps.state.read();
    const existing = existingId ? before.sessions.find((s) => s.id === existingId) : undefined;
    if (existingId && !existing) throw new UserFacingError(`The session being edited no longer exists.`, 'It was deleted, perhaps in another window.');
    if (existing && existing.kind !== kind) throw new UserFacingError(`A ${existing.kind} session cannot become ${kind}.`);

    const profileName = (values.profile ?? DEFAULT_PROFILE_NAME).trim() || DEFAULT_PROFILE_NAME;
    const problems: FieldProblem[] = [];
    const profileProblem = rules.profileName(profileName);
    if (profileProblem) problems.push({ field: 'profile', label: 'Named profile', message: profileProblem });
    const alias = (values.alias ?? '').trim();
    if (before.sessions.some((s) => s.id !== existingId && s.alias.toLowerCase() === alias.toLowerCase())) {
      problems.push({ field: 'alias', label: 'Session alias', message: `"${alias}" is already used by another session; aliases are unique so the CLI can name them` });
    }
    const rawMode = values.deliveryMode?.trim();
    let deliveryMode: DeliveryMode | undefined = existing?.deliveryMode;
    if (rawMode !== undefined) {
      if (rawMode === '' || rawMode === 'default') deliveryMode = undefined;
      else if (isDeliveryMode(rawMode)) deliveryMode = rawMode;
      else problems.push({ field: 'deliveryMode', label: 'Delivery', message: `"${rawMode}" is not credentialsFile, credentialProcess or default` });
    }
    const id = existing?.id ?? this.newId();
    const stored = existing ? await this.storedSecrets(id, type.secretFields) : new Set<SecretPurpose>();
    let result;
    try {
      result = type.fromForm(values, { id, profileId: '' }, existing, stored);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError([...problems, ...error.problems]);
      throw error;
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const chainProblem = assumerChainProblem(before.sessions, result.session);
    if (chainProblem) throw new ValidationError([{ field: 'assumerSessionId', label: 'Assumer session', message: chainProblem }]);

    for (const [purpose, value] of Object.entries(result.secrets) as Array<[SecretPurpose, string]>) {
      await this.deps.secrets.store(SecretKeys.forSession(id, purpose), value);
    }
    const secretsChanged = Object.keys(result.secrets).length > 0;
    if (existing && secretsChanged) {
      this.memo.delete(id);
      this.delivered.delete(id);
      await clearCachedCredentials(this.deps.secrets, id);
    }

    let restart = false;
    const after = await this.deps.state.update((state) => {
      const profile = findOrAddProfile(state, profileName, this.newId);
      const session = { ...result.session, profileId: profile.id } as Session;
      if (deliveryMode) session.deliveryMode = deliveryMode;
      else delete session.deliveryMode;
      const index = state.sessions.findIndex((s) => s.id === id);
      if (index >= 0) {
        const old = state.sessions[index];
        const active = state.active[id];
        restart = !!active && active.status !== 'error' && (old.profileId !== session.profileId || old.region !== session.region || secretsChanged || changedFields(old, session));
        state.sessions[index] = session;
      } else {
        state.sessions.push(session);
      }
    });
    const saved = after.sessions.find((s) => s.id === id)!;
    this.deps.logger.info(`Session "${saved.alias}" ${existing ? 'updated' : 'created'}.`);
    if (restart) {
      this.deps.logger.info(`Session "${saved.alias}" restarts with its new settings.`);
      await this.stop(id);
      await this.start(id);
    }
    return saved;
  }

  /** Stop if active, then remove the session and every secret it stored. */
  async delete(id: string): Promise<void> {
    const session = await this.getSession(id);
    const state = await this.deps.state.read();
    if (state.active[id]) await this.stop(id);
    await this.deps.state.update((s) => {
      s.sessions = s.sessions.filter((x) => x.id !== id);
      delete s.active[id];
      if (s.pinned) s.pinned = s.pinned.filter((x) => x !== id);
      if (s.lastUsed) delete s.lastUsed[id];
    });
    this.memo.delete(id);
    for (const key of SecretKeys.allFor(id)) await this.deps.secrets.delete(key);
    this.deps.logger.info(`Session "${session.alias}" deleted with its secrets.`);
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
        const session = state.sessions.find((s) => s.id === id);
        if (!session) throw new UserFacingError(`No session with id ${id}.`, 'It may have been deleted in another window.');
        const problem = assumerChainProblem(state.sessions, session);
        if (problem) throw new SessionError(session.alias, problem, 'Edit the session and choose another assumer session.', { code: 'BrokenChain' });
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
  async credentialsForProcess(id: string): Promise<AwsCredentials> {
    const known = this.rememberedForProcess(id);
    if (known) return known;
    const credentials = await this.credentials(id, { minValidityMs: MEMORY_CACHE_MARGIN_MS });
    if (credentials.expiration) this.memo.set(id, credentials);
    return credentials;
  }

  /** The credential_process fast path: what this process holds for the id, if still valid for a few minutes (no file read). */
  rememberedForProcess(id: string): AwsCredentials | undefined {
    const c = this.memo.get(id) ?? this.delivered.get(id);
    return c?.expiration && c.expiration.getTime() - this.deps.clock.now() > MEMORY_CACHE_MARGIN_MS ? c : undefined;
  }

  /** Drop what this process remembers of sessions deleted (in any window) or no longer active. */
  forgetInactive(state: PersistedState): void {
    for (const map of [this.memo, this.delivered]) for (const id of [...map.keys()]) if (!state.sessions.some((s) => s.id === id) || !state.active[id]) map.delete(id);
  }

  /** The mode a session's credentials are delivered in: its own, else the default setting. */
  deliveryModeOf(session: Session): DeliveryMode {
    return session.deliveryMode ?? this.deps.defaultDeliveryMode?.() ?? 'credentialsFile';
  }

  /** Change how a session delivers credentials ('default' = follow the setting); an active session restarts in the new mode. */
  async setDeliveryMode(id: string, mode: DeliveryMode | 'default'): Promise<Session> {
    let restart = false;
    const after = await this.deps.state.update((state) => {
      const session = state.sessions.find((s) => s.id === id);
      if (!session) throw new UserFacingError(`No session with id ${id}.`, 'It may have been deleted in another window.');
      const before = session.deliveryMode;
      if (mode === 'default') delete session.deliveryMode;
      else session.deliveryMode = mode;
      restart = state.active[id]?.status === 'active' && before !== session.deliveryMode;
    });
    const saved = after.sessions.find((s) => s.id === id)!;
    this.deps.logger.info(`Session "${saved.alias}" delivers credentials by ${this.deliveryModeOf(saved)}${saved.deliveryMode ? '' : ' (the default)'}.`);
    if (restart) {
      await this.stop(id);
      await this.start(id);
    }
    return saved;
  }

  private generateContext(options: CredentialOptions = {}): GenerateContext {
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
      forgetCredentialsOf: async (assumerId) => {
        this.delivered.delete(assumerId);
        await clearCachedCredentials(secrets, assumerId);
      },
      ...options,
    };
  }

  /**
   * "Test credentials": a fresh set from the form's values (nothing saved, nothing delivered, no cached
   * token of this session used), then STS GetCallerIdentity with it. Throws the exact failure.
   */
  async testCredentials(kind: SessionKind, values: FormValues, existingId?: string): Promise<TestResult> {
    const type = sessionType(kind);
    const state = await this.deps.state.read();
    const existing = existingId ? state.sessions.find((s) => s.id === existingId) : undefined;
    const id = existing?.id ?? `dry-run-${this.newId()}`;
    const stored = existing ? await this.storedSecrets(id, type.secretFields) : new Set<SecretPurpose>();
    const { session, secrets } = type.fromForm(values, { id, profileId: existing?.profileId ?? '' }, existing, stored);
    const chainProblem = assumerChainProblem(state.sessions, session);
    if (chainProblem) throw new ValidationError([{ field: 'assumerSessionId', label: 'Assumer session', message: chainProblem }]);
    const credentials = await type.generate(session, { ...this.generateContext(), secrets: new DryRunVault(this.deps.secrets, id, secrets) });
    let identity: CallerIdentity;
    try {
      identity = await this.deps.sts.getCallerIdentity({ credentials, region: session.region });
    } catch (error) {
      throw new SessionError(session.alias || 'new session', error instanceof Error ? error.message : String(error), undefined, { cause: error });
    }
    this.deps.logger.info(`Session "${session.alias}": test credentials OK as ${identity.arn}.`);
    return { ...identity, expiration: credentials.expiration?.toISOString() };
  }

  /**
   * Rotation: fresh credentials for an active (or expired) session, delivered over the previous ones.
   * Returns undefined when the session is no longer active, or another window holds the refresh claim.
   */
  async refresh(id: string, claimMs = 120_000): Promise<AwsCredentials | undefined> {
    const now = this.deps.clock.now();
    let claimed = false;
    const before = await this.deps.state.update((s) => {
      const active = s.active[id];
      if (!active || (active.status !== 'active' && active.status !== 'expired')) return;
      if (active.refreshClaimUntil && Date.parse(active.refreshClaimUntil) > now) return;
      active.refreshClaimUntil = new Date(now + claimMs).toISOString();
      claimed = true;
    });
    if (!claimed) return undefined;
    const session = before.sessions.find((s) => s.id === id);
    const current = before.active[id];
    try {
      if (!session) return undefined;
      const left = current.expiration ? Math.max(0, Date.parse(current.expiration) - now) : 0;
      const credentials = await this.credentials(id, { minValidityMs: left + 1000, background: true });
      const state = await this.deps.state.read();
      const active = state.active[id];
      const still = state.sessions.find((s) => s.id === id);
      if (!active || !still || (active.status !== 'active' && active.status !== 'expired')) return undefined;
      const profile = profileOf(state, still);
      const delivery = await this.deps.delivery.deliver({ profileName: profile.name, region: still.region, sessionAlias: still.alias, sessionId: id, mode: this.deliveryModeOf(still) }, credentials, active.delivery);
      await this.deps.state.update((s) => {
        const a = s.active[id];
        if (!a) return;
        s.active[id] = { ...a, status: 'active', error: undefined, expiration: credentials.expiration?.toISOString(), issuedAt: new Date(this.deps.clock.now()).toISOString(), delivery, refreshClaimUntil: undefined };
      });
      this.deps.logger.info(`Session "${still.alias}" refreshed until ${credentials.expiration?.toISOString()}.`);
      return credentials;
    } finally {
      await this.deps.state.update((s) => {
        if (s.active[id]?.refreshClaimUntil) s.active[id].refreshClaimUntil = undefined;
      });
    }
  }

  /** The credentials of an active session ran out before a refresh succeeded. */
  async markExpired(id: string, reason: string): Promise<void> {
    await this.deps.state.update((s) => {
      const a = s.active[id];
      if (a && a.status === 'active') s.active[id] = { ...a, status: 'expired', error: reason };
    });
  }

  /** Start a session: stop the other active session of its profile, get credentials, deliver them. */
  async start(id: string): Promise<void> {
    const session = await this.getSession(id);
    const state = await this.deps.state.read();
    const profile = profileOf(state, session);
    for (const other of state.sessions) {
      if (other.id !== id && other.profileId === session.profileId && state.active[other.id]) {
        this.deps.logger.info(`Profile "${profile.name}": stopping "${other.alias}" to start "${session.alias}".`);
        await this.stop(other.id);
      }
    }
    const previous = state.active[id];
    await this.setStatus(id, { status: 'starting', delivery: previous?.delivery });
    try {
      const credentials = await this.credentials(id);
      this.delivered.set(id, credentials);
      const target = { profileName: profile.name, region: session.region, sessionAlias: session.alias, sessionId: id, mode: this.deliveryModeOf(session) };
      const delivery = await this.deps.delivery.deliver(target, credentials, previous?.delivery);
      await this.deps.state.update((s) => {
        s.active[id] = {
          sessionId: id,
          status: 'active',
          expiration: credentials.expiration?.toISOString(),
          delivery,
          startedAt: new Date(this.deps.clock.now()).toISOString(),
          issuedAt: new Date(this.deps.clock.now()).toISOString(),
        };
        s.terminalProfile = profile.name;
        s.lastUsed = { ...s.lastUsed, [id]: new Date(this.deps.clock.now()).toISOString() };
      });
      this.deps.logger.info(`Session "${session.alias}" started on profile "${profile.name}" until ${credentials.expiration?.toISOString() ?? 'no expiry'}.`);
    } catch (error) {
      if (error instanceof CancelledError) {
        await this.clearStatus(id, previous?.delivery);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      await this.setStatus(id, { status: 'error', error: message, delivery: previous?.delivery });
      if (error instanceof UserFacingError) throw error;
      throw new SessionError(session.alias, message, undefined, { cause: error });
    }
  }

  /** Stop a session: withdraw exactly what its delivery wrote. The cached session token stays for reuse. */
  async stop(id: string): Promise<void> {
    const state = await this.deps.state.read();
    const active = state.active[id];
    const alias = state.sessions.find((s) => s.id === id)?.alias ?? id;
    if (active?.delivery) {
      try {
        await this.deps.delivery.withdraw(active.delivery);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new SessionError(alias, `could not remove its credentials: ${message}`, 'Fix the file named above, then stop the session again.', { cause: error });
      }
    }
    await this.deps.state.update((s) => {
      delete s.active[id];
    });
    this.delivered.delete(id);
    this.deps.logger.info(`Session "${alias}" stopped.`);
  }

  /**
   * Move a session to another named profile and/or region. An active session restarts there: its old
   * profile's keys are removed and the new ones written.
   */
  async relocate(id: string, change: { profileName?: string; region?: string }): Promise<void> {
    const problems: FieldProblem[] = [];
    if (change.profileName !== undefined) {
      const p = rules.profileName(change.profileName);
      if (p) problems.push({ field: 'profile', label: 'Named profile', message: p });
    }
    if (change.region !== undefined) {
      const p = rules.region(change.region);
      if (p) problems.push({ field: 'region', label: 'Region', message: p });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const session = await this.getSession(id);
    const wasActive = (await this.deps.state.read()).active[id]?.status === 'active';
    if (wasActive) await this.stop(id);
    await this.deps.state.update((s) => {
      const target = s.sessions.find((x) => x.id === id);
      if (!target) return;
      if (change.profileName !== undefined) target.profileId = findOrAddProfile(s, change.profileName, this.newId).id;
      if (change.region !== undefined) target.region = change.region;
    });
    this.deps.logger.info(`Session "${session.alias}" moved to ${change.profileName ? `profile "${change.profileName}"` : ''}${change.profileName && change.region ? ' and ' : ''}${change.region ? `region ${change.region}` : ''}.`);
    if (wasActive) await this.start(id);
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

  async setPinned(id: string, pinned: boolean): Promise<void> {
    await this.deps.state.update((s) => {
      const set = new Set(s.pinned ?? []);
      if (pinned) set.add(id);
      else set.delete(id);
      s.pinned = [...set];
    });
  }

  /** Which profile new integrated terminals get (AWS_PROFILE). */
  async setTerminalProfile(profileName: string): Promise<void> {
    await this.deps.state.update((s) => {
      s.terminalProfile = profileName;
    });
  }

  private async setStatus(id: string, patch: { status: 'starting' | 'error'; error?: string; delivery?: Record<string, unknown> }): Promise<void> {
    await this.deps.state.update((s) => {
      s.active[id] = { sessionId: id, status: patch.status, error: patch.error, delivery: patch.delivery };
    });
  }

  private async clearStatus(id: string, delivery: Record<string, unknown> | undefined): Promise<void> {
    await this.deps.state.update((s) => {
      if (delivery) s.active[id] = { ...s.active[id], status: 'active', delivery };
      else delete s.active[id];
    });
  }
}

function changedFields(a: Session, b: Session): boolean {
  return JSON.stringify({ ...a, alias: '' }) !== JSON.stringify({ ...b, alias: '' });
}

export function profileOf(state: PersistedState, session: Session): NamedProfile {
  return state.profiles.find((p) => p.id === session.profileId) ?? state.profiles.find((p) => p.name === DEFAULT_PROFILE_NAME)!;
}

function findOrAddProfile(state: PersistedState, name: string, newId: () => string): NamedProfile {
  let profile = state.profiles.find((p) => p.name === name);
  if (!profile) {
    profile = { id: newId(), name };
    state.profiles.push(profile);
  }
  return profile;
}
