/**
 * The container credentials endpoint: the HTTP format of the AWS SDKs' and CLI's container credentials
 * provider (`AWS_CONTAINER_CREDENTIALS_FULL_URI` + `AWS_CONTAINER_AUTHORIZATION_TOKEN`), served by this
 * window on 127.0.0.1 only. No credentials in any file and no process per call: each request is answered
 * from the credential resolver (the one credential_process uses), so rotation is invisible and callers
 * always get credentials valid for at least {@link ENDPOINT_MIN_VALIDITY_MS}.
 *
 * - One random token per session and window (never in a URL or a log), compared in constant time.
 * - The path names the session by its id (not a secret); a wrong, missing or foreign token gets 401/403
 *   and no credentials; a stopped session gets 403.
 * - The server listens only once a caller asks for a session's variables, and closes on dispose.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { nodeHttp } from './lazy';
import type { AddressInfo } from 'node:net';
import { ContainerEnv, ENDPOINT_MIN_VALIDITY_MS, ENDPOINT_TOKEN_BYTES } from './constants';
import type { CredentialResolver } from './credentialResolver';
import { errorMessage } from './errors';
import { t } from './l10n';
import type { AwsCredentials } from './model';
import type { Disposable, Logger, StateStore } from './ports';

export const ENDPOINT_HOST = '127.0.0.1';
const PATH_PREFIX = '/v1/sessions/';
/** Session ids are `[A-Za-z0-9_-]`; anything else is not a session path. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** What the container credentials provider reads (its JSON field names). */
export interface ContainerCredentialsBody {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
}

export type ContainerVariables = Record<(typeof ContainerEnv)[keyof typeof ContainerEnv], string>;

export interface ContainerEndpointDeps {
  resolver: Pick<CredentialResolver, 'rememberedForProcess' | 'credentialsForProcess'>;
  state: Pick<StateStore, 'read'>;
  logger: Logger;
  /** Port to listen on (tests); default any free port. */
  port?: number;
}

