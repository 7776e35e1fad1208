/**
 * Creating, editing and deleting sessions: validate form values, secrets to the vault, the rest to
 * shared state; an edit that changes how an active session delivers restarts it. Also "Test
 * credentials" (a dry run from form values) and the small per-session settings (pin, delivery mode,
 * profile and region, the terminal's profile).
 */
import { SecretKeys, type SecretPurpose } from './constants';
import { SessionError, UserFacingError, ValidationError, type FieldProblem } from './errors';
import type { DeclaredMark, DeliveryMode, Session, SessionKind } from './model';
import type { Logger, SecretVault, StateStore } from './ports';
import type { CallerIdentity, StsGateway } from './aws/sts';
import { sessionType } from './sessions/registry';
import { PROFILE_FIELD, REGION_FIELD, type FormValues } from './sessions/sessionType';
import { sessionFromForm } from './sessions/sessionForm';
import { assumerChainProblem, dependentsOf } from './sessionGraph';
import { DryRunVault } from './sessions/dryRunVault';
import { validateForm } from './validation';
import type { CredentialResolver } from './credentialResolver';
import type { SessionLifecycle } from './sessionLifecycle';
import { findOrAddProfile, requireSession } from './sessionLookup';
import { t } from './l10n';

/** What "Test credentials" reports: who the fresh credentials are, and until when. */
export interface TestResult extends CallerIdentity {
  expiration?: string;
}

export interface SessionEditorDeps {
  state: StateStore;
  secrets: SecretVault;
  sts: StsGateway;
  logger: Logger;
  newId: () => string;
  credentials: Pick<CredentialResolver, 'generateContext' | 'forgetAll'>;
  lifecycle: Pick<SessionLifecycle, 'start' | 'stop' | 'deliveryModeOf'>;
  /** Removes what a deleted session keeps outside the state and the secrets (its console browser profile). */
  forgetLocalData?: (sessionId: string) => Promise<unknown>;
}

export class SessionEditor {
  constructor(private readonly deps: SessionEditorDeps) {}

  /** Which secrets of a session are stored (the form shows "stored", never the value). */
  async storedSecrets(sessionId: string, purposes: readonly SecretPurpose[]): Promise<Set<SecretPurpose>> {
    const present = await Promise.all(purposes.map(async (p) => [p, (await this.deps.secrets.get(SecretKeys.forSession(sessionId, p))) !== undefined] as const));
    return new Set(present.filter(([, has]) => has).map(([p]) => p));
  }

