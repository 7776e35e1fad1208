/**
 * SSO-OIDC on the double (REST-JSON, unsigned): RegisterClient, StartDeviceAuthorization, CreateToken
 * with the device_code, refresh_token and authorization_code (PKCE S256 checked) grants, plus the
 * browser side a user meets: `GET /authorize` (redirects to the loopback with a code) and the
 * device verification page `GET|POST /device`.
 */
import type { SsoState } from './ssoState';
import { pkceChallenge, SSO_SCOPE } from './ssoState';
import { AwsError, type DoubleRequest, type DoubleResponse, type RoutedOperation, type ServiceModule } from './types';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const OAUTH_ERRORS: Record<string, string> = {
  AuthorizationPendingException: 'authorization_pending',
  SlowDownException: 'slow_down',
  ExpiredTokenException: 'expired_token',
  InvalidGrantException: 'invalid_grant',
  AccessDeniedException: 'access_denied',
  InvalidClientException: 'invalid_client',
  InvalidRequestException: 'invalid_request',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
  InvalidScopeException: 'invalid_scope',
};

const ROUTES: Record<string, string> = {
  'POST /client/register': 'RegisterClient',
  'POST /device_authorization': 'StartDeviceAuthorization',
  'POST /token': 'CreateToken',
  'GET /authorize': 'Authorize',
  'GET /device': 'DeviceVerificationPage',
  'POST /device': 'DeviceVerificationDecision',
};

