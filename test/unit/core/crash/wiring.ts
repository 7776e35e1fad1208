/**
 * The core as a window wires it, on real files: the shared state file, the AWS files under their lock,
 * the credentials-file delivery. Used by the kill test's parent and by its child processes.
 * STS issues fresh random credentials on every call, so no two deliveries write the same values.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CallerIdentity, StsGateway } from '../../../../src/core/aws/sts';
import { AwsFiles } from '../../../../src/core/awsFiles/awsFiles';
import { SecretKeys, StorageFiles } from '../../../../src/core/constants';
import { DeliveryRouter } from '../../../../src/core/delivery';
import { CredentialsFileDelivery } from '../../../../src/core/fileDelivery';
import { fileLock, type LockRunner } from '../../../../src/core/fileLock';
import type { AwsCredentials } from '../../../../src/core/model';
import { silentLogger, systemClock } from '../../../../src/core/ports';
import { CredentialProcessDelivery } from '../../../../src/core/processDelivery';
import { SessionService } from '../../../../src/core/sessionService';
import { FileStateStore } from '../../../../src/core/stateStore';
import { MemorySecretVault, ScriptedPrompter } from '../../support/fakes';

export const LONG_TERM = { accessKeyId: 'AKIAKILLTEST00000001', secretAccessKey: 'killTestLongTermSecret000000000000000000' };

class RandomSts implements StsGateway {
  private issue(): AwsCredentials {
    return {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(60).toString('base64'),
      expiration: new Date(Date.now() + 3_600_000),
    };
  }
  async getSessionToken() {
    return this.issue();
  }
  async assumeRole() {
    return this.issue();
  }
  async getFederationToken() {
    return this.issue();
  }
  async assumeRoleWithSaml() {
    return this.issue();
  }
  async getCallerIdentity(): Promise<CallerIdentity> {
    return { arn: 'arn:aws:iam::111111111111:user/kill', account: '111111111111', userId: 'AIDAKILL' };
  }
}

export interface Wired {
  service: SessionService;
  files: AwsFiles;
  state: FileStateStore;
  secrets: MemorySecretVault;
}

/**
 * `sessionIds`: sessions whose long-term keys this process's (in-memory) vault holds; `lock`: of the AWS files (a test's
 * stand-in).
 */
export function wire(home: string, storage: string, sessionIds: readonly string[], lock: LockRunner = fileLock(join(storage, StorageFiles.awsFilesLock))): Wired {
  const state = new FileStateStore({ filePath: join(storage, StorageFiles.state), lockPath: join(storage, StorageFiles.lock), pollMs: 0 });
  const files = new AwsFiles({ env: {}, homeDir: home, lock });
  const secrets = new MemorySecretVault();
  for (const id of sessionIds) {
    void secrets.store(SecretKeys.accessKeyId(id), LONG_TERM.accessKeyId);
    void secrets.store(SecretKeys.secretAccessKey(id), LONG_TERM.secretAccessKey);
  }
  const service = new SessionService({
    state,
    secrets,
    sts: new RandomSts(),
    prompter: new ScriptedPrompter([]),
    clock: systemClock,
    logger: silentLogger,
    delivery: new DeliveryRouter({ credentialsFile: new CredentialsFileDelivery(files), credentialProcess: new CredentialProcessDelivery(files, () => '/opt/aws-sessions/bin/aws-sessions') }),
  });
  return { service, files, state, secrets };
}
