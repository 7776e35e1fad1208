/** Seeded IAM users: the defaults (alice with MFA, bob without) or a `--seed` JSON file. */
import { newKeyId, newSecretAccessKey, newTotpSecretBase32 } from './ids';

export const DEFAULT_ACCOUNT_ID = '111111111111';

export interface IamUser {
  readonly name: string;
  readonly accountId: string;
  /** `AIDA...`, what GetCallerIdentity reports as UserId. */
  readonly userId: string;
  readonly arn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly mfaSerial: string | null;
  readonly mfaSecretBase32: string | null;
}

/** One user in a seed file; everything but `name` is optional and generated when missing. */
export interface SeedUser {
  readonly name: string;
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** `true` gives the user a virtual MFA device `arn:aws:iam::<account>:mfa/<name>`. */
  readonly mfa?: boolean;
  readonly mfaSerial?: string | null;
  readonly mfaSecretBase32?: string;
}

export interface SeedFile {
  readonly users: readonly SeedUser[];
  /** Extra accounts whose roles may be assumed (the users' accounts always may). */
  readonly accounts?: readonly string[];
}

export const DEFAULT_SEED: SeedFile = {
  users: [
    { name: 'alice', accountId: DEFAULT_ACCOUNT_ID, mfa: true },
    { name: 'bob', accountId: DEFAULT_ACCOUNT_ID },
  ],
};

const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;

export function materializeUser(seed: SeedUser): IamUser {
  const accountId = seed.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!USER_NAME.test(seed.name)) {
    throw new Error(`seed: invalid user name '${seed.name}'`);
  }
  if (!ACCOUNT_ID.test(accountId)) {
    throw new Error(`seed: invalid account id '${accountId}' for user ${seed.name}`);
  }
  const mfaSerial =
    seed.mfaSerial !== undefined ? seed.mfaSerial : seed.mfa ? `arn:aws:iam::${accountId}:mfa/${seed.name}` : null;
  return {
    name: seed.name,
    accountId,
    userId: newKeyId('AIDA'),
    arn: `arn:aws:iam::${accountId}:user/${seed.name}`,
    accessKeyId: seed.accessKeyId ?? newKeyId('AKIA'),
    secretAccessKey: seed.secretAccessKey ?? newSecretAccessKey(),
    mfaSerial,
    mfaSecretBase32: mfaSerial ? (seed.mfaSecretBase32 ?? newTotpSecretBase32()) : null,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(obj: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'string') {
    throw new Error(`seed: ${where}.${key} must be a string`);
  }
  return v;
}

/** Validates parsed JSON of a seed file. */
export function parseSeed(json: unknown): SeedFile {
  if (!isRecord(json) || !Array.isArray(json.users)) {
    throw new Error('seed: expected an object with a "users" array');
  }
  const users = json.users.map((u: unknown, i: number): SeedUser => {
    const where = `users[${i}]`;
    if (!isRecord(u) || typeof u.name !== 'string') {
      throw new Error(`seed: ${where} needs a string "name"`);
    }
    if (u.mfa !== undefined && typeof u.mfa !== 'boolean') {
      throw new Error(`seed: ${where}.mfa must be a boolean`);
    }
    if (u.mfaSerial !== undefined && u.mfaSerial !== null && typeof u.mfaSerial !== 'string') {
      throw new Error(`seed: ${where}.mfaSerial must be a string or null`);
    }
    return {
      name: u.name,
      accountId: optString(u, 'accountId', where),
      accessKeyId: optString(u, 'accessKeyId', where),
      secretAccessKey: optString(u, 'secretAccessKey', where),
      mfa: u.mfa,
      mfaSerial: u.mfaSerial,
      mfaSecretBase32: optString(u, 'mfaSecretBase32', where),
    };
  });
  const accounts = json.accounts;
  if (accounts !== undefined && !(Array.isArray(accounts) && accounts.every((a) => typeof a === 'string'))) {
    throw new Error('seed: "accounts" must be an array of strings');
  }
  return { users, accounts };
}