function json(value: unknown): DoubleResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function html(status: number, body: string): DoubleResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!DOCTYPE html><html><head><title>Local AWS sign-in</title></head><body>${body}</body></html>` };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function bodyJson(req: DoubleRequest): Record<string, unknown> {
  const text = req.body.toString('utf8').trim();
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsError('InvalidRequestException', 'The request body is not a JSON object.', 400);
}

function str(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new AwsError('InvalidRequestException', `${key} is required`, 400);
    return undefined;
  }
  if (typeof v !== 'string') throw new AwsError('InvalidRequestException', `${key} must be a string`, 400);
  return v;
}

function strList(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function q(req: DoubleRequest, name: string): string | undefined {
  const v = req.query[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A loopback redirect URI matches a registered one whatever its port (RFC 8252 §7.3). */
function redirectAllowed(registered: readonly string[], uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(reg.hostname);
      return reg.protocol === u.protocol && reg.hostname === u.hostname && reg.pathname === u.pathname && (loopback || reg.port === u.port);
    } catch {
      return false;
    }
  });
}

export function createSsoOidcModule(sso: SsoState, now: () => number): ServiceModule {
  const client = (body: Record<string, unknown>) => {
    const clientId = str(body, 'clientId', true)!;
    const clientSecret = str(body, 'clientSecret', true)!;
    const c = sso.clients.get(clientId);
    if (!c || c.clientSecret !== clientSecret) throw new AwsError('InvalidClientException', 'Invalid client provided', 401);
    if (c.expiresAtMs <= now()) throw new AwsError('InvalidClientException', 'Client registration has expired', 401);
    return c;
  };

  const tokenAnswer = (clientId: string, withRefresh: boolean) => {
    const { accessToken, refreshToken } = sso.issueToken(clientId, withRefresh);
    return json({
      accessToken: accessToken.token,
      tokenType: 'Bearer',
      expiresIn: Math.round((accessToken.expiresAtMs - now()) / 1000),
      ...(refreshToken ? { refreshToken } : {}),
    });
  };

  const handlers: Record<string, (req: DoubleRequest) => DoubleResponse> = {
    RegisterClient(req) {
      const body = bodyJson(req);
      const clientName = str(body, 'clientName', true)!;
      const clientType = str(body, 'clientType', true)!;
      if (clientType !== 'public') throw new AwsError('InvalidRequestException', `Invalid client type: ${clientType}`, 400);
      if (!clientName) throw new AwsError('InvalidRequestException', 'clientName must not be empty', 400);
      const scopes = strList(body, 'scopes');
      if (scopes.some((s) => !s.startsWith('sso:') && s !== 'openid')) throw new AwsError('InvalidScopeException', 'Invalid scope requested', 400);
      const grantTypes = strList(body, 'grantTypes');
      const redirectUris = strList(body, 'redirectUris');
      if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
        throw new AwsError('InvalidRequestException', 'redirectUris are required for the authorization_code grant', 400);
      }
      const c = sso.registerClient(grantTypes.length ? grantTypes : [DEVICE_GRANT, 'refresh_token'], redirectUris, scopes);
      const base = `http://${req.headers.host ?? '127.0.0.1'}`;
      return json({
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        clientIdIssuedAt: Math.floor(now() / 1000),
        clientSecretExpiresAt: Math.floor(c.expiresAtMs / 1000),
        ...(grantTypes.includes('authorization_code') ? { authorizationEndpoint: `${base}/authorize`, tokenEndpoint: `${base}/token` } : {}),
      });
    },

    StartDeviceAuthorization(req) {
      const body = bodyJson(req);
      const c = client(body);
      const startUrl = str(body, 'startUrl', true)!;
      if (!/^https?:\/\//.test(startUrl)) throw new AwsError('InvalidRequestException', 'Invalid start URL', 400);
      const grant = sso.startDevice(c.clientId, startUrl);
      const base = `http://${req.headers.host ?? '127.0.0.1'}`;
      return json({
        deviceCode: grant.deviceCode,
        userCode: grant.userCode,
        verificationUri: `${base}/device`,
        verificationUriComplete: `${base}/device?user_code=${encodeURIComponent(grant.userCode)}`,
        expiresIn: sso.settings.deviceCodeSeconds,
        interval: sso.settings.pollIntervalSeconds,
      });
    },

    CreateToken(req) {
      const body = bodyJson(req);
      const c = client(body);
      const grantType = str(body, 'grantType', true)!;
      const wantsRefresh = c.scopes.length > 0 || strList(body, 'scope').length > 0;
      if (grantType === DEVICE_GRANT) {
        const grant = sso.devices.get(str(body, 'deviceCode', true)!);
        if (!grant || grant.clientId !== c.clientId || grant.status === 'used') throw new AwsError('InvalidGrantException', 'Invalid grant provided', 400);
        if (grant.expiresAtMs <= now()) throw new AwsError('ExpiredTokenException', 'Device code has expired', 400);
        if (grant.status === 'denied') throw new AwsError('AccessDeniedException', 'The user denied the authorization', 400);
        if (grant.status === 'pending') {
          const last = grant.lastPollMs;
          grant.lastPollMs = now();
          // 100 ms of slack for timer jitter.
          if (last !== null && now() - last < sso.settings.pollIntervalSeconds * 1000 - 100) throw new AwsError('SlowDownException', 'Client is polling too quickly', 400);
          throw new AwsError('AuthorizationPendingException', 'Authorization is still pending', 400);
        }
        grant.status = 'used';
        return tokenAnswer(c.clientId, wantsRefresh);
      }
      if (grantType === 'refresh_token') {
        if (!c.grantTypes.includes('refresh_token')) throw new AwsError('UnsupportedGrantTypeException', 'Unsupported grant type: refresh_token', 400);
        const rt = str(body, 'refreshToken', true)!;
        const record = sso.refreshTokens.get(rt);
        if (!record || record.revoked || record.clientId !== c.clientId) throw new AwsError('InvalidGrantException', 'Invalid refresh token provided', 400);
        return tokenAnswer(c.clientId, false);
      }
      if (grantType === 'authorization_code') {
        if (!c.grantTypes.includes('authorization_code')) throw new AwsError('UnsupportedGrantTypeException', 'Unsupported grant type: authorization_code', 400);
        const grant = sso.codes.get(str(body, 'code', true)!);
        if (!grant || grant.used || grant.clientId !== c.clientId || grant.expiresAtMs <= now()) throw new AwsError('InvalidGrantException', 'Invalid authorization code provided', 400);
        if (str(body, 'redirectUri', true) !== grant.redirectUri) throw new AwsError('InvalidGrantException', 'redirect_uri does not match the authorization request', 400);
        const verifier = str(body, 'codeVerifier', true)!;
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || pkceChallenge(verifier) !== grant.codeChallenge) {
          throw new AwsError('InvalidGrantException', 'PKCE verification failed: code_verifier does not match code_challenge', 400);
        }
        grant.used = true;
        return tokenAnswer(c.clientId, wantsRefresh);
      }
      throw new AwsError('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`, 400);
    },

    Authorize(req) {
      const clientId = q(req, 'client_id') ?? '';
      const redirectUri = q(req, 'redirect_uri') ?? '';
      const c = sso.clients.get(clientId);
      if (!c) return html(400, '<p>Unknown client.</p>');
      if (!redirectAllowed(c.redirectUris, redirectUri)) return html(400, '<p>The redirect URI is not registered for this client.</p>');
      if (q(req, 'response_type') !== 'code') return html(400, '<p>response_type must be code.</p>');
      const challenge = q(req, 'code_challenge') ?? '';
      if (q(req, 'code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return html(400, '<p>PKCE with S256 is required.</p>');
      const scopes = (q(req, 'scopes') ?? q(req, 'scope') ?? '').split(/[ ,]+/).filter(Boolean);
      if (scopes.length && !scopes.includes(SSO_SCOPE)) return html(400, '<p>Invalid scope.</p>');
      // The user is signed in to the portal and allows access at once.
      const grant = sso.issueCode(clientId, redirectUri, challenge);
      const target = new URL(redirectUri);
      target.searchParams.set('code', grant.code);
      const state = q(req, 'state');
      if (state !== undefined) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString(), 'content-type': 'text/plain' }, body: 'Redirecting' };
    },

    DeviceVerificationPage(req) {
      const code = q(req, 'user_code') ?? '';
      return html(
        200,
        `<h1>Authorize request</h1><p>Code: <strong id="user-code">${escapeHtml(code)}</strong></p>` +
          `<form method="post" action="/device"><input type="hidden" name="user_code" value="${escapeHtml(code)}">` +
          `<button name="decision" value="allow" type="submit">Allow access</button> <button name="decision" value="deny" type="submit">Deny</button></form>`,
      );
    },

    DeviceVerificationDecision(req) {
      const form = new URLSearchParams(req.body.toString('utf8'));
      const grant = sso.decide(form.get('user_code') ?? '', form.get('decision') === 'allow');
      return grant ? html(200, `<p id="result">Request ${grant.status}. You can close this window.</p>`) : html(404, '<p id="result">No pending request with that code.</p>');
    },
  };

  return {
    name: 'sso-oidc',
    route(req: DoubleRequest): RoutedOperation | undefined {
      const action = ROUTES[`${req.method} ${req.path}`];
      return action ? { action, principal: null } : undefined;
    },
    async handle(req, op) {
      return handlers[op.action](req);
    },
    renderError(err: AwsError): DoubleResponse {
      return {
        status: err.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
        body: JSON.stringify({ error: OAUTH_ERRORS[err.code] ?? err.code, error_description: err.message }),
      };
    },
  };
}
