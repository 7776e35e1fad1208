/**
 * An integration's secrets in the SecretVault: the OIDC client registrations (reused until they
 * expire, one per login flow) and the portal token with its refresh token. Never in the state file.
 */
import { IntegrationSecretKeys } from '../constants';
import type { SecretVault } from '../ports';
import type { ClientRegistration, LoginFlowKind } from './oidc';

export interface StoredToken {
  accessToken: string;
  /** ISO 8601. */
  expiresAt: string;
  refreshToken?: string;
  /** The client the token (and its refresh token) belongs to. */
  clientId: string;
  flow: LoginFlowKind;
}

type Registrations = Partial<Record<LoginFlowKind, ClientRegistration>>;

function parse<T>(raw: string | undefined, check: (v: T) => boolean): T | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as T;
    return v && typeof v === 'object' && check(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export class IntegrationSecrets {
  constructor(private readonly vault: SecretVault) {}

  async token(integrationId: string): Promise<StoredToken | undefined> {
    return parse<StoredToken>(
      await this.vault.get(IntegrationSecretKeys.forIntegration(integrationId, 'ssoToken')),
      (t) => typeof t.accessToken === 'string' && typeof t.expiresAt === 'string' && typeof t.clientId === 'string',
    );
  }

  storeToken(integrationId: string, token: StoredToken): Promise<void> {
    return this.vault.store(IntegrationSecretKeys.forIntegration(integrationId, 'ssoToken'), JSON.stringify(token));
  }

  deleteToken(integrationId: string): Promise<void> {
    return this.vault.delete(IntegrationSecretKeys.forIntegration(integrationId, 'ssoToken'));
  }

  private async registrations(integrationId: string): Promise<Registrations> {
    return parse<Registrations>(await this.vault.get(IntegrationSecretKeys.forIntegration(integrationId, 'ssoClient')), () => true) ?? {};
  }

  /** A cached registration for the flow that is still valid for `marginMs` and was issued for `issuedFor`. */
  async client(integrationId: string, flow: LoginFlowKind, issuedFor: string, now: number, marginMs = 60 * 60 * 1000): Promise<ClientRegistration | undefined> {
    const reg = (await this.registrations(integrationId))[flow];
    return reg && reg.issuedFor === issuedFor && reg.expiresAtMs - now > marginMs ? reg : undefined;
  }

  /** Any registration of the integration by client id (to refresh a token with the client that got it). */
  async clientById(integrationId: string, clientId: string): Promise<ClientRegistration | undefined> {
    return Object.values(await this.registrations(integrationId)).find((r) => r?.clientId === clientId);
  }

  async storeClient(integrationId: string, registration: ClientRegistration): Promise<void> {
    const all = await this.registrations(integrationId);
    all[registration.flow] = registration;
    await this.vault.store(IntegrationSecretKeys.forIntegration(integrationId, 'ssoClient'), JSON.stringify(all));
  }

  async deleteAll(integrationId: string): Promise<void> {
    for (const key of IntegrationSecretKeys.allFor(integrationId)) await this.vault.delete(key);
  }
}
