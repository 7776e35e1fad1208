/**
 * Expiry-aware rotation: each active session is refreshed a margin before its credentials expire
 * (5 minutes or 10 % of the lifetime, whichever is larger, at most half the lifetime). Credentials
 * delivered to files are refreshed earlier, once a fraction of their lifetime has passed (a third by
 * default), so a tool that reads the file once at its start gets most of a lifetime — unless the refresh
 * would ask the user (an MFA code, an IdP sign-in): those renew only near their end. A failed refresh
 * retries with exponential backoff and jitter, tells the user once, and marks the session expired when
 * the credentials run out. The loop never sleeps longer than `checkIntervalMs` and compares wall-clock
 * times on every wake, so a laptop that slept through a due time refreshes as soon as it wakes. Expiry
 * times are in this machine's time (the STS gateway converts AWS's with the measured clock skew), so
 * a clock hours off neither refreshes on every wake nor keeps expired credentials "active"; fresh
 * credentials that are already past by this clock count as a failed refresh (backoff, not a loop).
 */
import { DEFAULT_REFRESH_AFTER_FRACTION, ROTATION_MIN_MARGIN_MS } from './constants';
import { CancelledError, errorMessage } from './errors';
import type { DeliverySlot } from './deliveryBatch';
import type { DeliveryRecord, PersistedState } from './model';
import type { Clock, Disposable, Logger, StateStore } from './ports';
import type { SessionLifecycle } from './sessionLifecycle';
import { sessionById } from './sessionLookup';
import { sessionType } from './sessions/registry';
import { t } from './l10n';

/** The shared state and the lifecycle's refresh and expiry (a SessionService has both). */
export interface RotationTarget {
  /** `onDidChange`, when there: an idle scheduler (no active session, no timer) wakes on a change. */
  state: Pick<StateStore, 'read'> & Partial<Pick<StateStore, 'onDidChange'>>;
  /**
   * `refresh` resolves to the new credentials, or undefined when there was nothing to refresh; the refreshes due at
   * one wake deliver as one group when `deliveryGroup` is there.
   */
  lifecycle: Pick<SessionLifecycle, 'refresh' | 'markExpired'> & Partial<Pick<SessionLifecycle, 'deliveryGroup'>>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): Disposable;
}

export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return { dispose: () => clearTimeout(handle) };
  },
};

export interface RotationDeps {
  service: RotationTarget;
  clock: Clock;
  logger: Logger;
  /** Tell the user (once per failure streak). */
  notify(message: string): void;
  timers?: Timers;
  random?: () => number;
  checkIntervalMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /**
   * Read at every wake (a setting): the fraction of a lifetime after which credentials delivered to files
   * are refreshed, when that needs no user. Default a third; 1 (or more) leaves only the margin before expiry.
   */
  refreshAfterFraction?: () => number;
}

/** How long before expiry a session with this credential lifetime is refreshed. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(Math.max(ROTATION_MIN_MARGIN_MS, lifetimeMs * 0.1), lifetimeMs / 2);
}

/**
 * When credentials issued at `issuedMs` and expiring at `expiryMs` are due: the margin before expiry, or,
 * when `early` (file delivery, no prompt), once `fraction` of the lifetime has passed if that is sooner.
 */
export function refreshDueAt(issuedMs: number, expiryMs: number, early: boolean, fraction: number): number {
  const lifetime = Math.max(1000, expiryMs - issuedMs);
  const late = expiryMs - refreshMargin(lifetime);
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0.05, fraction)) : DEFAULT_REFRESH_AFTER_FRACTION;
  return early ? Math.min(late, issuedMs + lifetime * f) : late;
}

interface Failure {
  count: number;
  nextAttemptAt: number;
  notified: boolean;
  /** The user dismissed a prompt: no more tries until the session is started again. */
  gaveUp: boolean;
  expiration: string | undefined;
}

export class RotationScheduler implements Disposable {
  private readonly failures = new Map<string, Failure>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: Disposable | undefined;
  private disposed = false;
  private readonly timers: Timers;
  /** Whether the last wake found an active session (else no timer runs until the state changes). */
  private busy = true;
  private started = false;
  private readonly subscription: Disposable | undefined;

  constructor(private readonly deps: RotationDeps) {
    this.timers = deps.timers ?? systemTimers;
    this.subscription = deps.service.state.onDidChange?.((state) => {
      if (this.started && !this.busy && !this.disposed && hasActive(state)) {
        this.busy = true;
        this.schedule(0);
      }
    });
  }

