/**
 * Crash safety of deliveries. Every start, refresh and stop marks the session's active record with an
 * in-flight entry (owner pid and host, a token) and, before the AWS files change, records there
 * what it is about to write (the delivery's journal: ownership records with SHA-256 digests, never a
 * value) — all in the shared state file, written atomically and fsynced, under the AWS files lock. A
 * process killed between writing a file and recording the result leaves the entry behind, and the
 * next start, stop, refresh or activation (any window, or the CLI's server) finds it abandoned — its
 * owner is dead on this host, or gave up after an error — and:
 * - start, stop: undoes it: withdraws the pending and the recorded delivery; the session is inactive;
 * - refresh: finishes it: the record becomes what the files hold (the new keys where that write landed).
 * So Stop always removes our keys and Start never refuses them as someone else's.
 * An operation that replaces a live entry (a stop during another window's start) takes over its pending writes.
 */
import { randomUUID } from 'node:crypto';
import type { CredentialsDelivery } from './delivery';
import { errorMessage, SessionError } from './errors';
import { deadOnThisHost, hostName } from './liveness';
import type { ActiveSession, DeliveryRecord, InFlight, PersistedState } from './model';
import type { Clock, Logger, StateStore } from './ports';
import { t } from './l10n';

/** An entry of another host is judged by age only: older than this, its owner is taken as gone. */
const OTHER_HOST_ABANDONED_MS = 15 * 60_000;

export interface SessionRecoveryDeps {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  delivery: CredentialsDelivery;
}

/** Tokens of this process's operations in progress (a restarted process may get its dead predecessor's pid). */
const running = new Set<string>();

/** A new operation of this process; {@link endFlight} when it is over. */
export function newFlight(op: InFlight['op'], now: number, expiration?: Date): InFlight {
  const flight: InFlight = { op, pid: process.pid, host: hostName(), token: randomUUID(), since: new Date(now).toISOString(), expiration: expiration?.toISOString() };
  running.add(flight.token);
  return flight;
}

export function endFlight(flight: InFlight): void {
  running.delete(flight.token);
}

/** Whether nobody will finish this operation: it failed, or its owner is gone. */
export function isAbandoned(f: InFlight, now: number): boolean {
  if (f.failed) return true;
  if (f.host === hostName()) return f.pid === process.pid ? !running.has(f.token) : deadOnThisHost(f.pid);
  return now - Date.parse(f.since) > OTHER_HOST_ABANDONED_MS;
}

/** The session's record changed between reading it and marking it in flight: nothing was written. */
export class ClaimConflict extends Error {
  constructor(id: string) {
    super(t('Session {0} changed while its operation began.', id));
    this.name = 'ClaimConflict';
  }
}

const owns = (a: ActiveSession | undefined, flight: InFlight): a is ActiveSession & { inFlight: InFlight } => a?.inFlight?.token === flight.token;

export class SessionRecovery {
  constructor(private readonly deps: SessionRecoveryDeps) {}

  /**
   * The journal entry of a delivery made under `flight` (written with the others of its group, before the files
   * change); refuses when the session is no longer this operation's.
   */
  journal(id: string, flight: InFlight, alias: string): (state: PersistedState, pending: DeliveryRecord) => void {
    return (s, pending) => {
      const a = s.active[id];
      if (!owns(a, flight)) throw new SessionError(alias, t('was stopped or started elsewhere while its credentials were being written; nothing more was written'), t('Start it again if you need it.'));
      a.inFlight.pending = pending;
      a.inFlight.expiration = flight.expiration;
    };
  }

  /**
   * A journal entry that also marks the session in flight (one write for both): the session's record must still
   * be `seen` (nobody else's operation in it, the same delivery), else it refuses with {@link ClaimConflict} before
   * anything is written, and the caller takes the session over the slow way. `record` gives the record the entry
   * goes into. Once marked, it is the entry of {@link journal}.
   */
  claimingJournal(id: string, flight: InFlight, alias: string, seen: ActiveSession | undefined, record: (a: ActiveSession | undefined) => ActiveSession): (state: PersistedState, pending: DeliveryRecord) => void {
    const later = this.journal(id, flight, alias);
    return (s, pending) => {
      const a = s.active[id];
      if (owns(a, flight)) return later(s, pending);
      if (a?.inFlight || JSON.stringify(a?.delivery) !== JSON.stringify(seen?.delivery)) throw new ClaimConflict(id);
      s.active[id] = { ...record(a), inFlight: { ...flight, pending } };
    };
  }

  /**
   * Set the session's record to `next(current)` under `flight` (nothing when it returns undefined) and
   * return the record as it was. Pending writes of an entry replaced stay in ours until the caller has
   * withdrawn them (a crash meanwhile leaves them to recovery).
   */
  async takeOver(id: string, flight: InFlight, next: (a: ActiveSession | undefined) => ActiveSession | undefined): Promise<ActiveSession | undefined> {
    let before: ActiveSession | undefined;
    await this.deps.state.update((s) => {
      before = s.active[id] ? structuredClone(s.active[id]) : undefined;
      const n = next(s.active[id]);
      if (n) s.active[id] = { ...n, inFlight: { ...flight, pending: before?.inFlight?.pending } };
    });
    return before;
  }

