/**
 * Running sessions: start (credentials, then delivery to the session's named profile), stop (withdraw
 * exactly what was delivered), refresh (rotation, claimed in shared state so one window does it), and
 * the active records in shared state that go with them. Each marks the session in flight and journals
 * its writes, and first finishes or undoes what a crashed process left (sessionRecovery.ts).
 */
import { CancelledError, SessionError, UserFacingError } from './errors';
import type { ActiveSession, AwsCredentials, DeliveryMode, DeliveryRecord, PersistedState, Session } from './model';
import type { Clock, Logger, StateStore } from './ports';
import type { CredentialsDelivery } from './delivery';
import type { CredentialResolver } from './credentialResolver';
import { DeliveryBatcher, type DeliverySlot } from './deliveryBatch';
import { profileOf, requireSession } from './sessionLookup';
import { ClaimConflict, endFlight, newFlight, SessionRecovery } from './sessionRecovery';
import { t } from './l10n';

export interface SessionLifecycleDeps {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  delivery: CredentialsDelivery;
  /** Mode of sessions that have none of their own (the awsSessions.deliveryMode setting). */
  defaultDeliveryMode?: () => DeliveryMode;
  /** What it remembers of a session no longer active goes by itself, on the state's change. */
  credentials: Pick<CredentialResolver, 'credentials' | 'rememberDelivered'>;
}

export class SessionLifecycle {
  private readonly recovery: SessionRecovery;
  /** Every start and refresh delivers through it: those of one group are written together. */
  private readonly batcher: DeliveryBatcher;

  constructor(private readonly deps: SessionLifecycleDeps) {
    this.recovery = new SessionRecovery(deps);
    this.batcher = new DeliveryBatcher(deps);
  }

  /**
   * Slots for `size` starts or refreshes begun together (a selection, the refreshes due at once): pass one to each;
   * their deliveries are written together once each has delivered or ended (deliveryBatch.ts).
   */
  deliveryGroup(size: number): DeliverySlot[] {
    return this.batcher.group(size);
  }

  /** Finish or undo the starts, refreshes and stops a crashed process left (at activation; also before each of them). */
  recoverInterrupted(): Promise<string[]> {
    return this.recovery.recover();
  }

  /** The mode a session's credentials are delivered in: its own, else the default setting. */
  deliveryModeOf(session: Session): DeliveryMode {
    return session.deliveryMode ?? this.deps.defaultDeliveryMode?.() ?? 'credentialsFile';
  }

  /**
   * Start a session: stop the other active session of its profile, get credentials, deliver them — at once, or
   * with the rest of the group of `slot` (from {@link deliveryGroup}), which it releases when it ends.
   */
  async start(id: string, slot: DeliverySlot = this.batcher.slot()): Promise<void> {
    try {
      await this.startIn(slot, id);
    } finally {
      slot.release();
    }
  }

