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

export interface CredentialsDelivery {
  /** Write credentials for a profile; `previous` is what this session's last delivery wrote (rotation). */
  deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined): Promise<DeliveryRecord>;
  /** Remove exactly what deliver() wrote. */
  withdraw(record: DeliveryRecord): Promise<void>;
}

/** Routes deliver/withdraw to the delivery of the session's mode; a mode change withdraws the old delivery first. */
export class DeliveryRouter implements CredentialsDelivery {
  constructor(private readonly byMode: Readonly<Record<DeliveryMode, CredentialsDelivery & { readonly recordKind: string }>>) {}

  async deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined): Promise<DeliveryRecord> {
    const delivery = this.byMode[target.mode];
    let prev = previous;
    if (prev && prev.kind !== delivery.recordKind) {
      await this.withdraw(prev);
      prev = undefined;
    }
    return delivery.deliver(target, credentials, prev);
  }

  async withdraw(record: DeliveryRecord): Promise<void> {
    const delivery = Object.values(this.byMode).find((d) => d.recordKind === record.kind);
    if (delivery) await delivery.withdraw(record);
  }
}
