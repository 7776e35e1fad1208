/** In-memory stand-ins for what the editor provides, for unit tests of the core. */
import { emptyState, type AwsCredentials, type DeliveryRecord, type PersistedState } from '../../../src/core/model';
import type { Clock, Disposable, Logger, Prompter, SecretVault, StateStore } from '../../../src/core/ports';
import type { CredentialsDelivery, DeliveryJournal, DeliveryRequest, DeliveryTarget, Reconciled } from '../../../src/core/delivery';
import type { CallerIdentity, StsGateway } from '../../../src/core/aws/sts';
import { deepFreeze } from '../../../src/core/stateStore';

export class MemorySecretVault implements SecretVault {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

export class MemoryStateStore implements StateStore {
  private state: PersistedState = deepFreeze(emptyState('profile-default'));
  private readonly listeners = new Set<(s: PersistedState) => void>();
  /** Frozen snapshots, as FileStateStore gives: a caller that changes one fails here too. */
  async read() {
    return this.state;
  }
  async update(mutate: (s: PersistedState) => PersistedState | void) {
    const draft = structuredClone(this.state);
    this.state = deepFreeze(mutate(draft) ?? draft);
    for (const l of this.listeners) l(this.state);
    return this.state;
  }
  onDidChange(listener: (s: PersistedState) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

export class FakeClock implements Clock {
  constructor(public time = Date.parse('2026-11-22T10:00:00Z')) {}
  now() {
    return this.time;
  }
  advance(ms: number) {
    this.time += ms;
  }
}

export class ScriptedPrompter implements Prompter {
  readonly asked: Array<{ sessionAlias: string; mfaSerial: string }> = [];
  constructor(private readonly answers: Array<string | undefined> = []) {}
  async askMfaCode(request: { sessionAlias: string; mfaSerial: string }) {
    this.asked.push(request);
    await new Promise((r) => setTimeout(r, 5));
    return this.answers.shift();
  }
}

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string) {
    this.lines.push(`debug ${m}`);
  }
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
}

/** A fake STS that records calls and issues credentials valid for `lifetimeMs` from the clock. */
export class FakeSts implements StsGateway {
  readonly calls: Array<{ action: string; signer: string; serialNumber?: string; tokenCode?: string; durationSeconds?: number }> = [];
  failWith: Error | undefined;
  private counter = 0;
  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs = 36000 * 1000,
    /** Lifetime of AssumeRole / AssumeRoleWithSAML credentials (default lifetimeMs). */
    private readonly roleLifetimeMs = lifetimeMs,
  ) {}
  private issue(lifetimeMs = this.lifetimeMs): AwsCredentials {
    this.counter += 1;
    return {
      accessKeyId: `ASIATEMP${String(this.counter).padStart(12, '0')}`,
      secretAccessKey: `temp-secret-${this.counter}`.padEnd(40, 'x'),
      sessionToken: `token-${this.counter}`,
      expiration: new Date(this.clock.now() + lifetimeMs),
    };
  }
  async getSessionToken(r: { credentials: AwsCredentials; durationSeconds: number; serialNumber?: string; tokenCode?: string }) {
    this.calls.push({ action: 'GetSessionToken', signer: r.credentials.accessKeyId, serialNumber: r.serialNumber, tokenCode: r.tokenCode, durationSeconds: r.durationSeconds });
    if (this.failWith) throw this.failWith;
    return this.issue();
  }
  async assumeRole(r: { credentials: AwsCredentials; roleSessionName: string; roleArn: string }) {
    this.calls.push({ action: 'AssumeRole', signer: r.credentials.accessKeyId });
    if (this.failWith) throw this.failWith;
    return this.issue(this.roleLifetimeMs);
  }
  async assumeRoleWithSaml(r: { roleArn: string; principalArn: string; samlAssertion: string }) {
    this.calls.push({ action: 'AssumeRoleWithSAML', signer: r.roleArn });
    if (this.failWith) throw this.failWith;
    return this.issue(this.roleLifetimeMs);
  }
  async getFederationToken(r: { credentials: AwsCredentials; name: string; policy: string; durationSeconds: number }) {
    this.calls.push({ action: 'GetFederationToken', signer: r.credentials.accessKeyId, durationSeconds: r.durationSeconds });
    if (this.failWith) throw this.failWith;
    return this.issue(r.durationSeconds * 1000);
  }
  async getCallerIdentity(r: { credentials: AwsCredentials }): Promise<CallerIdentity> {
    this.calls.push({ action: 'GetCallerIdentity', signer: r.credentials.accessKeyId });
    return { arn: 'arn:aws:iam::111111111111:user/test', account: '111111111111', userId: 'AIDA' };
  }
}

/** Records deliveries as a map profile → credentials, like a credentials file would hold. */
export class MemoryDelivery implements CredentialsDelivery {
  readonly profiles = new Map<string, { credentials: AwsCredentials; region: string }>();
  readonly log: string[] = [];
  async deliverAll(requests: readonly DeliveryRequest[], journal?: DeliveryJournal): Promise<Array<DeliveryRecord | Error>> {
    const records = new Map(requests.map((r, i) => [i, { kind: 'memory', profile: r.target.profileName }]));
    const refused = (await journal?.(records)) ?? new Map<number, Error>();
    return requests.map(({ target, credentials }, i) => {
      const error = refused.get(i);
      if (error) return error;
      this.profiles.set(target.profileName, { credentials, region: target.region });
      this.log.push(`deliver ${target.profileName}`);
      return records.get(i)!;
    });
  }
  async withdraw(record: DeliveryRecord): Promise<void> {
    this.profiles.delete(String(record.profile));
    this.log.push(`withdraw ${String(record.profile)}`);
  }
  async reconcile(_previous: DeliveryRecord | undefined, pending: DeliveryRecord): Promise<Reconciled> {
    return { record: pending, landed: this.profiles.has(String(pending.profile)) };
  }
}

/** One delivery through `deliverAll`, its failure thrown. */
export async function deliverOne(delivery: CredentialsDelivery, target: DeliveryTarget, credentials: AwsCredentials, previous?: DeliveryRecord): Promise<DeliveryRecord> {
  const [result] = await delivery.deliverAll([{ target, credentials, previous }]);
  if (result instanceof Error) throw result;
  return result;
}