  /**
   * Create (no existingId) or edit a session from form values. Secrets go to the vault before the
   * session is persisted; an edit that changes profile, region or secrets of an active session restarts it.
   * `declaredBy`: the project file the session comes from (an edit keeps the mark it had).
   */
  async save(kind: SessionKind, values: FormValues, existingId?: string, options: { declaredBy?: DeclaredMark } = {}): Promise<Session> {
    const { existing, result } = await this.fromForm(kind, values, existingId, 'save');
    const id = result.session.id;

    for (const [purpose, value] of Object.entries(result.secrets) as Array<[SecretPurpose, string]>) {
      await this.deps.secrets.store(SecretKeys.forSession(id, purpose), value);
    }
    const secretsChanged = Object.keys(result.secrets).length > 0;
    if (existing && secretsChanged) await this.deps.credentials.forgetAll(id);

    let restart = false;
    const after = await this.deps.state.update((state) => {
      const session: Session = { ...result.session, profileId: findOrAddProfile(state, result.profileName, this.deps.newId).id };
      const declaredBy = options.declaredBy ?? existing?.declaredBy;
      if (declaredBy) session.declaredBy = declaredBy;
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
      await this.restart(id);
    }
    return saved;
  }

  /** Stop if active, then remove the session and every secret it stored; returns the chained sessions left without a working assumer. */
  async delete(id: string): Promise<{ orphaned: Session[] }> {
    const state = await this.deps.state.read();
    const session = requireSession(state, id);
    const orphaned = dependentsOf(state.sessions, id);
    if (state.active[id]) await this.deps.lifecycle.stop(id);
    await this.deps.state.update((s) => {
      s.sessions = s.sessions.filter((x) => x.id !== id);
      delete s.active[id];
      if (s.pinned) s.pinned = s.pinned.filter((x) => x !== id);
      if (s.lastUsed) delete s.lastUsed[id];
    });
    for (const key of SecretKeys.allFor(id)) await this.deps.secrets.delete(key);
    await this.deps.forgetLocalData?.(id).catch((error: unknown) => this.deps.logger.warn(`Session "${session.alias}": its local data could not be removed: ${error instanceof Error ? error.message : String(error)}`));
    this.deps.logger.info(`Session "${session.alias}" deleted with its secrets.`);
    if (orphaned.length) this.deps.logger.warn(`Chained sessions that needed "${session.alias}" cannot start until they get another assumer: ${orphaned.map((s) => `"${s.alias}"`).join(', ')}.`);
    return { orphaned };
  }

  /**
   * "Test credentials": a fresh set from the form's values (nothing saved, nothing delivered, no cached
   * token of this session used), then STS GetCallerIdentity with it. Throws the exact failure.
   */
  async testCredentials(kind: SessionKind, values: FormValues, existingId?: string): Promise<TestResult> {
    const { type, result } = await this.fromForm(kind, values, existingId, 'test');
    const { session, secrets } = result;
    const id = session.id;
    const credentials = await type.generate(session, { ...this.deps.credentials.generateContext(), secrets: new DryRunVault(this.deps.secrets, id, secrets) });
    let identity: CallerIdentity;
    try {
      identity = await this.deps.sts.getCallerIdentity({ credentials, region: session.region });
    } catch (error) {
      throw new SessionError(session.alias || t('new session'), error instanceof Error ? error.message : String(error), undefined, { cause: error });
    }
    this.deps.logger.info(`Session "${session.alias}": test credentials OK as ${identity.arn}.`);
    return { ...identity, expiration: credentials.expiration?.toISOString() };
  }

  /** Change how a session delivers credentials ('default' = follow the setting); an active session restarts in the new mode. */
  async setDeliveryMode(id: string, mode: DeliveryMode | 'default'): Promise<Session> {
    let restart = false;
    const after = await this.deps.state.update((state) => {
      const session = requireSession(state, id);
      const before = session.deliveryMode;
      if (mode === 'default') delete session.deliveryMode;
      else session.deliveryMode = mode;
      restart = state.active[id]?.status === 'active' && before !== session.deliveryMode;
    });
    const saved = after.sessions.find((s) => s.id === id)!;
    this.deps.logger.info(`Session "${saved.alias}" delivers credentials by ${this.deps.lifecycle.deliveryModeOf(saved)}${saved.deliveryMode ? '' : ' (the default)'}.`);
    if (restart) await this.restart(id);
    return saved;
  }

  /**
   * Move a session to another named profile and/or region. An active session restarts there: its old
   * profile's keys are removed and the new ones written.
   */
  async relocate(id: string, change: { profileName?: string; region?: string }): Promise<void> {
    const fields = [...(change.profileName !== undefined ? [PROFILE_FIELD] : []), ...(change.region !== undefined ? [REGION_FIELD] : [])];
    const { problems } = validateForm(fields, { profile: change.profileName ?? '', region: change.region ?? '' });
    if (problems.length > 0) throw new ValidationError(problems);
    const state = await this.deps.state.read();
    const session = requireSession(state, id);
    const wasActive = state.active[id]?.status === 'active';
    if (wasActive) await this.deps.lifecycle.stop(id);
    await this.deps.state.update((s) => {
      const target = s.sessions.find((x) => x.id === id);
      if (!target) return;
      if (change.profileName !== undefined) target.profileId = findOrAddProfile(s, change.profileName, this.deps.newId).id;
      if (change.region !== undefined) target.region = change.region;
    });
    this.deps.logger.info(`Session "${session.alias}" moved to ${change.profileName ? `profile "${change.profileName}"` : ''}${change.profileName && change.region ? ' and ' : ''}${change.region ? `region ${change.region}` : ''}.`);
    if (wasActive) await this.deps.lifecycle.start(id);
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

  /**
   * The session a form describes, checked field by field, between fields and along its assumer chain.
   * `save` refuses an edit of a vanished session or of another kind and a taken alias; `test` builds a
   * dry-run session (an id of its own when new).
   */
  private async fromForm(kind: SessionKind, values: FormValues, existingId: string | undefined, purpose: 'save' | 'test') {
    const type = sessionType(kind);
    const state = await this.deps.state.read();
    const existing = existingId ? state.sessions.find((s) => s.id === existingId) : undefined;
    if (purpose === 'save' && existingId && !existing) throw new UserFacingError(t('The session being edited no longer exists.'), t('It was deleted, perhaps in another window.'));
    if (purpose === 'save' && existing && existing.kind !== kind) throw new UserFacingError(t('A {0} session cannot become {1}.', existing.kind, kind));
    const id = existing?.id ?? (purpose === 'save' ? this.deps.newId() : `dry-run-${this.deps.newId()}`);
    const stored = existing ? await this.storedSecrets(id, type.secretFields) : new Set<SecretPurpose>();
    const taken = purpose === 'save' ? aliasTaken(values, state.sessions, existingId) : [];
    const result = sessionFromForm(type, values, { id, profileId: existing?.profileId ?? '' }, existing, stored, taken);
    const chainProblem = assumerChainProblem(state.sessions, result.session);
    if (chainProblem) throw new ValidationError([{ field: 'assumerSessionId', label: t('Assumer session'), message: chainProblem }]);
    const find = (sessionId: string) => state.sessions.find((s) => s.id === sessionId);
    const userCredentials = (sessionId: string) => {
      const other = find(sessionId);
      return !!other && !!sessionType(other.kind).userCredentials;
    };
    const related = type.relatedProblems?.(result.session, { find, userCredentials });
    if (related?.length) throw new ValidationError(related);
    return { type, existing, result };
  }

  private async restart(id: string): Promise<void> {
    await this.deps.lifecycle.stop(id);
    await this.deps.lifecycle.start(id);
  }
}

/** The problem when another session already has the form's alias (aliases are unique so the CLI can name them). */
function aliasTaken(values: FormValues, sessions: readonly Session[], existingId: string | undefined): FieldProblem[] {
  const alias = (values.alias ?? '').trim();
  return sessions.some((s) => s.id !== existingId && s.alias.toLowerCase() === alias.toLowerCase())
    ? [{ field: 'alias', label: t('Session alias'), message: t('"{0}" is already used by another session; aliases are unique so the CLI can name them', alias) }]
    : [];
}

/** Whether anything but the alias differs (an edit of such a field restarts an active session). */
function changedFields(a: Session, b: Session): boolean {
  return JSON.stringify({ ...a, alias: '' }) !== JSON.stringify({ ...b, alias: '' });
}
