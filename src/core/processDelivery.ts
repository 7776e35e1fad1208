/**
 * The credential_process delivery: `credential_process = <shim> generate <session-id>` and `region`
 * into the profile's section of the config file, nothing into the credentials file. The AWS CLI and
 * SDKs then run the shim whenever they need credentials, and the editor serves them over IPC.
 * Withdraw reverts exactly those keys (ownership records), every other byte stays.
 */
import type { DeliveryRecord } from './model';
import type { CredentialsDelivery, DeliveryJournal, DeliveryRequest, Reconciled } from './delivery';
import type { AwsFiles, KeyChange } from './awsFiles/awsFiles';
import { isOwnedKeys, type OwnedKeys } from './awsFiles/ownership';
import { CLI_GENERATE } from './constants';
import { t } from './l10n';

interface ProcessRecord {
  kind: 'credentialProcess';
  config: OwnedKeys;
}

function isProcessRecord(record: DeliveryRecord | undefined): record is DeliveryRecord & ProcessRecord {
  return !!record && record.kind === 'credentialProcess' && isOwnedKeys(record.config);
}

/** Quote a path for botocore's command split (shlex on POSIX, a double-quote aware split on Windows). */
export function quoteCommandPath(p: string): string {
  if (/^[A-Za-z0-9_./:\\@%+=,-]+$/.test(p)) return p;
  if (p.includes('"')) throw new Error(t('The path {0} contains a double quote; credential_process cannot name it. Move the extension\'s storage folder.', p));
  return `"${p}"`;
}

export function credentialProcessCommand(shimPath: string, sessionId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(sessionId)) throw new Error(t('Session id {0} cannot appear in a command line.', JSON.stringify(sessionId)));
  return `${quoteCommandPath(shimPath)} ${CLI_GENERATE} ${sessionId}`;
}

export class CredentialProcessDelivery implements CredentialsDelivery {
  readonly recordKind = 'credentialProcess';

  constructor(
    private readonly files: AwsFiles,
    /** Absolute path of the shim (stable across extension updates). */
    private readonly shimPath: () => string,
  ) {}

  async deliverAll(requests: readonly DeliveryRequest[], journal?: DeliveryJournal): Promise<Array<DeliveryRecord | Error>> {
    const units = requests.map(({ target, previous }): KeyChange[] => [
      {
        file: 'config',
        profile: target.profileName,
        values: { credential_process: credentialProcessCommand(this.shimPath(), target.sessionId), region: target.region },
        previousOwned: isProcessRecord(previous) ? previous.config : undefined,
      },
    ]);
    const recordOf = ([config]: OwnedKeys[]): DeliveryRecord => {
      const record: ProcessRecord = { kind: 'credentialProcess', config };
      return { ...record };
    };
    const results = await this.files.applyAll(units, journal && ((owned) => journal(new Map([...owned].map(([i, o]) => [i, recordOf(o)])))));
    return results.map((r) => (r instanceof Error ? r : recordOf(r)));
  }

  async withdraw(record: DeliveryRecord): Promise<void> {
    if (!isProcessRecord(record)) return;
    await this.files.revert(record.config);
  }

  async reconcile(previous: DeliveryRecord | undefined, pending: DeliveryRecord): Promise<Reconciled | undefined> {
    const landed = isProcessRecord(pending) && (await this.files.holds(pending.config));
    const record = landed ? pending : isProcessRecord(previous) ? previous : undefined;
    return record && { record, landed };
  }
}
