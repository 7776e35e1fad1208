/**
 * Hand-written checks of the state file's entries for the common case, a well-formed entry: each answers
 * true only for a value the schema of `stateSchema.ts` accepts too (never the other way round), and false
 * for anything it is not sure of, which the schema then checks and describes. At 10,000 sessions this is
 * what loading the file pays instead of the schema's per-key issue bookkeeping and output objects.
 * Kept in step with `stateSchema.ts`; test/unit/core/stateQuickCheck.test.ts compares both on many variants.
 */
import { DELIVERY_MODES } from './model';

type Entry = Record<string, unknown>;

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): boolean => typeof value === 'string';
const filled = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const optionalText = (value: unknown): boolean => value === undefined || typeof value === 'string';
const optionalNumber = (value: unknown): boolean => value === undefined || (typeof value === 'number' && !Number.isNaN(value));
const deliveryMode = (value: unknown): boolean => value === undefined || (DELIVERY_MODES as readonly unknown[]).includes(value);
const declaredBy = (value: unknown): boolean => value === undefined || (isEntry(value) && filled(value.folder) && text(value.name));

function sessionBase(s: Entry): boolean {
  return filled(s.id) && text(s.alias) && filled(s.profileId) && text(s.region) && deliveryMode(s.deliveryMode) && declaredBy(s.declaredBy);
}

/** A session entry the schema accepts (false: let the schema decide). */
export function quickSession(value: unknown): boolean {
  if (!isEntry(value) || !sessionBase(value)) return false;
  const s = value;
  switch (s.kind) {
    case 'iamUser':
      return optionalText(s.mfaSerial) && optionalText(s.mfaOathAccount);
    case 'iamRoleChained':
      return text(s.roleArn) && optionalText(s.roleSessionName) && text(s.assumerSessionId) && optionalText(s.externalId) && optionalNumber(s.durationSeconds) && optionalText(s.sourceIdentity);
    case 'iamRoleFederated':
      return text(s.roleArn) && text(s.idpUrl) && text(s.samlProviderArn) && optionalNumber(s.durationSeconds);
    case 'awsSso':
      return text(s.integrationId) && text(s.accountId) && text(s.accountName) && text(s.roleName);
    default:
      return false;
  }
}

/** A profile entry the schema accepts. */
export function quickProfile(value: unknown): boolean {
  return isEntry(value) && filled(value.id) && filled(value.name);
}

/** An integration entry the schema accepts. */
export function quickIntegration(value: unknown): boolean {
  if (!isEntry(value)) return false;
  const i = value;
  return filled(i.id) && text(i.alias) && text(i.startUrl) && text(i.ssoRegion) && optionalText(i.sessionRegion) && optionalText(i.lastSyncAt) && optionalNumber(i.accountCount) && declaredBy(i.declaredBy);
}

const STATUSES: readonly unknown[] = ['inactive', 'starting', 'active', 'expired', 'error'];

/** An active-session record the schema accepts. */
export function quickActive(value: unknown): boolean {
  if (!isEntry(value)) return false;
  const a = value;
  return (
    filled(a.sessionId) &&
    STATUSES.includes(a.status) &&
    optionalText(a.expiration) &&
    optionalText(a.error) &&
    (a.delivery === undefined || isEntry(a.delivery)) &&
    optionalText(a.startedAt) &&
    optionalText(a.issuedAt) &&
    optionalText(a.refreshClaimUntil)
  );
}