  /**
   * End `flight` after an error: withdraw what it wrote that no record names, then set the session's
   * record with `next` (undefined: inactive). If that cleanup fails, the entry stays, marked failed, for
   * the next recovery. Nothing happens when another operation took the session over.
   */
  async endFailed(id: string, flight: InFlight, next: (a: ActiveSession) => ActiveSession | undefined): Promise<void> {
    const a0 = (await this.deps.state.read()).active[id];
    if (!owns(a0, flight)) return;
    let failed = false;
    if (a0.inFlight.pending) {
      try {
        await this.deps.delivery.withdraw(a0.inFlight.pending);
      } catch (error) {
        failed = true;
        this.deps.logger.warn(`Could not remove credentials written just before a failure: ${errorMessage(error)} They are removed by the next start, stop or window reload.`);
      }
    }
    await this.deps.state.update((s) => {
      const a = s.active[id];
      if (!owns(a, flight)) return;
      const n = next({ ...a, inFlight: undefined });
      if (failed) s.active[id] = { ...(n ?? a), inFlight: { ...a.inFlight, failed: true } };
      else if (n) s.active[id] = { ...n, inFlight: undefined };
      else delete s.active[id];
    });
  }

  /**
   * Finish or undo every abandoned operation. Failures are logged and left for the next try, except
   * those of `sessionId` (the session the caller is about to start, stop or refresh), which are thrown.
   * Returns the ids of the sessions recovered.
   */
  async recover(sessionId?: string): Promise<string[]> {
    const state = await this.deps.state.read();
    const now = this.deps.clock.now();
    const ids = Object.values(state.active)
      .filter((a) => a?.inFlight && isAbandoned(a.inFlight, now))
      .map((a) => a.sessionId);
    const done: string[] = [];
    for (const id of ids) {
      const alias = state.sessions.find((s) => s.id === id)?.alias ?? id;
      try {
        if (await this.recoverOne(id, alias)) done.push(id);
      } catch (error) {
        const message = errorMessage(error);
        this.deps.logger.warn(`Session "${alias}": could not finish an interrupted ${state.active[id]?.inFlight?.op ?? 'operation'}: ${message}`);
        if (id === sessionId) throw new SessionError(alias, t('could not finish an operation a crash interrupted: {0}', message), undefined, { cause: error });
      }
    }
    return done;
  }

  private async recoverOne(id: string, alias: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const mine = newFlight('stop', now);
    let taken: (ActiveSession & { inFlight: InFlight }) | undefined;
    await this.deps.state.update((s) => {
      const a = s.active[id];
      if (!a?.inFlight || !isAbandoned(a.inFlight, now)) return;
      taken = structuredClone(a) as ActiveSession & { inFlight: InFlight };
      // Claimed under our pid, the operation and its pending writes kept: if we die too, the next one redoes this.
      a.inFlight = { ...a.inFlight, pid: mine.pid, host: mine.host, token: mine.token, since: mine.since, failed: undefined };
    });
    if (!taken) {
      endFlight(mine);
      return false;
    }
    const f = taken.inFlight;
    const claim: InFlight = { ...f, token: mine.token };
    const who = f.failed ? t('an error') : t('the end of process {0}', f.pid);
    try {
      if (f.op === 'refresh' && taken.delivery) {
        const settled = f.pending ? await this.deps.delivery.reconcile(taken.delivery, f.pending) : { record: taken.delivery, landed: false };
        if (settled) {
          await this.deps.state.update((s) => {
            const a = s.active[id];
            if (!owns(a, claim)) return;
            s.active[id] = { ...a, delivery: settled.record, inFlight: undefined, refreshClaimUntil: undefined };
            if (settled.landed) Object.assign(s.active[id], { expiration: f.expiration, issuedAt: f.since, status: 'active', error: undefined });
          });
          this.deps.logger.info(`Session "${alias}": a refresh interrupted by ${who} was finished (${settled.landed ? 'the new credentials are in place' : 'the previous credentials stay'}).`);
          return true;
        }
      }
      // A start or stop, or a refresh whose files hold neither record: undo; the session is inactive.
      if (f.pending) await this.deps.delivery.withdraw(f.pending);
      if (taken.delivery) await this.deps.delivery.withdraw(taken.delivery);
      await this.deps.state.update((s) => {
        if (owns(s.active[id], claim)) delete s.active[id];
      });
      this.deps.logger.info(`Session "${alias}": a ${f.op} interrupted by ${who} was undone; its credentials were removed from the AWS files. Start it again if you need it.`);
      return true;
    } catch (error) {
      await this.deps.state
        .update((s) => {
          const a = s.active[id];
          if (owns(a, claim)) a.inFlight = { ...f, failed: true };
        })
        .catch(() => undefined);
      throw error;
    } finally {
      endFlight(mine);
    }
  }
}
