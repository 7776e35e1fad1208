/**
 * Mutable state of one double instance: seeded users, issued temporary credentials, the clock
 * (with injectable skew), queued faults, settings and the call log.
 */
import type { IamUser, SeedFile } from './seed';
import { materializeUser } from './seed';
import type { CallRecord, FaultSpec } from './types';

export type SessionKind = 'session-token' | 'assumed-role' | 'federated-user';

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAtMs: number;
  readonly kind: SessionKind;
  readonly accountId: string;
  /** Caller identity: the user ARN, the assumed-role ARN or the federated-user ARN. */
  readonly arn: string;
  /** GetCallerIdentity UserId: `AIDA...`, `AROA...:<session>` or `<account>:<name>`. */
  readonly userId: string;
  /** The IAM user behind the session (null for SAML sessions). */
  readonly sourceUser: IamUser | null;
  /** True when MFA was presented when these credentials (or their source) were issued. */
  readonly mfaAuthenticated: boolean;
  /** AssumeRole signed with role credentials (role chaining): the console refuses SessionDuration. */
  readonly roleChained?: boolean;
}

/** Who signed a request. */
export type Caller =
  | { readonly type: 'user'; readonly user: IamUser }
  | { readonly type: 'session'; readonly creds: IssuedCredentials };

export interface DoubleSettings {
  /** Added to every AWS (non-control) call. */
  latencyMs: number;
  /** When set, the lifetime of every issued credential, overriding DurationSeconds. */
  credentialSeconds: number | null;
  /** MaxSessionDuration of every role (AWS allows 3600–43200)… */
  roleMaxSessionSeconds: number;
  /** …except these: role ARN → its own MaxSessionDuration. */
  roleMaxSessionSecondsByArn: Record<string, number>;
  /** AssumeRoleWithSAML refuses unsigned assertions (a present signature is always checked). */
  samlSignatureRequired: boolean;
  /**
   * Role ARN → the ExternalId its trust policy requires (`sts:ExternalId` condition). AssumeRole of such
   * a role without that exact ExternalId is AccessDenied, as AWS answers it (the message does not say why).
   */
  roleExternalIds: Record<string, string>;
}

export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  status: 'Active' | 'Inactive';
  createdMs: number;
}

interface QueuedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

const MAX_CALLS = 5000;

export class DoubleState {
  readonly users: readonly IamUser[];
  readonly accounts: ReadonlySet<string>;
  readonly settings: DoubleSettings;
  private readonly initialSettings: DoubleSettings;
  private readonly issued = new Map<string, IssuedCredentials>();
  private faults: QueuedFault[] = [];
  private calls: CallRecord[] = [];
  private skewMs = 0;
  /** Long-term access keys per user name (IAM CreateAccessKey/DeleteAccessKey); the seeded key first. */
  private readonly accessKeys = new Map<string, AccessKeyRecord[]>();

  constructor(
    seed: SeedFile,
    settings: Partial<DoubleSettings> = {},
    private readonly baseClock: () => number = Date.now,
  ) {
    this.users = seed.users.map(materializeUser);
    const keys = new Set(this.users.map((u) => u.accessKeyId));
    if (keys.size !== this.users.length) {
      throw new Error('seed: access key ids must be unique');
    }
    this.accounts = new Set([...this.users.map((u) => u.accountId), ...(seed.accounts ?? [])]);
    this.initialSettings = {
      latencyMs: settings.latencyMs ?? 0,
      credentialSeconds: settings.credentialSeconds ?? null,
      roleMaxSessionSeconds: settings.roleMaxSessionSeconds ?? 43200,
      samlSignatureRequired: settings.samlSignatureRequired ?? false,
      roleExternalIds: { ...settings.roleExternalIds },
      roleMaxSessionSecondsByArn: { ...settings.roleMaxSessionSecondsByArn },
    };
    this.settings = { ...this.initialSettings, ...this.copiedMaps() };
    const created = this.baseClock();
    for (const u of this.users) {
      this.accessKeys.set(u.name, [{ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, status: 'Active', createdMs: created }]);
    }
  }