  private async startIn(slot: DeliverySlot, id: string): Promise<void> {
    await this.recovery.recover(id);
    const state = await this.deps.state.read();
    const session = requireSession(state, id);
    const profile = profileOf(state, session);
    for (const other of state.sessions) {
      if (other.id !== id && other.profileId === session.profileId && state.active[other.id]) {
        this.deps.logger.info(`Profile "${profile.name}": stopping "${other.alias}" to start "${session.alias}".`);
        await this.stop(other.id);
      }
    }
    const flight = newFlight('start', this.deps.clock.now());
    // Marked in flight with the delivery's journal entry, in the same write, before any AWS file changes.
    let claimed = false;
    let before: ActiveSession | undefined;
    const settle = async (status: 'error' | 'cancelled', message?: string) => {
      if (claimed) {
        return this.recovery.endFailed(id, flight, (a) => {
          if (status === 'error') return { sessionId: id, status: 'error', error: message, delivery: a.delivery };
          return a.delivery ? { ...before, ...a, status: 'active' } : undefined;
        });
      }
      if (status === 'cancelled') return; // nothing was written
      await this.deps.state.update((s) => {
        const a = s.active[id];
        if (!a?.inFlight) s.active[id] = { sessionId: id, status: 'error', error: message, delivery: a?.delivery };
      });
    };
    try {
      const credentials = await this.deps.credentials.credentials(id);
      this.deps.credentials.rememberDelivered(id, credentials);
      const target = { profileName: profile.name, region: session.region, sessionAlias: session.alias, sessionId: id, mode: this.deliveryModeOf(session) };
      flight.expiration = credentials.expiration?.toISOString();
      const starting = (a: ActiveSession | undefined): ActiveSession => ({ sessionId: id, status: 'starting', delivery: a?.delivery });
      let stillOurs = false;
      const result = (s: PersistedState, delivery: DeliveryRecord) => {
        const a = s.active[id];
        if (claimed ? a?.inFlight?.token !== flight.token : a?.inFlight) return; // taken over (stopped meanwhile): the taker withdraws our writes
        stillOurs = true;
        const now = new Date(this.deps.clock.now()).toISOString();
        s.active[id] = { sessionId: id, status: 'active', expiration: credentials.expiration?.toISOString(), delivery, startedAt: now, issuedAt: now };
        s.terminalProfile = profile.name;
        s.lastUsed = { ...s.lastUsed, [id]: now };
      };
      const seen = (await this.deps.state.read()).active[id];
      let delivered = false;
      if (!seen?.delivery) {
        const journal = this.recovery.claimingJournal(id, flight, session.alias, seen, starting);
        const journalled = () => {
          claimed = true;
          before = seen;
        };
        delivered = await slot.deliver({ request: { target, credentials }, journal, journalled, settle: result }).then(
          () => true,
          (error: unknown) => {
            if (error instanceof ClaimConflict) return false; // changed meanwhile: the slow way below
            throw error;
          },
        );
      }
      if (!delivered) {
        // Delivered before (or changed meanwhile): take the record over first, withdrawing what another operation left pending.
        before = await this.recovery.takeOver(id, flight, starting);
        claimed = true;
        if (before?.inFlight?.pending) await this.deps.delivery.withdraw(before.inFlight.pending);
        await slot.deliver({ request: { target, credentials, previous: before?.delivery }, journal: this.recovery.journal(id, flight, session.alias), settle: result });
      }
      if (stillOurs) this.deps.logger.info(`Session "${session.alias}" started on profile "${profile.name}" until ${credentials.expiration?.toISOString() ?? 'no expiry'}.`);
      else this.deps.logger.info(`Session "${session.alias}" was stopped elsewhere while it started.`);
    } catch (error) {
      if (error instanceof CancelledError) {
        await settle('cancelled');
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      await settle('error', message);
      if (error instanceof UserFacingError) throw error;
      throw new SessionError(session.alias, message, undefined, { cause: error });
    } finally {
      endFlight(flight);
    }
  }

  /** Stop a session: withdraw exactly what its delivery wrote. The cached session token stays for reuse. */
  async stop(id: string): Promise<void> {
    await this.recovery.recover(id);
    const flight = newFlight('stop', this.deps.clock.now());
    try {
      const before = await this.recovery.takeOver(id, flight, (a) => a && { ...a });
      const alias = (await this.deps.state.read()).sessions.find((s) => s.id === id)?.alias ?? id;
      try {
        if (before?.inFlight?.pending) await this.deps.delivery.withdraw(before.inFlight.pending);
        if (before?.delivery) await this.deps.delivery.withdraw(before.delivery);
      } catch (error) {
        // Left marked: the next start, stop or activation tries again.
        const cause = error instanceof Error ? error.message : String(error);
        await this.recovery.endFailed(id, flight, (a) => ({ ...a, error: cause }));
        const fix = error instanceof UserFacingError && error.fix ? t('{0} Then stop the session again.', error.fix) : t('Fix the file named above, then stop the session again.');
        throw new SessionError(alias, t('could not remove its credentials: {0}', cause), fix, { cause: error });
      }
      await this.deps.state.update((s) => {
        if (s.active[id]?.inFlight?.token === flight.token) delete s.active[id]; // else started again meanwhile: theirs now
      });
      this.deps.logger.info(`Session "${alias}" stopped.`);
    } finally {
      endFlight(flight);
    }
  }

  /**
   * Rotation: fresh credentials for an active (or expired) session, delivered over the previous ones (at once, or
   * with the group of `slot`, which it releases when it ends).
   * Returns undefined when the session is no longer active, or another window holds the refresh claim.
   */
  async refresh(id: string, slot: DeliverySlot = this.batcher.slot()): Promise<AwsCredentials | undefined> {
    try {
      return await this.refreshIn(slot, id);
    } finally {
      slot.release();
    }
  }

  private async refreshIn(slot: DeliverySlot, id: string): Promise<AwsCredentials | undefined> {
    await this.recovery.recover(id);
    const now = this.deps.clock.now();
    // The claim is the in-flight mark itself (one write): other windows leave the session alone while its owner
    // lives, and a crash before the delivery's first journal entry is recovered by keeping the previous record.
    const mine = newFlight('refresh', now);
    let current: ActiveSession | undefined;
    const before = await this.deps.state.update((s) => {
      const active = s.active[id];
      if (!active || (active.status !== 'active' && active.status !== 'expired') || active.inFlight) return;
      if (active.refreshClaimUntil && Date.parse(active.refreshClaimUntil) > now) return; // claimed by an earlier version
      current = { ...active };
      s.active[id] = { ...active, refreshClaimUntil: undefined, inFlight: { ...mine } };
    });
    if (!current) {
      endFlight(mine);
      return undefined;
    }
    let done = false;
    try {
      const session = before.sessions.find((s) => s.id === id);
      if (!session) return undefined;
      const left = current.expiration ? Math.max(0, Date.parse(current.expiration) - now) : 0;
      const credentials = await this.deps.credentials.credentials(id, { minValidityMs: left + 1000, background: true });
      const state = await this.deps.state.read();
      const still = state.sessions.find((s) => s.id === id);
      if (!still || state.active[id]?.inFlight?.token !== mine.token) return undefined;
      const profile = profileOf(state, still);
      mine.expiration = credentials.expiration?.toISOString();
      const target = { profileName: profile.name, region: still.region, sessionAlias: still.alias, sessionId: id, mode: this.deliveryModeOf(still) };
      await slot.deliver({
        request: { target, credentials, previous: current.delivery },
        journal: this.recovery.journal(id, mine, still.alias),
        settle: (s, delivery) => {
          const a = s.active[id];
          if (a?.inFlight?.token !== mine.token) return;
          s.active[id] = { ...a, status: 'active', error: undefined, expiration: credentials.expiration?.toISOString(), issuedAt: new Date(this.deps.clock.now()).toISOString(), delivery, refreshClaimUntil: undefined, inFlight: undefined };
        },
      });
      this.deps.credentials.rememberDelivered(id, credentials);
      done = true;
      this.deps.logger.info(`Session "${still.alias}" refreshed until ${credentials.expiration?.toISOString()}.`);
      return credentials;
    } finally {
      slot.release();
      // Not refreshed: withdraw what was written for it, keep the previous record (one write).
      if (!done) await this.recovery.endFailed(id, mine, (a) => a);
      endFlight(mine);
    }
  }

  /** The credentials of an active session ran out before a refresh succeeded. */
  async markExpired(id: string, reason: string): Promise<void> {
    await this.deps.state.update((s) => {
      const a = s.active[id];
      if (a && a.status === 'active') s.active[id] = { ...a, status: 'expired', error: reason };
    });
  }
}
