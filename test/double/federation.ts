/**
 * The AWS sign-in federation endpoint (`/federation`), its logout (`/oauth?Action=logout`) and a
 * stand-in web console page (`/console/home`), as a custom identity broker meets them:
 *
 * - `GET /federation?Action=getSigninToken&Session=<json>[&SessionDuration=N]` checks that the
 *   `{sessionId, sessionKey, sessionToken}` are temporary credentials this double issued, still valid,
 *   and of a kind that may sign in (GetSessionToken credentials may not); `SessionDuration` must be
 *   900–43200 and is refused for role-chained and federation-token credentials. Answers
 *   `{"SigninToken":"…"}`; a token is good for 15 minutes and one login.
 * - `GET /federation?Action=login&Issuer=…&Destination=<url>&SigninToken=…` redirects (302) to the
 *   destination with a console cookie naming the account (`<account>.<id>`; one cookie per browser, as AWS
 *   has it, so a second login in the same browser replaces the first); `GET /oauth?Action=logout&redirect_uri=<url>`
 *   clears it and redirects.
 * - `GET /console/home?region=…` shows who is signed in and in which account (`#who`, `data-account`), for
 *   tests that follow the redirects or drive a browser.
 */
import { randomBytes } from 'node:crypto';
import type { DoubleState, IssuedCredentials } from './state';
import { AwsError, type DoubleRequest, type DoubleResponse, type RoutedOperation, type ServiceModule } from './types';

const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const COOKIE = 'double-console';

interface SigninToken {
  readonly creds: IssuedCredentials;
  readonly expiresAtMs: number;
  readonly sessionDurationSeconds: number | null;
}

interface ConsoleSession {
  readonly arn: string;
  readonly accountId: string;
  readonly expiresAtMs: number;
}

/** What tests read back: every sign-in token issued and every console session opened. */
export interface FederationLog {
  readonly tokens: ReadonlyArray<{ accessKeyId: string; arn: string; sessionDurationSeconds: number | null }>;
  readonly logins: ReadonlyArray<{ arn: string; destination: string }>;
  readonly logouts: number;
}

const one = (q: DoubleRequest['query'], name: string): string | undefined => {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
};

function text(status: number, body: string, headers: Record<string, string> = {}): DoubleResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

