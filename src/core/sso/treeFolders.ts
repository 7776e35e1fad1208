/** The tree folders of IAM Identity Center sessions: integration, then account (ids stable across syncs). */
import type { AwsSsoSession, SsoIntegration } from '../model';
import type { TreeFolder } from '../sessions/sessionType';

export const SSO_INTEGRATION_FOLDER = 'ssoIntegration';
export const SSO_ACCOUNT_FOLDER = 'ssoAccount';

export function integrationFolder(integration: Pick<SsoIntegration, 'id' | 'alias' | 'accountCount'>): TreeFolder {
  return {
    id: `sso-integration:${integration.id}`,
    label: integration.alias,
    description: integration.accountCount === undefined ? 'not synced' : `${integration.accountCount} accounts`,
    role: SSO_INTEGRATION_FOLDER,
  };
}

export function accountFolder(session: AwsSsoSession): TreeFolder {
  return { id: `sso-account:${session.integrationId}:${session.accountId}`, label: session.accountName, description: session.accountId, role: SSO_ACCOUNT_FOLDER };
}

/** The integration id of a folder id made by integrationFolder (tree node ids are `path:<folder id>`). */
export function integrationIdOfFolder(nodeId: string): string | undefined {
  const m = /^(?:path:)?sso-integration:(.+)$/.exec(nodeId);
  return m?.[1];
}
