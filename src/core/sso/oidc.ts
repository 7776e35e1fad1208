/**
 * SSO-OIDC calls (RegisterClient, StartDeviceAuthorization, CreateToken) behind an interface; the
 * SDK (@aws-sdk/client-sso-oidc, in the lazy dist/sdk.js bundle) is loaded on first use. These calls
 * are unsigned. OAuth errors come back as OidcError with the service's exception name.
 */
import { loadSdk } from '../aws/sts';
import { SSO_CLIENT_NAME } from '../constants';
import { t } from '../l10n';

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  /** Epoch ms after which the registration must be renewed. */
  expiresAtMs: number;
  /** 'device' or 'pkce': what the client was registered for. */
  flow: LoginFlowKind;
  /** Where it was registered (region and endpoint), so a change of either registers anew. */
  issuedFor: string;
}

export type LoginFlowKind = 'device' | 'pkce';

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

export interface TokenResponse {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
}

export type TokenGrant =
  | { grantType: 'urn:ietf:params:oauth:grant-type:device_code'; deviceCode: string }
  | { grantType: 'refresh_token'; refreshToken: string }
  | { grantType: 'authorization_code'; code: string; redirectUri: string; codeVerifier: string };

export interface OidcGateway {
  registerClient(request: { region: string; flow: LoginFlowKind; scopes: string[]; startUrl: string; redirectUri?: string }): Promise<{ clientId: string; clientSecret: string; expiresAtMs: number }>;
  startDeviceAuthorization(request: { region: string; clientId: string; clientSecret: string; startUrl: string }): Promise<DeviceAuthorization>;
  createToken(request: { region: string; clientId: string; clientSecret: string; grant: TokenGrant }): Promise<TokenResponse>;
  /** Base URL of the OIDC service for a region (where /authorize lives). */
  endpoint(region: string): string;
}

/** An OIDC failure; `code` is the exception name, e.g. AuthorizationPendingException. */
export class OidcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  error_description?: string;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

function toOidcError(error: unknown, action: string, endpoint: string): OidcError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Unknown');
  const detail = e.error_description || e.message || code;
  return new OidcError(code, t('SSO OIDC {0} at {1} failed: {2}{3}.', action, endpoint, code, detail && detail !== code ? ` (${detail})` : ''), e.$metadata?.httpStatusCode);
}

export class SdkOidcGateway implements OidcGateway {
  constructor(private readonly options: { endpoint: () => string | undefined }) {}

  endpoint(region: string): string {
    return (this.options.endpoint() ?? `https://oidc.${region}.amazonaws.com`).replace(/\/+$/, '');
  }

  private async call<T>(region: string, action: string, run: (sdk: Awaited<ReturnType<typeof loadSdk>>, client: InstanceType<Awaited<ReturnType<typeof loadSdk>>['SSOOIDCClient']>) => Promise<T>): Promise<T> {
    const sdk = await loadSdk();
    const endpoint = this.endpoint(region);
    const client = new sdk.SSOOIDCClient({ region, endpoint, maxAttempts: 2, requestHandler: { connectionTimeout: 5000, requestTimeout: 20000, throwOnRequestTimeout: true } }); // without the flag the SDK only warns and waits
    try {
      return await run(sdk, client);
    } catch (error) {
      throw toOidcError(error, action, endpoint);
    } finally {
      client.destroy();
    }
  }

  registerClient(request: { region: string; flow: LoginFlowKind; scopes: string[]; startUrl: string; redirectUri?: string }) {
    return this.call(request.region, 'RegisterClient', async (sdk, client) => {
      const out = await client.send(
        new sdk.RegisterClientCommand({
          clientName: SSO_CLIENT_NAME,
          clientType: 'public',
          scopes: request.scopes,
          ...(request.flow === 'pkce'
            ? { grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [request.redirectUri ?? 'http://127.0.0.1/oauth/callback'], issuerUrl: request.startUrl }
            : {}),
        }),
      );
      if (!out.clientId || !out.clientSecret) throw new OidcError('InvalidResponse', t('SSO OIDC RegisterClient answered without a client id.'));
      return { clientId: out.clientId, clientSecret: out.clientSecret, expiresAtMs: (out.clientSecretExpiresAt ?? 0) * 1000 };
    });
  }

  startDeviceAuthorization(request: { region: string; clientId: string; clientSecret: string; startUrl: string }): Promise<DeviceAuthorization> {
    return this.call(request.region, 'StartDeviceAuthorization', async (sdk, client) => {
      const out = await client.send(new sdk.StartDeviceAuthorizationCommand({ clientId: request.clientId, clientSecret: request.clientSecret, startUrl: request.startUrl }));
      if (!out.deviceCode || !out.userCode || !out.verificationUri) throw new OidcError('InvalidResponse', t('SSO OIDC StartDeviceAuthorization answered without a device code.'));
      return {
        deviceCode: out.deviceCode,
        userCode: out.userCode,
        verificationUri: out.verificationUri,
        verificationUriComplete: out.verificationUriComplete ?? out.verificationUri,
        expiresInSeconds: out.expiresIn ?? 600,
        intervalSeconds: out.interval ?? 5,
      };
    });
  }

  createToken(request: { region: string; clientId: string; clientSecret: string; grant: TokenGrant }): Promise<TokenResponse> {
    return this.call(request.region, 'CreateToken', async (sdk, client) => {
      const out = await client.send(new sdk.CreateTokenCommand({ clientId: request.clientId, clientSecret: request.clientSecret, ...request.grant }));
      if (!out.accessToken) throw new OidcError('InvalidResponse', t('SSO OIDC CreateToken answered without an access token.'));
      return { accessToken: out.accessToken, expiresInSeconds: out.expiresIn ?? 3600, refreshToken: out.refreshToken };
    });
  }
}
