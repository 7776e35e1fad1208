/**
 * The IAM Identity Center portal (REST-JSON, bearer token in `x-amz-sso_bearer_token`) over fetch,
 * not the SDK: the SDK's own retries would fight the adaptive limiter, and 429 handling (Retry-After,
 * no failed call at the end) must be exact. Every call goes through one AdaptiveLimiter per portal.
 */
import type { ClockSkew } from '../clockSkew';
import type { AwsCredentials } from '../model';
import { AdaptiveLimiter, type LimiterOptions, type LimiterStats } from './limiter';

export interface PortalAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
}

/** A portal call failed for good. `code` is the portal's exception name or a network code. */
export class PortalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'PortalError';
  }
  /** The portal refused the access token (expired, revoked or logged out elsewhere). */
  get tokenRejected(): boolean {
    return this.httpStatus === 401 || this.code === 'UnauthorizedException';
  }
}

export interface PortalOptions {
  /** Base URL of the portal for a region. */
  endpoint: (region: string) => string;
  fetch?: typeof fetch;
  limiter?: LimiterOptions;
  /** Attempts for 5xx and network failures (429s are retried until the call succeeds or is aborted). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Measured from each answer's `Date` header; role credentials' expiry is returned in this machine's time. */
  skew?: ClockSkew;
}

export interface PortalStats extends LimiterStats {
  calls: number;
  retries: number;
}

interface Call {
  region: string;
  accessToken: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  priority?: 'high' | 'normal';
  signal?: AbortSignal;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class SsoPortal {
  private readonly limiters = new Map<string, AdaptiveLimiter>();
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly counters = { calls: 0, retries: 0 };

  constructor(private readonly options: PortalOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** The limiter of a portal, kept across syncs so a learnt rate is reused. */
  limiter(region: string): AdaptiveLimiter {
    const base = this.options.endpoint(region);
    let limiter = this.limiters.get(base);
    if (!limiter) {
      limiter = new AdaptiveLimiter(this.options.limiter);
      this.limiters.set(base, limiter);
    }
    return limiter;
  }

  stats(region: string): PortalStats {
    return { ...this.limiter(region).stats(), ...this.counters };
  }

  async listAccounts(region: string, accessToken: string, nextToken?: string, options: { signal?: AbortSignal; pageSize?: number } = {}): Promise<{ accounts: PortalAccount[]; nextToken?: string }> {
    const out = (await this.call({
      region,
      accessToken,
      method: 'GET',
      path: '/assignment/accounts',
      query: { max_result: String(options.pageSize ?? 100), next_token: nextToken },
      priority: 'high',
      signal: options.signal,
    })) as { accountList?: Array<{ accountId?: string; accountName?: string; emailAddress?: string }>; nextToken?: string };
    const accounts = (out.accountList ?? [])
      .filter((a): a is { accountId: string; accountName?: string; emailAddress?: string } => typeof a.accountId === 'string')
      .map((a) => ({ accountId: a.accountId, accountName: a.accountName ?? a.accountId, emailAddress: a.emailAddress }));
    return { accounts, nextToken: out.nextToken || undefined };
  }

  async listAccountRoles(region: string, accessToken: string, accountId: string, nextToken?: string, options: { signal?: AbortSignal } = {}): Promise<{ roles: string[]; nextToken?: string }> {
    const out = (await this.call({
      region,
      accessToken,
      method: 'GET',
      path: '/assignment/roles',
      query: { account_id: accountId, max_result: '100', next_token: nextToken },
      signal: options.signal,
    })) as { roleList?: Array<{ roleName?: string }>; nextToken?: string };
    return { roles: (out.roleList ?? []).map((r) => r.roleName).filter((r): r is string => typeof r === 'string'), nextToken: out.nextToken || undefined };
  }

  async getRoleCredentials(region: string, accessToken: string, accountId: string, roleName: string, options: { signal?: AbortSignal } = {}): Promise<AwsCredentials> {
    const out = (await this.call({
      region,
      accessToken,
      method: 'GET',
      path: '/federation/credentials',
      query: { account_id: accountId, role_name: roleName },
      priority: 'high',
      signal: options.signal,
    })) as { roleCredentials?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; expiration?: number } };
    const c = out.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || typeof c.expiration !== 'number') {
      throw new PortalError('InvalidResponse', 'The IAM Identity Center portal answered GetRoleCredentials without complete credentials.');
    }
    const expiration = new Date(c.expiration);
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: this.options.skew?.toLocal(expiration) ?? expiration };
  }

  async logout(region: string, accessToken: string): Promise<void> {
    await this.call({ region, accessToken, method: 'POST', path: '/logout', priority: 'high' });
  }

  private async call(call: Call): Promise<unknown> {
    const limiter = this.limiter(call.region);
    const base = this.options.endpoint(call.region).replace(/\/+$/, '');
    const url = new URL(base + call.path);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const maxAttempts = this.options.maxAttempts ?? 5;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire({ priority: call.priority, signal: call.signal });
      this.counters.calls += 1;
      if (attempt > 1) this.counters.retries += 1;
      const started = Date.now();
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: call.method,
          headers: { 'x-amz-sso_bearer_token': call.accessToken, accept: 'application/json' },
          signal: call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(this.options.requestTimeoutMs ?? 20000)]) : AbortSignal.timeout(this.options.requestTimeoutMs ?? 20000),
        });
      } catch (error) {
        limiter.release('error');
        if (call.signal?.aborted) throw call.signal.reason;
        failures += 1;
        if (failures >= maxAttempts) {
          const code = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.name : 'NetworkError');
          throw new PortalError(code, `The IAM Identity Center portal at ${base} could not be reached (${code}).`);
        }
        await this.sleep(Math.min(8000, 200 * 2 ** failures), call.signal);
        continue;
      }
      const text = await response.text();
      this.options.skew?.observe(response.headers.get('date') ?? undefined);
      if (response.ok) {
        limiter.release('ok', { latencyMs: Date.now() - started });
        return text ? (JSON.parse(text) as unknown) : {};
      }
      const code = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP${response.status}`;
      if (response.status === 429) {
        limiter.release('throttled', { retryAfterMs: retryAfterMs(response.headers.get('retry-after')) });
        continue;
      }
      limiter.release('error');
      if (response.status >= 500 && ++failures < maxAttempts) {
        await this.sleep(Math.min(8000, 200 * 2 ** failures), call.signal);
        continue;
      }
      let message = '';
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? '');
      } catch {
        message = text.slice(0, 200);
      }
      throw new PortalError(code, `IAM Identity Center ${call.path} failed: ${code}${message ? ` (${message})` : ''}.`, response.status);
    }
  }
}
