/**
 * The IAM Identity Center portal (ListAccounts, ListAccountRoles, GetRoleCredentials, Logout) through
 * @aws-sdk/client-sso, loaded with the lazy SDK bundle on the first call. The SDK's own retries are off
 * (one attempt per send, standard mode): they would fight the adaptive limiter, and 429 handling must be
 * exact. Every attempt goes through one AdaptiveLimiter per portal; a 429 (TooManyRequestsException) is
 * retried until the call succeeds or is aborted, its Retry-After (read from the raw response the SDK
 * attaches to the error) pauses the limiter; 5xx and network failures get `maxAttempts` attempts.
 */
import type { ClockSkew } from '../clockSkew';
import type { AwsCredentials } from '../model';
import { loadSdk } from '../aws/sts';
import { AdaptiveLimiter, type LimiterOptions, type LimiterStats } from './limiter';
import { t } from '../l10n';

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
  /** Base URL of the portal for a region (endpoint overrides included), read at each call. */
  endpoint: (region: string) => string;
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

type Sdk = Awaited<ReturnType<typeof loadSdk>>;
type SsoClient = InstanceType<Sdk['SSOClient']>;
type Operation = 'ListAccounts' | 'ListAccountRoles' | 'GetRoleCredentials' | 'Logout';

interface Call<T> {
  region: string;
  operation: Operation;
  priority?: 'high' | 'normal';
  signal?: AbortSignal;
  send: (sdk: Sdk, client: SsoClient, signal: AbortSignal | undefined) => Promise<T>;
}

/** What the SDK's errors carry: an answer's raw response (and `$fault` for a service exception); a network failure only a code. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined>; body?: unknown };
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

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function header(response: SdkErrorShape['$response'], name: string): string | undefined {
  const headers = response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Buffers the body of an error answer before the SDK parses it, so an answer that is not the portal's
 * JSON (a proxy's page) can still be quoted: the SDK would consume and drop it.
 */
function keepErrorBodies(client: SsoClient, skew: ClockSkew | undefined): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown; headers?: Record<string, string | undefined> };
      // Every answer, errors included, tells AWS's time.
      skew?.observe(response.headers?.date);
      const body = response.body as AsyncIterable<Uint8Array> | undefined;
      if ((response.statusCode ?? 200) >= 300 && body && typeof body[Symbol.asyncIterator] === 'function') {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(Buffer.from(chunk));
        response.body = Buffer.concat(chunks);
      }
      return result;
    },
    // Low priority in the deserialize step: inside the SDK's deserializer, next to the raw response.
    { step: 'deserialize', priority: 'low', name: 'keepErrorBodies' },
  );
}

function bodyText(response: SdkErrorShape['$response']): string | undefined {
  const body = response?.body;
  // The SDK re-types the buffer (a Uint8Array subclass of its own) when it reads it.
  return body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 400)).toString('utf8').slice(0, 200) : undefined;
}

const GENERIC_ERROR_NAMES = new Set(['Error', 'Unknown', 'UnknownError', 'ServiceException', 'SSOServiceException']);

export class SsoPortal {
  private readonly limiters = new Map<string, AdaptiveLimiter>();
  private readonly clients = new Map<string, SsoClient>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly counters = { calls: 0, retries: 0 };

  constructor(private readonly options: PortalOptions) {
    this.sleep = options.sleep ?? abortableSleep;
  }

  private base(region: string): string {
    return this.options.endpoint(region).replace(/\/+$/, '');
  }

