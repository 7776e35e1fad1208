/** Where started sessions' credentials go: the credentials file or credential_process, chosen per session. */
import type { AwsCredentials, DeliveryMode, DeliveryRecord } from './model';

export interface DeliveryTarget {
  profileName: string;
  region: string;
  sessionAlias: string;
  sessionId: string;
  /** Resolved mode (the session's own, else the setting). */
  mode: DeliveryMode;
}

/**
 * Called before each file write of a delivery with everything it is about to have written so far (a
 * partial record: ownership records, digests of secrets, never a value). The caller records it durably,
 * so that a crash before the delivery's record is stored can be recognised; throwing cancels the write.
 */
export type DeliveryJournal = (pending: DeliveryRecord) => Promise<void>;

/** What the files hold after a delivery that a crash interrupted. */
export interface Reconciled {
  record: DeliveryRecord;
  /** True when the interrupted delivery's new credentials are what the files hold. */
  landed: boolean;
}

export interface CredentialsDelivery {
  /** Write credentials for a profile; `previous` is what this session's last delivery wrote (rotation). */
  deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined, journal?: DeliveryJournal): Promise<DeliveryRecord>;
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

  async deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined, journal?: DeliveryJournal): Promise<DeliveryRecord> {
    const delivery = this.byMode[target.mode];
    let prev = previous;
    if (prev && prev.kind !== delivery.recordKind) {
      await this.withdraw(prev);
      prev = undefined;
    }
    return delivery.deliver(target, credentials, prev, journal);
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