/** The body the providers parse; `Expiration` in RFC 3339 without fractions (botocore and the JS SDK both read it). */
export function containerCredentialsBody(c: AwsCredentials): ContainerCredentialsBody {
  if (!c.sessionToken || !c.expiration) throw new Error(t('the credentials have no session token or expiry (long-term keys are never served)'));
  return { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export class ContainerCredentialsEndpoint implements Disposable {
  /** Session id → SHA-256 of its token (the token itself is handed out once per call of `variables`). */
  private readonly tokens = new Map<string, { token: string; digest: Buffer }>();
  /** Compared against when the session is unknown, so every refusal costs the same. */
  private readonly decoy = digest(randomBytes(ENDPOINT_TOKEN_BYTES).toString('base64url'));
  private listening: Promise<{ server: Server; port: number }> | undefined;
  private disposed = false;
  private refusals = 0;
  /** Requests answered with credentials (benchmarks, tests). */
  served = 0;

  constructor(private readonly deps: ContainerEndpointDeps) {}

  /** Whether the server listens (it starts on the first `variables` call). */
  get isListening(): boolean {
    return this.listening !== undefined;
  }

  /** The two variables a process needs to get this session's credentials from this window. Starts the server on first use. */
  async variables(sessionId: string): Promise<ContainerVariables> {
    if (!SESSION_ID.test(sessionId)) throw new Error(t('Session id "{0}" cannot be served by the credentials endpoint.', sessionId));
    const { port } = await this.listen();
    let entry = this.tokens.get(sessionId);
    if (!entry) {
      const token = randomBytes(ENDPOINT_TOKEN_BYTES).toString('base64url');
      entry = { token, digest: digest(token) };
      this.tokens.set(sessionId, entry);
    }
    return { [ContainerEnv.fullUri]: `http://${ENDPOINT_HOST}:${port}${PATH_PREFIX}${sessionId}`, [ContainerEnv.token]: entry.token };
  }

  dispose(): void {
    this.disposed = true;
    this.tokens.clear();
    const listening = this.listening;
    this.listening = undefined;
    void listening?.then(({ server }) => {
      server.close();
      server.closeAllConnections();
    }, () => undefined);
  }

  private listen(): Promise<{ server: Server; port: number }> {
    if (this.disposed) return Promise.reject(new Error(t('The credentials endpoint is closed (the extension is shutting down).')));
    this.listening ??= new Promise<{ server: Server; port: number }>((resolve, reject) => {
      const server = nodeHttp().createServer((req, res) => void this.handle(req, res));
      server.keepAliveTimeout = 5_000;
      server.once('error', (error) => {
        this.listening = undefined;
        const failure = new Error(t('The credentials endpoint could not listen on {0}: {1}. New terminals get AWS_PROFILE instead; set awsSessions.terminal.delivery to "profile" or reload the window.', ENDPOINT_HOST, errorMessage(error)));
        this.deps.logger.error(failure.message);
        reject(failure);
      });
      server.listen({ host: ENDPOINT_HOST, port: this.deps.port ?? 0, exclusive: true }, () => {
        const port = (server.address() as AddressInfo).port;
        this.deps.logger.info(`Credentials endpoint listening on ${ENDPOINT_HOST}:${port} (loopback only).`);
        resolve({ server, port });
      });
    });
    return this.listening;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = sessionOfPath(req.url);
    if (req.method !== 'GET') return send(res, 405, { Code: 'MethodNotAllowed', Message: t('Only GET is served.') });
    // A browser page (DNS rebinding, a fetch from a web page) never gets an answer with credentials.
    if (req.headers.origin !== undefined) return send(res, 403, { Code: 'Forbidden', Message: t('Requests from web pages are refused.') });
    const presented = req.headers.authorization;
    if (presented === undefined || presented === '') return this.refuse(res, 401, t('Missing authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN).'));
    const expected = sessionId ? this.tokens.get(sessionId) : undefined;
    const ok = timingSafeEqual(digest(presented), expected?.digest ?? this.decoy) && expected !== undefined;
    if (!ok || !sessionId) return this.refuse(res, 403, t('The authorization token is not valid for this URL.'));
    try {
      const credentials = await this.credentialsOf(sessionId);
      this.served++;
      return send(res, 200, containerCredentialsBody(credentials));
    } catch (error) {
      const message = errorMessage(error);
      this.deps.logger.warn(`Credentials endpoint: no credentials for session ${sessionId}: ${message}`);
      return send(res, error instanceof NotServable ? 403 : 500, { Code: error instanceof NotServable ? 'SessionNotActive' : 'CredentialsUnavailable', Message: message });
    }
  }

  private async credentialsOf(sessionId: string): Promise<AwsCredentials> {
    // The resolver forgets what it holds of a session stopped or deleted in any window: a memory hit is an active session.
    const known = this.deps.resolver.rememberedForProcess(sessionId, ENDPOINT_MIN_VALIDITY_MS);
    if (known) return known;
    const state = await this.deps.state.read();
    const session = state.sessions.find((s) => s.id === sessionId);
    if (!session || !state.active[sessionId]) throw new NotServable(t('Session "{0}" is not active: start it in AWS Sessions, then retry.', session?.alias ?? sessionId));
    return this.deps.resolver.credentialsForProcess(sessionId, ENDPOINT_MIN_VALIDITY_MS);
  }

  /** Refusals are logged without the token or the header; the first and every 100th, so a flood cannot fill the log. */
  private refuse(res: ServerResponse, status: 401 | 403, message: string): void {
    if (this.refusals++ % 100 === 0) this.deps.logger.warn(`Credentials endpoint refused a request (${status}, ${this.refusals} so far): ${message}`);
    send(res, status, { Code: status === 401 ? 'Unauthorized' : 'Forbidden', Message: message });
  }
}

class NotServable extends Error {}

function sessionOfPath(url: string | undefined): string | undefined {
  if (!url?.startsWith(PATH_PREFIX)) return undefined;
  const id = url.slice(PATH_PREFIX.length);
  return SESSION_ID.test(id) ? id : undefined;
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