  private copiedMaps(): Pick<DoubleSettings, 'roleExternalIds' | 'roleMaxSessionSecondsByArn'> {
    return { roleExternalIds: { ...this.initialSettings.roleExternalIds }, roleMaxSessionSecondsByArn: { ...this.initialSettings.roleMaxSessionSecondsByArn } };
  }

  /** A role's MaxSessionDuration. */
  roleMaxSessionSeconds(roleArn: string): number {
    return this.settings.roleMaxSessionSecondsByArn[roleArn] ?? this.settings.roleMaxSessionSeconds;
  }

  /** The double's notion of now (epoch ms), including clock skew. */
  now(): number {
    return this.baseClock() + this.skewMs;
  }

  setClockSkewSeconds(seconds: number): void {
    this.skewMs = Math.round(seconds * 1000);
  }

  clockSkewSeconds(): number {
    return this.skewMs / 1000;
  }

  /** The user whose active long-term key this is, with that key as its `accessKeyId`/`secretAccessKey`. */
  userByAccessKey(accessKeyId: string): IamUser | undefined {
    for (const u of this.users) {
      const key = this.accessKeys.get(u.name)?.find((k) => k.accessKeyId === accessKeyId && k.status === 'Active');
      if (key) return { ...u, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    }
    return undefined;
  }

  /** A user's long-term keys (seeded and created), oldest first. */
  accessKeysOf(userName: string): AccessKeyRecord[] {
    const keys = this.accessKeys.get(userName);
    if (!keys) throw new Error(`local-aws: no user '${userName}'`);
    return keys;
  }

  /** Tests: make a key look older (its CreateDate in ListAccessKeys). */
  setAccessKeyCreated(accessKeyId: string, createdMs: number): void {
    const key = [...this.accessKeys.values()].flat().find((k) => k.accessKeyId === accessKeyId);
    if (!key) throw new Error(`local-aws: no access key '${accessKeyId}'`);
    key.createdMs = createdMs;
  }

  userByMfaSerial(serial: string): IamUser | undefined {
    return this.users.find((u) => u.mfaSerial === serial);
  }

  issuedByAccessKey(accessKeyId: string): IssuedCredentials | undefined {
    return this.issued.get(accessKeyId);
  }

  remember(creds: IssuedCredentials): void {
    this.issued.set(creds.accessKeyId, creds);
  }

  /** Lifetime of new credentials: the `credentialSeconds` override, else what was asked. */
  lifetimeSeconds(requested: number): number {
    return this.settings.credentialSeconds ?? requested;
  }

  addFault(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.count ?? 1 });
  }

  /** Consumes and returns the first queued fault matching `action`, if any. */
  takeFault(action: string): FaultSpec | undefined {
    const hit = this.faults.find((f) => f.remaining > 0 && (f.spec.action === action || f.spec.action === '*'));
    if (!hit) {
      return undefined;
    }
    hit.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return hit.spec;
  }

  pendingFaults(): { spec: FaultSpec; remaining: number }[] {
    return this.faults.map((f) => ({ spec: f.spec, remaining: f.remaining }));
  }

  record(call: CallRecord): void {
    this.calls.push(call);
    if (this.calls.length > MAX_CALLS) {
      this.calls.splice(0, this.calls.length - MAX_CALLS);
    }
  }

  callLog(): readonly CallRecord[] {
    return this.calls;
  }

  /** Clears faults, skew, the call log and settings changes; `credentials` also revokes issued ones. */
  reset(options: { credentials?: boolean } = {}): void {
    this.faults = [];
    this.calls = [];
    this.skewMs = 0;
    Object.assign(this.settings, this.initialSettings, this.copiedMaps());
    if (options.credentials) {
      this.issued.clear();
    }
  }
}
