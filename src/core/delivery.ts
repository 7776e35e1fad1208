/** Where started sessions' credentials go. The credentials-file delivery is the first; credential_process comes later. */
import type { AwsCredentials, DeliveryRecord } from './model';

export interface DeliveryTarget {
  profileName: string;
  region: string;
  sessionAlias: string;
}

export interface CredentialsDelivery {
  /** Write credentials for a profile; `previous` is what this session's last delivery wrote (rotation). */
  deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined): Promise<DeliveryRecord>;
  /** Remove exactly what deliver() wrote. */
  withdraw(record: DeliveryRecord): Promise<void>;
}
