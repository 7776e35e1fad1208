/**
 * The credentials-file delivery: temporary keys into the profile's section of the shared credentials
 * file, the region into the config file; withdraw reverts exactly those keys.
 */
import type { DeliveryRecord } from './model';
import type { CredentialsDelivery, DeliveryJournal, DeliveryRequest, Reconciled } from './delivery';
import type { AwsFiles, CredentialValues, KeyChange } from './awsFiles/awsFiles';
import { isOwnedKeys, type OwnedKeys } from './awsFiles/ownership';

interface FileRecord {
  kind: 'credentialsFile';
  credentials: OwnedKeys;
  config: OwnedKeys;
}

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

  async deliverAll(requests: readonly DeliveryRequest[], journal?: DeliveryJournal): Promise<Array<DeliveryRecord | Error>> {
    const units = requests.map(({ target, credentials, previous }): KeyChange[] => {
      const prev = partsOf(previous);
      const values: CredentialValues = { aws_access_key_id: credentials.accessKeyId, aws_secret_access_key: credentials.secretAccessKey };
      if (credentials.sessionToken) values.aws_session_token = credentials.sessionToken;
      return [
        { file: 'credentials', profile: target.profileName, values: { ...values }, previousOwned: prev.credentials },
        { file: 'config', profile: target.profileName, values: { region: target.region }, previousOwned: prev.config },
      ];
    });
    const recordOf = ([credentials, config]: OwnedKeys[]): DeliveryRecord => {
      const record: FileRecord = { kind: 'credentialsFile', credentials, config };
      return { ...record };
    };
    const results = await this.files.applyAll(units, journal && ((owned) => journal(new Map([...owned].map(([i, o]) => [i, recordOf(o)])))));
    return results.map((r) => (r instanceof Error ? r : recordOf(r)));
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
