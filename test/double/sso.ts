/**
 * The IAM Identity Center (SSO) portal on the double (REST-JSON, bearer token in
 * `x-amz-sso_bearer_token`): ListAccounts, ListAccountRoles, GetRoleCredentials, Logout, behind
 * a token-bucket throttle that answers 429 TooManyRequestsException like the portal.
 */
import { newKeyId, newSecretAccessKey, newSessionToken } from './ids';
import type { DoubleState } from './state';
import type { SsoState } from './ssoState';
import { AwsError, type DoubleRequest, type DoubleResponse, type RoutedOperation, type ServiceModule } from './types';

const ROUTES: Record<string, string> = {
  'GET /assignment/accounts': 'ListAccounts',
  'GET /assignment/roles': 'ListAccountRoles',
  'GET /federation/credentials': 'GetRoleCredentials',
  'POST /logout': 'Logout',
};
const TOKEN_HEADER = 'x-amz-sso_bearer_token';
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

function q(req: DoubleRequest, name: string): string | undefined {
  const v = req.query[name];
  return Array.isArray(v) ? v[0] : v;
}

function json(value: unknown): DoubleResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** One page of `items` from the offset in `next_token`. */
function page<T>(req: DoubleRequest, items: readonly T[]): { slice: T[]; nextToken?: string } {
  const raw = q(req, 'max_result');
  const size = raw === undefined ? DEFAULT_PAGE : Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new AwsError('InvalidRequestException', `max_result must be between 1 and ${MAX_PAGE}`, 400);
  const token = q(req, 'next_token');
  let offset = 0;
  if (token !== undefined) {
    const decoded = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) throw new AwsError('InvalidRequestException', 'Invalid next token', 400);
    offset = decoded;
  }
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return { slice, nextToken: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined };
}

export function createSsoPortalModule(state: DoubleState, sso: SsoState): ServiceModule {
  const authorize = (req: DoubleRequest) => {
    const token = sso.validToken(req.headers[TOKEN_HEADER]);
    if (!token) throw new AwsError('UnauthorizedException', 'Session token not found or invalid', 401);
    return token;
  };

  const handlers: Record<string, (req: DoubleRequest) => DoubleResponse> = {
    ListAccounts(req) {
      authorize(req);
      const { slice, nextToken } = page(req, sso.accounts());
      return json({ accountList: slice.map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress })), ...(nextToken ? { nextToken } : {}) });
    },
    ListAccountRoles(req) {
      authorize(req);
      const accountId = q(req, 'account_id');
      if (!accountId) throw new AwsError('InvalidRequestException', 'account_id is required', 400);
      const account = sso.account(accountId);
      if (!account) throw new AwsError('ResourceNotFoundException', 'Account not found', 404);
      const { slice, nextToken } = page(req, account.roles);
      return json({ roleList: slice.map((roleName) => ({ roleName, accountId })), ...(nextToken ? { nextToken } : {}) });
    },
    GetRoleCredentials(req) {
      authorize(req);
      const accountId = q(req, 'account_id');
      const roleName = q(req, 'role_name');
      if (!accountId || !roleName) throw new AwsError('InvalidRequestException', 'account_id and role_name are required', 400);
      const account = sso.account(accountId);
      if (!account || !account.roles.includes(roleName)) throw new AwsError('ResourceNotFoundException', 'No access', 404);
      const expiresAtMs = Math.floor((state.now() + sso.settings.roleCredentialSeconds * 1000) / 1000) * 1000;
      const roleId = newKeyId('AROA');
      const creds = {
        accessKeyId: newKeyId('ASIA'),
        secretAccessKey: newSecretAccessKey(),
        sessionToken: newSessionToken(),
        expiresAtMs,
        kind: 'assumed-role' as const,
        accountId,
        arn: `arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_${roleName}_0123456789abcdef/sso-user`,
        userId: `${roleId}:sso-user`,
        sourceUser: null,
        mfaAuthenticated: false,
      };
      state.remember(creds);
      return json({ roleCredentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken, expiration: expiresAtMs } });
    },
    Logout(req) {
      const token = sso.validToken(req.headers[TOKEN_HEADER]);
      if (token) token.revoked = true;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '' };
    },
  };

  return {
    name: 'sso',
    route(req: DoubleRequest): RoutedOperation | undefined {
      const action = ROUTES[`${req.method} ${req.path}`];
      if (!action) return undefined;
      const token = req.headers[TOKEN_HEADER];
      return { action, principal: token ? token.slice(0, 12) : null };
    },
    async handle(req, op) {
      if (!sso.admit()) throw new AwsError('TooManyRequestsException', 'HTTP 429 Unknown Code', 429);
      return handlers[op.action](req);
    },
    renderError(err: AwsError): DoubleResponse {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-errortype': err.code };
      if (err.status === 429 && sso.settings.retryAfterSeconds !== null) headers['retry-after'] = String(sso.settings.retryAfterSeconds);
      return { status: err.status, headers, body: JSON.stringify({ message: err.message }) };
    },
  };
}
