/**
 * Deliveries that come together are written together. Every start and refresh delivers through one
 * {@link DeliveryBatcher}: the deliveries queued when it runs (a batch of starts whose credentials came in
 * meanwhile, or a single start: the batch of one) go to the AWS files in one locked read-modify-write, after one
 * write of the shared state that journals all of them, and their results go into the state in one more write.
 * Crash safety is each delivery's as before (sessionRecovery.ts): its journal entry (in-flight mark and pending
 * records) is in the state before either file changes, and a crash at any step leaves entries recovery undoes.
 *
 * When to write: at once when no other operation that will deliver is still getting its credentials; else after
 * at most {@link DELIVERY_WINDOW_MS}, to take along those that arrive meanwhile. Deliveries that arrive while a
 * group is written go in the next group. No timer exists unless a delivery waits.
 */
import type { CredentialsDelivery, DeliveryRequest } from './delivery';
import { asError } from './errors';
import type { DeliveryRecord, PersistedState } from './model';
import type { StateStore } from './ports';

/** How long a delivery waits for the others of its batch still getting credentials, at most. */
export const DELIVERY_WINDOW_MS = 20;

/** One delivery and what the state records of it. */
export interface BatchedDelivery {
  request: DeliveryRequest;
  /**
   * In the journal's write, before the files change: record `pending` (the records about to be written) in the
   * state. Throwing leaves this delivery out (nothing of it is written; its promise rejects with the error).
   * Check before changing anything: a throw does not undo this function's changes.
   */
  journal(state: PersistedState, pending: DeliveryRecord): void;
  /** After the journal's write succeeded (each time it is written). */
  journalled?(): void;
  /** In the result's write, once the files hold `record`. The same rule as for `journal` when it throws. */
  settle(state: PersistedState, record: DeliveryRecord): void;
}

/** An operation that will deliver (a start, a refresh): groups wait a little for it while it gets credentials. */
export interface DeliverySlot {
  /** Deliver with the next group; resolves once the files and the state hold it. */
  deliver(item: BatchedDelivery): Promise<DeliveryRecord>;
  /** The operation will deliver no more (call it in a `finally`). */
  release(): void;
}

interface Queued {
  item: BatchedDelivery;
  resolve: (record: DeliveryRecord) => void;
  reject: (error: Error) => void;
}

export interface DeliveryBatcherDeps {
  state: StateStore;
  delivery: CredentialsDelivery;
}

export class DeliveryBatcher {
  /** Slots that have not delivered yet. */
  private readonly waiting = new Set<object>();
  private queue: Queued[] = [];
  private running = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: DeliveryBatcherDeps,
    private readonly windowMs = DELIVERY_WINDOW_MS,
  ) {}

  /** Take a slot at the beginning of an operation that will deliver. */
  slot(): DeliverySlot {
    const token = {};
    this.waiting.add(token);
    return {
      deliver: (item) =>
        new Promise<DeliveryRecord>((resolve, reject) => {
          this.waiting.delete(token);
          this.queue.push({ item, resolve, reject });
          this.kick();
        }),
      release: () => {
        if (this.waiting.delete(token)) this.kick();
      },
    };
  }

  private kick(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.waiting.size === 0) {
      void this.run();
      return;
    }
    this.timer ??= setTimeout(() => void this.run(), this.windowMs);
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return;
    this.running = true;
    try {
      for (let group = this.queue.splice(0); group.length > 0; group = this.queue.splice(0)) await this.write(group);
    } finally {
      this.running = false;
    }
  }

  /** One group: the journal's write, the files, the result's write; each delivery settles alone. */
  private async write(group: readonly Queued[]): Promise<void> {
    const items = group.map((q) => q.item);
    const left = new Map<number, Error>();
    try {
      const results = await this.deps.delivery.deliverAll(
        items.map((i) => i.request),
        async (pending) => {
          const refused = new Map<number, Error>();
          await this.deps.state.update((s) => {
            for (const [i, record] of pending) {
              try {
                items[i].journal(s, record);
              } catch (error) {
                refused.set(i, asError(error));
              }
            }
          });
          for (const i of pending.keys()) if (!refused.has(i)) items[i].journalled?.();
          return refused;
        },
      );
      results.forEach((r, i) => r instanceof Error && left.set(i, r));
      await this.deps.state.update((s) => {
        results.forEach((record, i) => {
          if (record instanceof Error) return;
          try {
            items[i].settle(s, record);
          } catch (error) {
            left.set(i, asError(error));
          }
        });
      });
      group.forEach((q, i) => (left.has(i) ? q.reject(left.get(i)!) : q.resolve(results[i] as DeliveryRecord)));
    } catch (error) {
      // Nothing written, or the files hold what the journal names: each operation ends as after its own failure.
      for (const [i, q] of group.entries()) q.reject(left.get(i) ?? asError(error));
    }
  }
}
