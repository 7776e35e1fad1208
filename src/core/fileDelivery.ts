/**
 * The credentials-file delivery: temporary keys into the profile's section of the shared credentials
 * file, the region into the config file; withdraw reverts exactly those keys.
 */
import type { AwsCredentials, DeliveryRecord } from './model';
import type { CredentialsDelivery, DeliveryTarget } from './delivery';
import type { AwsFiles, CredentialValues } from './awsFiles/awsFiles';
import type { OwnedKeys } from './awsFiles/ownership';

interface FileRecord {
  kind: 'credentialsFile';
  credentials: OwnedKeys;
  config: OwnedKeys;
}

function isFileRecord(record: DeliveryRecord | undefined): record is DeliveryRecord & FileRecord {
  return !!record && record.kind === 'credentialsFile';
}

export class CredentialsFileDelivery implements CredentialsDelivery {
  readonly recordKind = 'credentialsFile';
  constructor(private readonly files: AwsFiles) {}

  async deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined): Promise<DeliveryRecord> {
    const prev = isFileRecord(previous) ? previous : undefined;
    const values: CredentialValues = {
      aws_access_key_id: credentials.accessKeyId,
      aws_secret_access_key: credentials.secretAccessKey,
    };
    if (credentials.sessionToken) values.aws_session_token = credentials.sessionToken;
    const written = await this.files.applyCredentials(target.profileName, values, prev?.credentials);
    try {
      const config = await this.files.applyConfig(target.profileName, { region: target.region }, prev?.config);
      const record: FileRecord = { kind: 'credentialsFile', credentials: written, config };
      return { ...record };
    } catch (error) {
      await this.files.revert(written);
      throw error;
    }
  }

  async withdraw(record: DeliveryRecord): Promise<void> {
    if (!isFileRecord(record)) return;
    await this.files.revert(record.config);
    await this.files.revert(record.credentials);
  }
}
