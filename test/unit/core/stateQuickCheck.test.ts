/**
 * The hand-written checks of state entries never accept what the schema refuses, and the entry checks give
 * the same verdict and reason as the schema alone, on well-formed entries of every kind and on variants of
 * them with each field taken out or given a value of another type.
 */
import { strict as assert } from 'node:assert';
import * as v from 'valibot';
import { activeSchema, checkActive, checkIntegration, checkProfile, checkSession, describeIssue, integrationSchema, profileSchema, sessionSchema } from '../../../src/core/stateSchema';
import { quickActive, quickIntegration, quickProfile, quickSession } from '../../../src/core/stateQuickCheck';

type Entry = Record<string, unknown>;

const sessions: Entry[] = [
  { id: 's1', kind: 'iamUser', alias: 'dev', profileId: 'p1', region: 'eu-west-1' },
  { id: 's2', kind: 'iamUser', alias: 'mfa', profileId: 'p1', region: 'eu-west-1', mfaSerial: 'arn:aws:iam::111111111111:mfa/me', mfaOathAccount: 'aws', deliveryMode: 'credentialProcess', declaredBy: { folder: 'file:///w', name: 'dev' } },
  { id: 's3', kind: 'iamRoleChained', alias: 'role', profileId: 'p2', region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/R', assumerSessionId: 's1', roleSessionName: 'me', externalId: 'x', durationSeconds: 3600, sourceIdentity: 'me', deliveryMode: 'credentialsFile' },
  { id: 's4', kind: 'iamRoleFederated', alias: 'saml', profileId: 'p3', region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/R', idpUrl: 'https://idp', samlProviderArn: 'arn:aws:iam::111111111111:saml-provider/P', durationSeconds: 3600 },
  { id: 's5', kind: 'awsSso', alias: 'sso', profileId: 'p4', region: 'us-east-1', integrationId: 'i1', accountId: '111111111111', accountName: 'prod', roleName: 'Admin', futureField: { n: 1 } },
];
const profiles: Entry[] = [{ id: 'p1', name: 'default' }, { id: 'p2', name: 'team', extra: true }];
const integrations: Entry[] = [
  { id: 'i1', alias: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'us-east-1' },
  { id: 'i2', alias: 'corp', startUrl: 'u', ssoRegion: 'r', sessionRegion: 'eu-west-1', lastSyncAt: '2026-01-01T00:00:00Z', accountCount: 3, declaredBy: { folder: 'file:///w', name: 'corp' } },
];
const actives: Entry[] = [
  { sessionId: 's1', status: 'active', expiration: '2026-01-01T00:00:00Z', delivery: { kind: 'credentialsFile' }, startedAt: 'x', issuedAt: 'y', refreshClaimUntil: 'z' },
  { sessionId: 's2', status: 'error', error: 'STS said no' },
  ...['inactive', 'starting', 'expired'].map((status) => ({ sessionId: 's3', status })),
];

/** Values of every JSON type (and undefined, NaN), empty and filled, and picklist members. */
const VALUES: unknown[] = [undefined, null, '', 'x', 0, 1.5, -1, NaN, Infinity, true, false, [], ['a'], {}, { folder: 'f', name: 'n' }, { folder: '', name: 'n' }, { folder: 'f' }, 'iamUser', 'awsSso', 'credentialsFile', 'credentialProcess', 'active', 'bogus'];

/** The entry, each key taken out, each key (and one new key) set to each value, and some non-entries. */
function variants(entries: readonly Entry[]): unknown[] {
  const out: unknown[] = [null, undefined, 'x', 3, [], [entries[0]], {}];
  for (const entry of entries) {
    out.push(entry);
    const keys = [...Object.keys(entry), 'deliveryMode', 'declaredBy', 'durationSeconds', 'kind', 'unknownKey'];
    for (const key of keys) {
      const { [key]: _, ...without } = entry;
      out.push(without);
      for (const value of VALUES) out.push({ ...entry, [key]: value });
    }
  }
  return out;
}

const cases = [
  { name: 'sessions', entries: sessions, quick: quickSession, check: checkSession, schema: sessionSchema },
  { name: 'profiles', entries: profiles, quick: quickProfile, check: checkProfile, schema: profileSchema },
  { name: 'integrations', entries: integrations, quick: quickIntegration, check: checkIntegration, schema: integrationSchema },
  { name: 'active', entries: actives, quick: quickActive, check: checkActive, schema: activeSchema },
] as const;

describe('state entries: the quick check and the schema', () => {
  for (const { name, entries, quick, check, schema } of cases) {
    it(`${name}: accepts the well-formed entries, never one the schema refuses, and checks as the schema alone does`, () => {
      for (const entry of entries) assert.ok(quick(entry), `quick check refuses ${JSON.stringify(entry)}`);
      let refusedBySchema = 0;
      for (const value of variants(entries)) {
        const schemaSays = v.safeParse(schema as v.GenericSchema<unknown, unknown>, value);
        if (!schemaSays.success) refusedBySchema++;
        if (quick(value)) assert.ok(schemaSays.success, `quick check accepts what the schema refuses: ${JSON.stringify(value)}`);
        const checked = check(value, `${name}[0]`);
        assert.equal(checked.ok, schemaSays.success, JSON.stringify(value));
        if (!checked.ok && !schemaSays.success) assert.equal(checked.reason, describeIssue(`${name}[0]`, schemaSays.issues));
      }
      assert.ok(refusedBySchema > 20, `the variants include refused entries (${refusedBySchema})`);
    });
  }
});
