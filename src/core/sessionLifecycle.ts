/**
 * Running sessions: start (credentials, then delivery to the session's named profile), stop (withdraw
 * exactly what was delivered), refresh (rotation, claimed in shared state so one window does it), and
 * the active records in shared state that go with them.
 */
import { CancelledError, SessionError, UserFacingError } from './errors';
import type { AwsCredentials, DeliveryMode, Session } from './model';
import type { Clock, Logger, StateStore } from './ports';
import type { CredentialsDelivery } from './delivery';
import type { CredentialResolver } from './credentialResolver';
import { profileOf, requireSession } from './sessionLookup';

export interface SessionLifecycleDeps {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  delivery: CredentialsDelivery;
  /** Mode of sessions that have none of their own (the awsSessions.deliveryMode setting). */
  defaultDeliveryMode?: () => DeliveryMode;
  credentials: Pick<CredentialResolver, 'credentials' | 'rememberDelivered' | 'forgetDelivered'>;
}

export class SessionLifecycle {
  constructor(private readonly deps: SessionLifecycleDeps) {}

  /** The mode a session's credentials are delivered in: its own, else the default setting. */
  deliveryModeOf(session: Session): DeliveryMode {
    return session.deliveryMode ?? this.deps.defaultDeliveryMode?.() ?? 'credentialsFile';
  }

  /** Start a session: stop the other active session of its profile, get credentials, deliver them. */
  async start(id: string): Promise<void> {
    const state = await this.deps.state.read();
    const session = requireSession(state, id);
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
      const credentials = await this.deps.credentials.credentials(id);
      this.deps.credentials.rememberDelivered(id, credentials);
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
    this.deps.credentials.forgetDelivered(id);
    this.deps.logger.info(`Session "${alias}" stopped.`);
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
      const credentials = await this.deps.credentials.credentials(id, { minValidityMs: left + 1000, background: true });
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
