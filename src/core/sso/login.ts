/**
 * The two OIDC logins of IAM Identity Center:
 * - authorization code with PKCE (S256) and a loopback redirect on 127.0.0.1 (the AWS CLI's default
 *   since 2.22), used where the browser can reach this machine's loopback;
 * - the device authorization grant: the user confirms a code in any browser while CreateToken is
 *   polled at the server's `interval` (+5 s on SlowDownException, RFC 8628), until approval, denial,
 *   expiry of the code or cancellation.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { nodeHttp } from '../lazy';
import type { AddressInfo } from 'node:net';
import { SSO_REDIRECT_PATH, SSO_SCOPE } from '../constants';
import { CancelledError, UserFacingError } from '../errors';
import type { Clock } from '../ports';
import { OidcError, type DeviceAuthorization, type OidcGateway, type TokenResponse } from './oidc';
import { abortableSleep } from './portal';
import { t } from '../l10n';

/** What a login needs from the editor. */
export interface LoginUi {
  /** Open a URL in the user's browser; false when it could not. */
  openUrl(url: string): Promise<boolean>;
  /** Tell the user the device code to confirm (shown for the whole wait). */
  showDeviceCode(authorization: DeviceAuthorization): void;
  /** One line of progress. */
  report(message: string): void;
  /** Cancels the login (the user closed the progress notification). */
  signal: AbortSignal;
}

export interface LoginTarget {
  alias: string;
  startUrl: string;
  ssoRegion: string;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface LoginDeps {
  oidc: OidcGateway;
  clock: Clock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function cancelled(target: LoginTarget): CancelledError {
  return new CancelledError(t('The login to "{0}"', target.alias));
}

export async function deviceLogin(deps: LoginDeps, target: LoginTarget, client: ClientCredentials, ui: LoginUi): Promise<TokenResponse> {
  const sleep = deps.sleep ?? abortableSleep;
  const auth = await deps.oidc.startDeviceAuthorization({ region: target.ssoRegion, ...client, startUrl: target.startUrl });
  ui.showDeviceCode(auth);
  void ui.openUrl(auth.verificationUriComplete);
  const deadline = deps.clock.now() + auth.expiresInSeconds * 1000;
  let intervalMs = Math.max(auth.intervalSeconds, 1) * 1000;
  for (;;) {
    try {
      await sleep(intervalMs, ui.signal);
    } catch {
      throw cancelled(target);
    }
    if (ui.signal.aborted) throw cancelled(target);
    if (deps.clock.now() >= deadline) break;
    try {
      return await deps.oidc.createToken({ region: target.ssoRegion, ...client, grant: { grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: auth.deviceCode } });
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      if (error.code === 'AuthorizationPendingException') continue;
      if (error.code === 'SlowDownException') {
        intervalMs += 5000;
        continue;
      }
      if (error.code === 'ExpiredTokenException') break;
      if (error.code === 'AccessDeniedException') {
        throw new UserFacingError(t('Integration "{0}": the login was denied in the browser.', target.alias), t('Log in again and choose Allow.'));
      }
      throw new UserFacingError(t('Integration "{0}": {1}', target.alias, error.message), t('Log in again; if it keeps failing, check the start URL and SSO region.'), { cause: error });
    }
  }
  throw new UserFacingError(t('Integration "{0}": the code {1} expired before it was confirmed.', target.alias, auth.userCode), t('Log in again and confirm the new code in the browser within its lifetime.'));
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A one-shot HTTP server on 127.0.0.1 that receives the authorization redirect. */
export class LoopbackRedirect {
  private server: Server | undefined;
  private result: Promise<{ code?: string; state?: string; error?: string }> | undefined;
  port = 0;

  async listen(): Promise<string> {
    let deliver!: (v: { code?: string; state?: string; error?: string }) => void;
    this.result = new Promise((resolve) => (deliver = resolve));
    this.server = nodeHttp().createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== SSO_REDIRECT_PATH) {
        res.writeHead(404).end();
        return;
      }
      const error = url.searchParams.get('error') ?? undefined;
      // l10n-ignore: an HTTP header
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        t('<!DOCTYPE html><html><head><title>AWS Sessions</title></head><body><p>{0}</p></body></html>', error ? t('Login failed. Return to VS Code for details.') : t('Logged in. You can close this tab and return to VS Code.')),
      );
      deliver({ code: url.searchParams.get('code') ?? undefined, state: url.searchParams.get('state') ?? undefined, error });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}${SSO_REDIRECT_PATH}`;
  }

  wait(signal: AbortSignal, timeoutMs: number): Promise<{ code?: string; state?: string; error?: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.result!.then((v) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      });
    });
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

export const PKCE_WAIT_MS = 5 * 60 * 1000;

export async function pkceLogin(
  deps: LoginDeps,
  target: LoginTarget,
  register: (redirectUri: string) => Promise<ClientCredentials>,
  ui: LoginUi,
  options: { waitMs?: number } = {},
): Promise<TokenResponse> {
  const loopback = new LoopbackRedirect();
  try {
    const redirectUri = await loopback.listen();
    const client = await register(redirectUri);
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(16).toString('base64url');
    const url = new URL(`${deps.oidc.endpoint(target.ssoRegion)}/authorize`);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('scopes', SSO_SCOPE);
    url.searchParams.set('code_challenge', challenge);
    ui.report(t('Waiting for you to allow access in the browser…'));
    if (!(await ui.openUrl(url.toString()))) {
      throw new UserFacingError(t('Integration "{0}": the browser could not be opened for the login.', target.alias), t('Set awsSessions.ssoLoginFlow to "device" and log in again.'));
    }
    let answer: { code?: string; state?: string; error?: string };
    try {
      answer = await loopback.wait(ui.signal, options.waitMs ?? PKCE_WAIT_MS);
    } catch (error) {
      if (ui.signal.aborted) throw cancelled(target);
      throw new UserFacingError(t('Integration "{0}": no answer from the browser within {1} minutes.', target.alias, Math.round((options.waitMs ?? PKCE_WAIT_MS) / 60000)), t('Log in again, or set awsSessions.ssoLoginFlow to "device".'), { cause: error });
    }
    if (answer.error || !answer.code) {
      throw new UserFacingError(t('Integration "{0}": the portal refused the login ({1}).', target.alias, answer.error ?? t('no code')), t('Log in again and choose Allow.'));
    }
    if (answer.state !== state) {
      throw new UserFacingError(t('Integration "{0}": the login answer did not match this login (state mismatch).', target.alias), t('Log in again; close other login tabs first.'));
    }
    try {
      return await deps.oidc.createToken({ region: target.ssoRegion, ...client, grant: { grantType: 'authorization_code', code: answer.code, redirectUri, codeVerifier: verifier } });
    } catch (error) {
      throw new UserFacingError(t('Integration "{0}": {1}', target.alias, error instanceof Error ? error.message : String(error)), t('Log in again.'), { cause: error });
    }
  } finally {
    loopback.close();
  }
}