  /** The limiter of a portal, kept across syncs so a learnt rate is reused. */
  limiter(region: string): AdaptiveLimiter {
    const base = this.base(region);
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

  /** Closes the SDK clients' kept-alive connections. */
  dispose(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  async listAccounts(region: string, accessToken: string, nextToken?: string, options: { signal?: AbortSignal; pageSize?: number } = {}): Promise<{ accounts: PortalAccount[]; nextToken?: string }> {
    const out = await this.call({
      region,
      operation: 'ListAccounts',
      priority: 'high',
      signal: options.signal,
      send: (sdk, client, abortSignal) => client.send(new sdk.ListAccountsCommand({ accessToken, maxResults: options.pageSize ?? 100, nextToken }), { abortSignal }),
    });
    const accounts = (out.accountList ?? [])
      .filter((a): a is typeof a & { accountId: string } => typeof a.accountId === 'string')
      .map((a) => ({ accountId: a.accountId, accountName: a.accountName ?? a.accountId, emailAddress: a.emailAddress }));
    return { accounts, nextToken: out.nextToken || undefined };
  }

  async listAccountRoles(region: string, accessToken: string, accountId: string, nextToken?: string, options: { signal?: AbortSignal } = {}): Promise<{ roles: string[]; nextToken?: string }> {
    const out = await this.call({
      region,
      operation: 'ListAccountRoles',
      signal: options.signal,
      send: (sdk, client, abortSignal) => client.send(new sdk.ListAccountRolesCommand({ accessToken, accountId, maxResults: 100, nextToken }), { abortSignal }),
    });
    return { roles: (out.roleList ?? []).map((r) => r.roleName).filter((r): r is string => typeof r === 'string'), nextToken: out.nextToken || undefined };
  }

  async getRoleCredentials(region: string, accessToken: string, accountId: string, roleName: string, options: { signal?: AbortSignal } = {}): Promise<AwsCredentials> {
    const out = await this.call({
      region,
      operation: 'GetRoleCredentials',
      priority: 'high',
      signal: options.signal,
      send: (sdk, client, abortSignal) => client.send(new sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName }), { abortSignal }),
    });
    const c = out.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || typeof c.expiration !== 'number') {
      throw new PortalError('InvalidResponse', t('The IAM Identity Center portal answered GetRoleCredentials without complete credentials.'));
    }
    const expiration = new Date(c.expiration);
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: this.options.skew?.toLocal(expiration) ?? expiration };
  }

  async logout(region: string, accessToken: string): Promise<void> {
    await this.call({
      region,
      operation: 'Logout',
      priority: 'high',
      send: (sdk, client, abortSignal) => client.send(new sdk.LogoutCommand({ accessToken }), { abortSignal }),
    });
  }

  /** One SDK client per portal endpoint, kept so its connections are reused across calls. */
  private client(sdk: Sdk, base: string, region: string): SsoClient {
    let client = this.clients.get(base);
    if (!client) {
      client = new sdk.SSOClient({
        region,
        endpoint: base,
        // The limiter and call() below retry; the SDK sends each attempt once and paces nothing itself.
        maxAttempts: 1,
        retryMode: 'standard',
        // The endpoint is explicit: FIPS or dual-stack settings of the environment must not reject it.
        useFipsEndpoint: false,
        useDualstackEndpoint: false,
        // throwOnRequestTimeout: without it the SDK only warns and waits for a hung endpoint.
        requestHandler: { connectionTimeout: 5000, requestTimeout: this.options.requestTimeoutMs ?? 20000, throwOnRequestTimeout: true },
      });
      keepErrorBodies(client, this.options.skew);
      this.clients.set(base, client);
    }
    return client;
  }

  private async call<T>(call: Call<T>): Promise<T> {
    const limiter = this.limiter(call.region);
    const base = this.base(call.region);
    const sdk = await loadSdk();
    const client = this.client(sdk, base, call.region);
    const maxAttempts = this.options.maxAttempts ?? 5;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire({ priority: call.priority, signal: call.signal });
      this.counters.calls += 1;
      if (attempt > 1) this.counters.retries += 1;
      const started = Date.now();
      let out: T;
      try {
        out = await call.send(sdk, client, call.signal);
      } catch (raw) {
        if (call.signal?.aborted) {
          limiter.release('error');
          throw call.signal.reason;
        }
        const error = (typeof raw === 'object' && raw !== null ? raw : { message: String(raw) }) as SdkErrorShape;
        const status = error.$response?.statusCode ?? error.$metadata?.httpStatusCode;
        if (status === undefined) {
          // No answer: connection refused, reset, timed out.
          limiter.release('error');
          if (++failures >= maxAttempts) {
            const code = error.code ?? (error.name && !GENERIC_ERROR_NAMES.has(error.name) ? error.name : 'NetworkError');
            throw new PortalError(code, t('The IAM Identity Center portal at {0} could not be reached ({1}).', base, code));
          }
          await this.sleep(Math.min(8000, 200 * 2 ** failures), call.signal);
          continue;
        }
        if (status === 429) {
          limiter.release('throttled', { retryAfterMs: retryAfterMs(header(error.$response, 'retry-after')) });
          continue;
        }
        limiter.release('error');
        if (status < 300) {
          throw new PortalError('InvalidResponse', t('The IAM Identity Center portal at {0} answered {1} with a response that could not be read.', base, call.operation), status);
        }
        if (status >= 500 && ++failures < maxAttempts) {
          await this.sleep(Math.min(8000, 200 * 2 ** failures), call.signal);
          continue;
        }
        // Not a service exception: an answer that is not the portal's (a proxy's page), named by its status.
        const named = error.$fault !== undefined && error.name && !GENERIC_ERROR_NAMES.has(error.name) ? error.name : undefined;
        const code = header(error.$response, 'x-amzn-errortype')?.split(':')[0] || named || `HTTP${status}`;
        const detail = error.$fault !== undefined ? error.message : bodyText(error.$response);
        const message = detail && detail !== code && !GENERIC_ERROR_NAMES.has(detail) ? detail : '';
        throw new PortalError(code, t('IAM Identity Center {0} failed: {1}{2}.', call.operation, code, message ? ` (${message})` : ''), status);
      }
      limiter.release('ok', { latencyMs: Date.now() - started });
      return out;
    }
  }
}
