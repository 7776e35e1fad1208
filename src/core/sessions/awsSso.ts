/**
 * IAM Identity Center role sessions: created only by an integration sync (one per account/role);
 * the user may change only the region and the named profile. Credentials: SSO GetRoleCredentials
 * with the integration's access token (core/sso/ssoService.ts).
 */
import { SessionError, UserFacingError, ValidationError } from '../errors';
import type { AwsCredentials, AwsSsoSession } from '../model';
import { rules } from '../validation';
import type { FieldSpec, SaveResult, SessionTypeModule } from './sessionType';
import { accountFolder, integrationFolder } from '../sso/treeFolders';

const fields: readonly FieldSpec[] = [
  { name: 'profile', label: 'Named profile', kind: 'profile', required: true, placeholder: 'default', rule: 'profileName' },
  { name: 'region', label: 'Region', kind: 'region', required: true, rule: 'region', help: 'The account, role and alias come from IAM Identity Center and change only with a sync.' },
];

export const awsSsoType: SessionTypeModule<AwsSsoSession> = {
  kind: 'awsSso',
  label: 'IAM Identity Center',
  creatable: false,
  fields,
  secretFields: [],

  fromForm(values, base, existing): SaveResult<AwsSsoSession> {
    if (!existing) throw new UserFacingError('IAM Identity Center sessions are created by syncing an integration.', 'Add an integration with "AWS Sessions: Add IAM Identity Center Integration", then sync it.');
    const region = (values.region ?? '').trim();
    const problem = rules.region(region);
    if (problem) throw new ValidationError([{ field: 'region', label: 'Region', message: problem }]);
    return { session: { ...existing, id: base.id, region }, secrets: {} };
  },

  describe(session, state) {
    const integration = state.integrations?.find((i) => i.id === session.integrationId) ?? { id: session.integrationId, alias: '(deleted integration)' };
    return {
      accountId: session.accountId,
      accountName: session.accountName,
      details: [`Role: ${session.roleName}`, `Integration: ${integration.alias}`],
      treePath: [integrationFolder(integration), accountFolder(session)],
      shortLabel: session.roleName,
    };
  },

  toForm(session) {
    return { region: session.region };
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    if (!ctx.sso) throw new SessionError(session.alias, 'IAM Identity Center is not available in this process.', 'Start the session from VS Code.');
    return ctx.sso.roleCredentials(session, { minValidityMs: ctx.minValidityMs, background: ctx.background, cache: ctx.secrets });
  },
};
