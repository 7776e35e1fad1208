/**
 * What the IPC server does for the `integration` and `idp-url` methods of the CLI: IAM Identity Center
 * integrations through the SsoService, the login through the editor's own flow (its browser, its device
 * code notification). Plain TypeScript. Replies never carry a token or a client secret.
 */
import type { PersistedState, SsoIntegration } from '../model';
import { integrationByRef } from '../sessionLookup';
import type { SsoService } from '../sso/ssoService';
import type { LoginState } from '../sso/ssoAccess';
import { isSsoSessionOf } from '../sso/merge';
import { sessionType } from '../sessions/registry';
import type { StateStore } from '../ports';
import { IpcError } from './server';
import type { IntegrationInfo, MethodHandlers } from './methods';
import { t } from '../l10n';

/** The editor's integrations: the service, the login state, and its interactive login (resolves once logged in). */
export interface IntegrationHandlers {
  sso: SsoService;
  loginState(integrationId: string): Promise<LoginState>;
  login(integration: SsoIntegration): Promise<void>;
}

type IntegrationMethods = Pick<MethodHandlers, 'integrationList' | 'integrationAdd' | 'integrationLogin' | 'integrationSync' | 'integrationLogout' | 'integrationDelete' | 'idpUrlList'>;

function findIntegration(state: PersistedState, ref: string): SsoIntegration {
  const found = integrationByRef(state, ref);
  if (!found) throw new IpcError('notFound', t('no IAM Identity Center integration named or with id "{0}" (see: aws-sessions integration list)', ref));
  return found;
}

export function integrationMethods(state: Pick<StateStore, 'read'>, integrations: IntegrationHandlers | undefined): IntegrationMethods {
  const need = (): IntegrationHandlers => {
    if (!integrations) throw new IpcError('unsupported', t('IAM Identity Center integrations are not available in this window'));
    return integrations;
  };
  const info = async (i: SsoIntegration, s: PersistedState): Promise<IntegrationInfo> => ({
    id: i.id,
    alias: i.alias,
    startUrl: i.startUrl,
    ssoRegion: i.ssoRegion,
    ...(i.sessionRegion ? { sessionRegion: i.sessionRegion } : {}),
    login: await need().loginState(i.id),
    sessions: s.sessions.filter((x) => isSsoSessionOf(x, i.id)).length,
    ...(i.accountCount !== undefined ? { accounts: i.accountCount } : {}),
    ...(i.lastSyncAt ? { lastSyncAt: i.lastSyncAt } : {}),
  });
  /** The integration named `ref` after `act`, as the CLI shows it. */
  const after = async (id: string): Promise<IntegrationInfo> => {
    const s = await state.read();
    const i = s.integrations?.find((x) => x.id === id);
    if (!i) throw new IpcError('notFound', t('the integration {0} was deleted meanwhile (in another window?)', id));
    return info(i, s);
  };
  return {
    integrationList: async () => {
      need();
      const s = await state.read();
      return Promise.all((s.integrations ?? []).map((i) => info(i, s)));
    },
    integrationAdd: async (p) => {
      const added = await need().sso.addIntegration({ alias: p.alias, startUrl: p.startUrl, ssoRegion: p.ssoRegion, sessionRegion: p.sessionRegion });
      return after(added.id);
    },
    integrationLogin: async (p) => {
      const i = findIntegration(await state.read(), p.integration);
      await need().login(i);
      return after(i.id);
    },
    integrationSync: async (p) => {
      const i = findIntegration(await state.read(), p.integration);
      if ((await need().loginState(i.id)) !== 'loggedIn') {
        throw new IpcError('failed', t('integration "{0}" is not logged in: log in first (aws-sessions integration login {0})', i.alias));
      }
      const r = await need().sso.sync(i.id, { interactive: false });
      return { alias: i.alias, accounts: r.accounts, added: r.added, removed: r.removed, kept: r.kept, orphaned: r.orphaned };
    },
    integrationLogout: async (p) => {
      const i = findIntegration(await state.read(), p.integration);
      await need().sso.logout(i.id);
      return after(i.id);
    },
    integrationDelete: async (p) => {
      const i = findIntegration(await state.read(), p.integration);
      const r = await need().sso.deleteIntegration(i.id);
      return { alias: i.alias, removed: r.removed, orphaned: r.orphaned };
    },
    idpUrlList: async () => {
      const s = await state.read();
      const byUrl = new Map<string, string[]>();
      for (const session of s.sessions) {
        const url = sessionType(session.kind).idpUrlOf?.(session);
        if (url) byUrl.set(url, [...(byUrl.get(url) ?? []), session.alias]);
      }
      return [...byUrl].map(([url, sessions]) => ({ url, sessions }));
    },
  };
}