function redirect(location: string, headers: Record<string, string> = {}): DoubleResponse {
  return { status: 302, headers: { location, 'content-type': 'text/plain', ...headers }, body: `Redirecting to ${location}` };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function createFederationModule(state: DoubleState): ServiceModule & { log(): FederationLog } {
  const tokens = new Map<string, SigninToken>();
  const sessions = new Map<string, ConsoleSession>();
  const log = { tokens: [] as Array<FederationLog['tokens'][number]>, logins: [] as Array<FederationLog['logins'][number]>, logouts: 0 };

  function getSigninToken(req: DoubleRequest): DoubleResponse {
    const raw = one(req.query, 'Session');
    if (!raw) throw new AwsError('InvalidParameter', 'Missing Session parameter', 400);
    let session: { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown };
    try {
      session = JSON.parse(raw) as typeof session;
    } catch {
      throw new AwsError('InvalidParameter', 'Invalid Session parameter: not JSON', 400);
    }
    const creds = typeof session.sessionId === 'string' ? state.issuedByAccessKey(session.sessionId) : undefined;
    if (!creds || creds.secretAccessKey !== session.sessionKey || creds.sessionToken !== session.sessionToken) {
      throw new AwsError('InvalidCredentials', 'Invalid credentials parameter', 400);
    }
    if (creds.expiresAtMs <= state.now()) throw new AwsError('ExpiredCredentials', 'The credentials have expired', 400);
    if (creds.kind === 'session-token') {
      throw new AwsError('InvalidCredentials', 'Credentials from GetSessionToken cannot sign in to the console; use GetFederationToken or AssumeRole', 400);
    }
    const durationText = one(req.query, 'SessionDuration');
    let sessionDurationSeconds: number | null = null;
    if (durationText !== undefined) {
      const n = Number(durationText);
      if (!/^\d+$/.test(durationText) || n < 900 || n > 43200) throw new AwsError('InvalidParameter', 'SessionDuration must be between 900 and 43200 seconds', 400);
      if (creds.roleChained) throw new AwsError('InvalidCredentials', 'Invalid credentials parameter: SessionDuration cannot be used with role-chained credentials', 400);
      if (creds.kind === 'federated-user') throw new AwsError('InvalidParameter', 'SessionDuration cannot be used with GetFederationToken credentials', 400);
      sessionDurationSeconds = n;
    }
    const token = randomBytes(48).toString('base64url');
    tokens.set(token, { creds, expiresAtMs: state.now() + TOKEN_LIFETIME_MS, sessionDurationSeconds });
    log.tokens.push({ accessKeyId: creds.accessKeyId, arn: creds.arn, sessionDurationSeconds });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ SigninToken: token }) };
  }

  function login(req: DoubleRequest): DoubleResponse {
    const token = tokens.get(one(req.query, 'SigninToken') ?? '');
    const destination = one(req.query, 'Destination');
    if (!destination || !/^https?:\/\//.test(destination)) throw new AwsError('InvalidParameter', 'Missing or invalid Destination', 400);
    if (!token || token.expiresAtMs <= state.now()) throw new AwsError('InvalidSigninToken', 'The sign-in token is invalid or has expired', 400);
    tokens.delete(one(req.query, 'SigninToken') ?? '');
    const id = randomBytes(16).toString('hex');
    const lifetimeMs = (token.sessionDurationSeconds ?? Math.max(0, (token.creds.expiresAtMs - state.now()) / 1000)) * 1000;
    sessions.set(id, { arn: token.creds.arn, accountId: token.creds.accountId, expiresAtMs: state.now() + lifetimeMs });
    log.logins.push({ arn: token.creds.arn, destination });
    return redirect(destination, { 'set-cookie': `${COOKIE}=${token.creds.accountId}.${id}; Path=/; HttpOnly; SameSite=Lax` });
  }

  function consolePage(req: DoubleRequest): DoubleResponse {
    const cookie = /(?:^|;\s*)double-console=(\d{12})\.([0-9a-f]+)/.exec(req.headers['cookie'] ?? '');
    const found = cookie ? sessions.get(cookie[2]) : undefined;
    const session = found && found.accountId === cookie?.[1] && found.expiresAtMs > state.now() ? found : undefined;
    const region = one(req.query, 'region') ?? '';
    const body = session ? `Signed in as ${escapeHtml(session.arn)} in ${escapeHtml(region)}` : 'Not signed in';
    const title = session ? `AWS Console ${session.accountId} (local double)` : 'AWS Console (local double)';
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body:
        `<!doctype html><title>${title}</title><style>body{margin:0;font:14px system-ui,sans-serif;background:#f2f3f3}` +
        `header{background:#232f3e;color:#fff;padding:10px 16px;display:flex;justify-content:space-between}main{padding:16px}h1{font-size:18px}</style>` +
        `<header><span>AWS Console (local double)</span><span>${session ? `Account ${session.accountId} · ${escapeHtml(region)}` : ''}</span></header>` +
        `<main><h1 id="who" data-account="${session?.accountId ?? ''}">${body}</h1><p id="account">${session ? `Account ${session.accountId}` : ''}</p></main>`,
    };
  }

  return {
    name: 'signin',
    log: () => ({ tokens: [...log.tokens], logins: [...log.logins], logouts: log.logouts }),

    route(req: DoubleRequest): RoutedOperation | undefined {
      if (req.method !== 'GET') return undefined;
      if (req.path === '/federation') {
        const action = one(req.query, 'Action') ?? '';
        let principal: string | null = null;
        try {
          const s = JSON.parse(one(req.query, 'Session') ?? 'null') as { sessionId?: unknown } | null;
          principal = typeof s?.sessionId === 'string' ? s.sessionId : null;
        } catch {
          principal = null;
        }
        return { action: action === 'getSigninToken' || action === 'login' ? action : `federation:${action}`, principal };
      }
      if (req.path === '/oauth' && one(req.query, 'Action') === 'logout') return { action: 'logout', principal: null };
      if (req.path === '/console/home' || req.path.startsWith('/console/')) return { action: 'console', principal: null };
      return undefined;
    },

    async handle(req: DoubleRequest, op: RoutedOperation): Promise<DoubleResponse> {
      switch (op.action) {
        case 'getSigninToken':
          return getSigninToken(req);
        case 'login':
          return login(req);
        case 'logout': {
          log.logouts += 1;
          const to = one(req.query, 'redirect_uri');
          const clear = { 'set-cookie': `${COOKIE}=; Path=/; Max-Age=0` };
          return to && /^https?:\/\//.test(to) ? redirect(to, clear) : text(200, 'Signed out', clear);
        }
        case 'console':
          return consolePage(req);
        default:
          throw new AwsError('InvalidAction', `Unknown federation action ${op.action}`, 400);
      }
    },

    renderError(err: AwsError): DoubleResponse {
      // The real endpoint answers errors with an HTML/plain page, not JSON.
      return text(err.status, `${err.code}: ${err.message}`);
    },
  };
}
