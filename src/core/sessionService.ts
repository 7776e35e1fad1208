/**
 * The one entry point the extension, the IPC handlers and the CLI use for sessions. A façade over:
 * - credentialResolver.ts  single-flight credentials and what this process remembers of them
 * - sessionLifecycle.ts    start, stop, refresh (rotation), expiry
 * - sessionEditor.ts       save, delete, test credentials, per-session settings
 */
import type { SecretPurpose } from './constants';
import type { AwsCredentials, DeliveryMode, PersistedState, Session, SessionKind } from './model';
import type { CredentialsDelivery } from './delivery';
import type { FormValues } from './sessions/sessionType';
import { CredentialResolver, type CredentialOptions, type CredentialResolverDeps } from './credentialResolver';
import { SessionLifecycle } from './sessionLifecycle';
import { SessionEditor, type TestResult } from './sessionEditor';
import { requireSession } from './sessionLookup';
import { newId } from './ids';

export type { CredentialOptions } from './credentialResolver';
export type { TestResult } from './sessionEditor';

/** What the credential resolver needs (state, vault, STS, prompts, SAML, SSO, the cross-window lock), plus delivery. */
export interface SessionServiceDeps extends CredentialResolverDeps {
  delivery: CredentialsDelivery;
  newId?: () => string;
  /** Mode of sessions that have none of their own (the awsSessions.deliveryMode setting). */
  defaultDeliveryMode?: () => DeliveryMode;
}

export class SessionService {
  private readonly resolver: CredentialResolver;
  private readonly lifecycle: SessionLifecycle;
  private readonly editor: SessionEditor;

  constructor(private readonly deps: SessionServiceDeps) {
    this.resolver = new CredentialResolver(deps);
    this.lifecycle = new SessionLifecycle({ ...deps, credentials: this.resolver });
    this.editor = new SessionEditor({ ...deps, newId: deps.newId ?? newId, credentials: this.resolver, lifecycle: this.lifecycle });
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────

  async state(): Promise<PersistedState> {
    return this.deps.state.read();
  }

  async getSession(id: string): Promise<Session> {
    return requireSession(await this.deps.state.read(), id);
  }

  // ── editing (sessionEditor.ts) ─────────────────────────────────────────────────────────────

  /** Which secrets of a session are stored (the form shows "stored", never the value). */
  storedSecrets(sessionId: string, purposes: readonly SecretPurpose[]): Promise<Set<SecretPurpose>> {
    return this.editor.storedSecrets(sessionId, purposes);
  }

  /** Create (no existingId) or edit a session from form values; an active session restarts when its delivery changes. */
  save(kind: SessionKind, values: FormValues, existingId?: string): Promise<Session> {
    return this.editor.save(kind, values, existingId);
  }

  /** Stop if active, then remove the session and every secret it stored. */
  delete(id: string): Promise<{ orphaned: Session[] }> {
    return this.editor.delete(id);
  }

  /** "Test credentials": fresh credentials from form values (nothing saved or delivered), then GetCallerIdentity. */
  testCredentials(kind: SessionKind, values: FormValues, existingId?: string): Promise<TestResult> {
    return this.editor.testCredentials(kind, values, existingId);
  }

  /** Change how a session delivers credentials ('default' = follow the setting); an active session restarts in the new mode. */
  setDeliveryMode(id: string, mode: DeliveryMode | 'default'): Promise<Session> {
    return this.editor.setDeliveryMode(id, mode);
  }

  /** Move a session to another named profile and/or region; an active session restarts there. */
  relocate(id: string, change: { profileName?: string; region?: string }): Promise<void> {
    return this.editor.relocate(id, change);
  }

  setPinned(id: string, pinned: boolean): Promise<void> {
    return this.editor.setPinned(id, pinned);
  }

  /** Which profile new integrated terminals get (AWS_PROFILE). */
  setTerminalProfile(profileName: string): Promise<void> {
    return this.editor.setTerminalProfile(profileName);
  }

  // ── running (sessionLifecycle.ts) ──────────────────────────────────────────────────────────

  /** The mode a session's credentials are delivered in: its own, else the default setting. */
  deliveryModeOf(session: Session): DeliveryMode {
    return this.lifecycle.deliveryModeOf(session);
  }

  /** Start a session: stop the other active session of its profile, get credentials, deliver them. */
  start(id: string): Promise<void> {
    return this.lifecycle.start(id);
  }

  /** Stop a session: withdraw exactly what its delivery wrote. The cached session token stays for reuse. */
  stop(id: string): Promise<void> {
    return this.lifecycle.stop(id);
  }

  /** Rotation: fresh credentials delivered over the previous ones; undefined when inactive or claimed by another window. */
  refresh(id: string, claimMs?: number): Promise<AwsCredentials | undefined> {
    return this.lifecycle.refresh(id, claimMs);
  }

  /** Finish or undo the starts, refreshes and stops a crashed process left; the ids of the sessions recovered. Run at activation. */
  recoverInterrupted(): Promise<string[]> {
    return this.lifecycle.recoverInterrupted();
  }

  /** The credentials of an active session ran out before a refresh succeeded. */
  markExpired(id: string, reason: string): Promise<void> {
    return this.lifecycle.markExpired(id, reason);
  }

  // ── credentials (credentialResolver.ts) ────────────────────────────────────────────────────

  /** Credentials for a session. Concurrent callers share one generation, so an MFA code is asked once. */
  credentials(id: string, options?: CredentialOptions): Promise<AwsCredentials> {
    return this.resolver.credentials(id, options);
  }

  /** Credentials for credential_process and the CLI: from this process's memory while valid for a few minutes, else generated. */
  credentialsForProcess(id: string): Promise<AwsCredentials> {
    return this.resolver.credentialsForProcess(id);
  }

  /** The credential_process fast path: what this process holds for the id, if still valid for a few minutes (no file read). */
  rememberedForProcess(id: string): AwsCredentials | undefined {
    return this.resolver.rememberedForProcess(id);
  }

  /** Credentials of an active session without any prompt or AWS call (delivered here, or cached in the vault). */
  currentCredentials(id: string): Promise<AwsCredentials | undefined> {
    return this.resolver.currentCredentials(id);
  }

  /** Drop what this process remembers of sessions deleted (in any window) or no longer active. */
  forgetInactive(state: PersistedState): void {
    this.resolver.forgetInactive(state);
  }
}
