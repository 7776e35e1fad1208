/**
 * Deliveries that belong together are written together. Every start and refresh delivers through one
 * {@link DeliveryBatcher}, in a group: the deliveries of a group go to the AWS files in one locked
 * read-modify-write, after one write of the shared state that journals all of them, and their results go into the
 * state in one more write. Crash safety is each delivery's as before (sessionRecovery.ts): its journal entry
 * (in-flight mark and pending records) is in the state before either file changes, and a crash at any step leaves
 * entries recovery undoes.
 *
 * Groups are said, not guessed from timing: a single start or refresh is a group of one, written as soon as it
 * delivers (never delayed for another operation); a selection started at once (sessionBatch.ts) or the refreshes
 * that come due together take their slots together, and the group is written once each slot has delivered or been
 * released. Groups complete while another is written go in the next write together. No timer exists.
 */
import type { CredentialsDelivery, DeliveryRequest } from './delivery';
import { asError } from './errors';
import type { DeliveryRecord, PersistedState } from './model';
import type { StateStore } from './ports';

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

/** An operation that will deliver (a start, a refresh), in its group. */
export interface DeliverySlot {
  /**
   * Deliver with the group; resolves once the files and the state hold it. A slot that delivers again (after its
   * group was written) delivers alone.
   */
  deliver(item: BatchedDelivery): Promise<DeliveryRecord>;
  /** The operation will deliver no more (call it in a `finally`): its group no longer waits for it. */
  release(): void;
  /** Resolves once the slot has delivered or been released: its group waits for nothing more of it. */
  readonly handedOver: Promise<void>;
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
  /** Deliveries of complete groups, not yet written. */
  private ready: Queued[] = [];
  private running = false;

  constructor(private readonly deps: DeliveryBatcherDeps) {}

  /** A slot of its own (a group of one): its delivery is written at once. */
  slot(): DeliverySlot {
    return this.group(1)[0];
  }

  /** `size` slots taken together: their deliveries are written together, once each has delivered or been released. */
  group(size: number): DeliverySlot[] {
    const group = { open: size, items: [] as Queued[] };
    const member = (): DeliverySlot => {
      let open = true;
      let handOver = () => {};
      const handedOver = new Promise<void>((resolve) => (handOver = resolve));
      /** Leaves the group: true the first time. */
      const leave = () => {
        if (!open) return false;
        open = false;
        handOver();
        if (--group.open === 0) this.enqueue(group.items);
        return true;
      };
      return {
        handedOver,
        deliver: (item) =>
          new Promise<DeliveryRecord>((resolve, reject) => {
            const queued = { item, resolve, reject };
            if (open) {
              group.items.push(queued);
              leave();
            } else this.enqueue([queued]);
          }),
        release: () => void leave(),
      };
    };
    return Array.from({ length: size }, member);
  }

  private enqueue(items: readonly Queued[]): void {
    if (items.length === 0) return;
    this.ready.push(...items);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let batch = this.ready.splice(0); batch.length > 0; batch = this.ready.splice(0)) await this.write(batch);
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
