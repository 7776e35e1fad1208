/**
 * The credentials-file delivery: temporary keys into the profile's section of the shared credentials
 * file, the region into the config file; withdraw reverts exactly those keys.
 */
import type { AwsCredentials, DeliveryRecord } from './model';
import type { CredentialsDelivery, DeliveryJournal, DeliveryTarget, Reconciled } from './delivery';
import type { AwsFiles, CredentialValues } from './awsFiles/awsFiles';
import { isOwnedKeys, type OwnedKeys } from './awsFiles/ownership';

interface FileRecord {
  kind: 'credentialsFile';
  credentials: OwnedKeys;
  config: OwnedKeys;
}

/** A record as the journal has it: the files written so far. */
type PartialFileRecord = { kind: 'credentialsFile' } & Partial<Pick<FileRecord, 'credentials' | 'config'>>;

function isFileRecord(record: DeliveryRecord | undefined): record is DeliveryRecord & FileRecord {
  return !!record && record.kind === 'credentialsFile';
}

/** The parts of a (possibly partial) record, checked: state files are shared with other versions. */
function partsOf(record: DeliveryRecord | undefined): { credentials?: OwnedKeys; config?: OwnedKeys } {
  if (!isFileRecord(record)) return {};
  return { credentials: isOwnedKeys(record.credentials) ? record.credentials : undefined, config: isOwnedKeys(record.config) ? record.config : undefined };
}

export class CredentialsFileDelivery implements CredentialsDelivery {
  readonly recordKind = 'credentialsFile';
  constructor(private readonly files: AwsFiles) {}

  async deliver(target: DeliveryTarget, credentials: AwsCredentials, previous: DeliveryRecord | undefined, journal?: DeliveryJournal): Promise<DeliveryRecord> {
    const prev = partsOf(previous);
    const values: CredentialValues = {
      aws_access_key_id: credentials.accessKeyId,
      aws_secret_access_key: credentials.secretAccessKey,
    };
    if (credentials.sessionToken) values.aws_session_token = credentials.sessionToken;
    const pending: PartialFileRecord = { kind: 'credentialsFile' };
    const note = (part: 'credentials' | 'config') => async (owned: OwnedKeys) => {
      pending[part] = owned;
      await journal?.({ ...pending });
    };
    const written = await this.files.applyCredentials(target.profileName, values, prev.credentials, note('credentials'));
    try {
      const config = await this.files.applyConfig(target.profileName, { region: target.region }, prev.config, note('config'));
      const record: FileRecord = { kind: 'credentialsFile', credentials: written, config };
      return { ...record };
    } catch (error) {
      await this.files.revert(written);
      throw error;
    }
  }

  async withdraw(record: DeliveryRecord): Promise<void> {
    const { credentials, config } = partsOf(record);
    if (config) await this.files.revert(config);
    if (credentials) await this.files.revert(credentials);
  }

  async reconcile(previous: DeliveryRecord | undefined, pending: DeliveryRecord): Promise<Reconciled | undefined> {
    const prev = partsOf(previous);
    const next = partsOf(pending);
    const landed = !!next.credentials && (await this.files.holds(next.credentials));
    const credentials = landed ? next.credentials : prev.credentials;
    const config = next.config && (await this.files.holds(next.config)) ? next.config : prev.config;
    if (!credentials || !config) return undefined;
    const record: FileRecord = { kind: 'credentialsFile', credentials, config };
    return { record: { ...record }, landed };
  }
}
