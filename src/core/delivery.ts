/** Where started sessions' credentials go: the credentials file or credential_process, chosen per session. */
import type { AwsCredentials, DeliveryMode, DeliveryRecord } from './model';
import { asError } from './errors';

export interface DeliveryTarget {
  profileName: string;
  region: string;
  sessionAlias: string;
  sessionId: string;
  /** Resolved mode (the session's own, else the setting). */
  mode: DeliveryMode;
}

/** One session's delivery: where, what, and what its last delivery wrote (rotation). */
export interface DeliveryRequest {
  target: DeliveryTarget;
  credentials: AwsCredentials;
  previous?: DeliveryRecord;
}

/**
 * Called before the files change with the record each delivery is about to have written (by the index of its
 * request; ownership records, digests of secrets, never a value); again, for the rest, if the plan changes. The
 * caller records them durably, in one write, so that a crash before the records are stored can be recognised. It
 * may leave some deliveries out (returned with the reason: nothing of theirs is written) or throw to write nothing.
 */
export type DeliveryJournal = (pending: ReadonlyMap<number, DeliveryRecord>) => Promise<ReadonlyMap<number, Error> | void>;

/** What the files hold after a delivery that a crash interrupted. */
export interface Reconciled {
  record: DeliveryRecord;
  /** True when the interrupted delivery's new credentials are what the files hold. */
  landed: boolean;
}

export interface CredentialsDelivery {
  /**
   * Write the credentials of several sessions (each to its profile) together: one read-modify-write of each file,
   * one journal call before it. Returns per request its record, or why that one failed (the others are written);
   * throws when nothing could be written (a file that cannot be read, parsed or written).
   */
  deliverAll(requests: readonly DeliveryRequest[], journal?: DeliveryJournal): Promise<Array<DeliveryRecord | Error>>;
  /** Remove exactly what deliver() wrote; a partial (journal) record is fine, and so is a second call. */
  withdraw(record: DeliveryRecord): Promise<void>;
  /**
   * After a crash during deliver(previous → pending): the record of what the files hold now, file by
   * file the pending part where that write landed, else the previous one; undefined when neither.
   */
  reconcile(previous: DeliveryRecord | undefined, pending: DeliveryRecord): Promise<Reconciled | undefined>;
}

/** Routes deliver/withdraw to the delivery of the session's mode; a mode change withdraws the old delivery first. */
export class DeliveryRouter implements CredentialsDelivery {
  constructor(private readonly byMode: Readonly<Record<DeliveryMode, CredentialsDelivery & { readonly recordKind: string }>>) {}

  async deliverAll(requests: readonly DeliveryRequest[], journal?: DeliveryJournal): Promise<Array<DeliveryRecord | Error>> {
    const results: Array<DeliveryRecord | Error> = [];
    const byMode = new Map<DeliveryMode, number[]>();
    const ready: DeliveryRequest[] = [];
    for (const [i, request] of requests.entries()) {
      const delivery = this.byMode[request.target.mode];
      ready[i] = request;
      if (request.previous && request.previous.kind !== delivery.recordKind) {
        try {
          await this.withdraw(request.previous);
        } catch (error) {
          results[i] = asError(error);
          continue;
        }
        ready[i] = { ...request, previous: undefined };
      }
      byMode.set(request.target.mode, [...(byMode.get(request.target.mode) ?? []), i]);
    }
    for (const [mode, indexes] of byMode) {
      // Indexes of this mode's requests are the caller's in the journal.
      const mine = journal && (async (pending: ReadonlyMap<number, DeliveryRecord>) => {
        const refused = await journal(new Map([...pending].map(([k, record]) => [indexes[k], record])));
        return refused && new Map([...refused].filter(([i]) => indexes.includes(i)).map(([i, error]) => [indexes.indexOf(i), error]));
      });
      const out = await this.byMode[mode].deliverAll(indexes.map((i) => ready[i]), mine).catch((error: unknown) => indexes.map(() => asError(error)));
      out.forEach((result, k) => (results[indexes[k]] = result));
    }
    return results;
  }

  async withdraw(record: DeliveryRecord): Promise<void> {
    await this.of(record)?.withdraw(record);
  }

  async reconcile(previous: DeliveryRecord | undefined, pending: DeliveryRecord): Promise<Reconciled | undefined> {
    // A mode change withdrew the previous delivery before writing the pending one.
    const prev = previous && previous.kind === pending.kind ? previous : undefined;
    return this.of(pending)?.reconcile(prev, pending);
  }

  private of(record: DeliveryRecord): CredentialsDelivery | undefined {
    return Object.values(this.byMode).find((d) => d.recordKind === record.kind);
  }
}
