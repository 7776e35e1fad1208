/**
 * IAM Identity Center role sessions: created only by an integration sync (one per account/role);
 * the user may change only the region and the named profile. Credentials: SSO GetRoleCredentials
 * with the integration's access token (core/sso/ssoService.ts). In the tree they sit in folders
 * integration → account, whose ids stay stable across syncs.
 */
import { SessionError, UserFacingError } from '../errors';
import type { AwsCredentials, AwsSsoSession, PersistedState, SsoIntegration } from '../model';
import { PROFILE_FIELD, REGION_FIELD, type FieldSpec, type SessionTypeModule, type TreeFolder } from './sessionType';
import { l10nText, t } from '../l10n';

export const SSO_INTEGRATION_FOLDER = 'ssoIntegration';
export const SSO_ACCOUNT_FOLDER = 'ssoAccount';

export function integrationFolder(integration: Pick<SsoIntegration, 'id' | 'alias' | 'accountCount'>): TreeFolder {
  return {
    id: `sso-integration:${integration.id}`,
    label: integration.alias,
    description: integration.accountCount === undefined ? t('not synced') : t('{0} accounts', integration.accountCount),
    role: SSO_INTEGRATION_FOLDER,
    icon: 'organization',
  };
}

export function accountFolder(session: AwsSsoSession): TreeFolder {
  return { id: `sso-account:${session.integrationId}:${session.accountId}`, label: session.accountName, description: session.accountId, role: SSO_ACCOUNT_FOLDER, icon: 'account' };
}

/** The integration's folder, made once per record of a snapshot (its thousands of roles share it). */
const folderOfRecord = new WeakMap<SsoIntegration, TreeFolder>();

/** A session's integration, or what stands for it once deleted. */
function integrationOf(session: AwsSsoSession, state: PersistedState): Pick<SsoIntegration, 'id' | 'alias' | 'accountCount'> {
  return state.integrations?.find((i) => i.id === session.integrationId) ?? { id: session.integrationId, alias: t('(deleted integration)') };
}

/** The folder of a session's integration; a frozen record (a snapshot's, which never changes) keeps the one made. */
function integrationFolderOf(session: AwsSsoSession, state: PersistedState): TreeFolder {
  const record = state.integrations?.find((i) => i.id === session.integrationId);
  if (!record || !Object.isFrozen(record)) return integrationFolder(integrationOf(session, state));
  let folder = folderOfRecord.get(record);
  if (!folder) folderOfRecord.set(record, (folder = integrationFolder(record)));
  return folder;
}

/** The integration id of a folder id made by integrationFolder (tree node ids are `path:<folder id>`). */
export function integrationIdOfFolder(nodeId: string): string | undefined {
  const m = /^(?:path:)?sso-integration:(.+)$/.exec(nodeId);
  return m?.[1];
}

const fields: readonly FieldSpec[] = [
  PROFILE_FIELD,
  { ...REGION_FIELD, help: l10nText('The account, role and alias come from IAM Identity Center and change only with a sync.') },
];

export const awsSsoType: SessionTypeModule<AwsSsoSession> = {
  kind: 'awsSso',
  label: l10nText('IAM Identity Center'),
  icon: 'key',
  origin: 'integration',
  fields,
  secretFields: [],

  fromForm(values, base, existing): AwsSsoSession {
    if (!existing) throw new UserFacingError(t('IAM Identity Center sessions are created by syncing an integration.'), t('Add an integration with "AWS Sessions: Add IAM Identity Center Integration", then sync it.'));
    return { ...existing, id: base.id, region: values.region };
  },

  describe(session, state) {
    return {
      accountId: session.accountId,
      accountName: session.accountName,
      treePath: [integrationFolderOf(session, state), accountFolder(session)],
      shortLabel: session.roleName,
    };
  },
  details(session, state) {
    return [`Role: ${session.roleName}`, `Integration: ${integrationOf(session, state).alias}`];
  },

  describesFolders: true,
  emptyTreePaths: (state) => (state.integrations ?? []).map((integration) => [integrationFolder(integration)]),

  deleteRefusal: (session) =>
    t('Session "{0}" comes from an IAM Identity Center integration, and the next sync would bring it back. Delete the integration instead, or just leave it inactive.', session.alias),

  integrationOf: (session) => session.integrationId,

  toForm(session) {
    return { region: session.region };
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    if (!ctx.sso) throw new SessionError(session.alias, t('IAM Identity Center is not available in this process.'), t('Start the session from VS Code.'));
    return ctx.sso.roleCredentials(session, { minValidityMs: ctx.minValidityMs, background: ctx.background, cache: ctx.secrets });
  },
};