  start(): void {
    this.started = true;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    this.timer?.dispose();
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.tick()
        .catch((error) => this.deps.logger.error(`Rotation: ${errorMessage(error)}`))
        .then((next) => {
          // Nothing active and a state to watch: sleep without a timer until a session starts.
          if (!this.busy && this.subscription) return;
          this.schedule(next ?? this.deps.checkIntervalMs ?? 30_000);
        });
    }, ms);
  }

  /** Do what is due now; returns how long to sleep before the next check. */
  async tick(): Promise<number> {
    const state = await this.deps.service.state.read();
    this.busy = hasActive(state);
    const now = this.deps.clock.now();
    const interval = this.deps.checkIntervalMs ?? 30_000;
    const fraction = this.deps.refreshAfterFraction?.() ?? DEFAULT_REFRESH_AFTER_FRACTION;
    let next = now + interval;
    const dueNow: Array<[id: string, expiration: string]> = [];
    for (const [id, failure] of this.failures) {
      if (!state.active[id] || state.active[id].expiration !== failure.expiration) this.failures.delete(id); // stopped or restarted
    }
    for (const [id, active] of Object.entries(state.active)) {
      if ((active.status !== 'active' && active.status !== 'expired') || !active.expiration || this.running.has(id)) continue;
      const expiry = Date.parse(active.expiration);
      const issued = Date.parse(active.issuedAt ?? active.startedAt ?? '') || expiry - 3600_000;
      const due = refreshDueAt(issued, expiry, this.refreshesEarly(state, id, active.delivery), fraction);
      const failure = this.failures.get(id);
      if (active.status === 'active' && now >= expiry && failure) {
        await this.deps.service.lifecycle.markExpired(id, t('credentials expired at {0}: {1}', active.expiration, failure.gaveUp ? t('the refresh was cancelled') : t('refresh failed')));
      }
      if (failure?.gaveUp) continue;
      const at = failure ? failure.nextAttemptAt : due;
      if (now >= at) dueNow.push([id, active.expiration]);
      else next = Math.min(next, at, active.status === 'active' ? expiry : Infinity);
    }
    // Due together: delivered together (one write of each file and two of the state for all of them).
    const slots = this.deps.service.lifecycle.deliveryGroup?.(dueNow.length) ?? [];
    dueNow.forEach(([id, expiration], i) => this.running.set(id, this.refresh(id, expiration, slots[i]).finally(() => this.running.delete(id))));
    await Promise.all(this.running.values());
    return Math.max(1000, Math.min(interval, next - this.deps.clock.now()));
  }

  private async refresh(id: string, previousExpiration: string, slot?: DeliverySlot): Promise<void> {
    try {
      await this.refreshIn(id, previousExpiration, slot);
    } finally {
      slot?.release(); // its group waits for nothing more of it, however it ended
    }
  }

  private async refreshIn(id: string, previousExpiration: string, slot: DeliverySlot | undefined): Promise<void> {
    const state = await this.deps.service.state.read();
    const alias = sessionById(state, id)?.alias ?? id;
    /** The expiry of what the session holds now (failures are forgotten when it changes). */
    let expiration = previousExpiration;
    try {
      const fresh = await this.deps.service.lifecycle.refresh(id, slot);
      if (fresh?.expiration && fresh.expiration.getTime() <= this.deps.clock.now()) {
        expiration = fresh.expiration.toISOString();
        // Expiry times are converted to this machine's time when AWS's clock is measured; a source that was
        // not measured must not make every wake refresh again: back off as after a failure.
        throw new Error(t('AWS issued credentials that expire at {0}, already past by this machine\'s clock ({1}); check the clock', fresh.expiration.toISOString(), new Date(this.deps.clock.now()).toISOString()));
      }
      const failure = this.failures.get(id);
      if (failure) this.deps.logger.info(`Session "${alias}": refreshed after ${failure.count} failed tr${failure.count > 1 ? 'ies' : 'y'}.`);
      this.failures.delete(id);
    } catch (error) {
      const failure = this.failures.get(id) ?? { count: 0, nextAttemptAt: 0, notified: false, gaveUp: false, expiration };
      failure.count += 1;
      failure.expiration = expiration;
      const base = this.deps.backoffBaseMs ?? 5_000;
      const delay = Math.min(this.deps.backoffCapMs ?? 300_000, base * 2 ** (failure.count - 1)) * (0.5 + 0.5 * (this.deps.random ?? Math.random)());
      failure.nextAttemptAt = this.deps.clock.now() + delay;
      failure.gaveUp = error instanceof CancelledError;
      this.failures.set(id, failure);
      const prefix = `Session "${alias}": `;
      const full = errorMessage(error);
      const message = full.startsWith(prefix) ? full.slice(prefix.length) : full;
      this.deps.logger.warn(`Session "${alias}": refresh failed (try ${failure.count}): ${message}${failure.gaveUp ? '' : `; next try in ${Math.round(delay / 1000)} s`}`);
      if (!failure.notified) {
        failure.notified = true;
        const until = new Date(expiration).toLocaleTimeString();
        this.deps.notify(
          failure.gaveUp
            ? t('Session "{0}": the refresh was cancelled; its credentials expire at {1}. Start it again to renew them.', alias, until)
            : t('Session "{0}": could not refresh its credentials ({1}). Retrying in the background; they expire at {2}.', alias, message, until),
        );
      }
    }
  }

  /** Early refresh: credentials in a file (not served by credential_process), renewed without asking the user. */
  private refreshesEarly(state: PersistedState, id: string, delivery: DeliveryRecord | undefined): boolean {
    const session = sessionById(state, id);
    if (!session || delivery?.kind === 'credentialProcess') return false;
    return !sessionType(session.kind).refreshAsksUser?.(session);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.subscription?.dispose();
  }
}

/** Whether a session holds credentials rotation looks after. */
function hasActive(state: PersistedState): boolean {
  return Object.values(state.active).some((a) => a.status === 'active' || a.status === 'expired');
}
