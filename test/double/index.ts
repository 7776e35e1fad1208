/**
 * Programmatic entry of the local AWS test double: `startLocalAws()` serves STS (and, later, the
 * SSO portal and SSO-OIDC) on 127.0.0.1 for tests, benchmarks, `npm run local-aws` and the demo.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createControl, describeUsers, type UserInfo } from './control';
import { createListener } from './router';
import type { SamlCheck } from './saml';
import { DEFAULT_SEED, type SeedFile } from './seed';
import { DoubleState } from './state';
import { createStsModule } from './sts';
import { createIamModule } from './iam';
import { createSsoPortalModule } from './sso';
import { createSsoOidcModule } from './ssoOidc';
import { ssoControlRoutes } from './ssoControl';
import { DEFAULT_START_URL, SsoState, type SsoSettings } from './ssoState';
import { createIdpKeys, createIdpRoutes, samlSignatureCheck, type IdpKeys } from './idp';
import { totp } from './totp';
import { createFederationModule, type FederationLog } from './federation';
import { createSsmModule, type SsmInstanceSeed, type SsmLog } from './ssm';
import type { ServiceModule } from './types';

export interface LocalAwsOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Users and accounts; default alice (with MFA) and bob in 111111111111, keys random per run. */
  readonly seed?: SeedFile;
  /** Added to every AWS call. */
  readonly latencyMs?: number;
  /** Lifetime of every issued temporary credential, overriding DurationSeconds. */
  readonly credentialSeconds?: number | null;
  /** MaxSessionDuration of every role (default 43200). */
  readonly roleMaxSessionSeconds?: number;
  /** The double's clock (epoch ms); tests inject a fake one. Default Date.now. */
  readonly clock?: () => number;
  /** Extra checks on SAML assertions. */
  readonly samlChecks?: readonly SamlCheck[];
  /** AssumeRoleWithSAML refuses unsigned assertions (default false; a present signature is always verified). */
  readonly samlSignatureRequired?: boolean;
  /** More service modules, consulted after STS and before the SSO portal and SSO-OIDC. */
  readonly modules?: (state: DoubleState) => readonly ServiceModule[];
  /** IAM Identity Center: organisation size, portal throttle, token lifetimes; `false` leaves SSO out. */
  readonly sso?: Partial<SsoSettings> | false;
  /** Systems Manager's managed nodes (default: three in eu-west-1 and three in us-east-1). */
  readonly ssmInstances?: readonly SsmInstanceSeed[];
}

export interface ReadyLine {
  readonly endpoint: string;
  readonly users: readonly UserInfo[];
  /** Start URL of the IAM Identity Center instance (any http(s) URL is accepted). */
  readonly ssoStartUrl?: string;
}

export interface LocalAws extends ReadyLine {
  readonly host: string;
  readonly port: number;
  /** Live state: faults, clock skew, settings, call log, issued credentials. */
  readonly state: DoubleState;
  /** IAM Identity Center state: organisation, device codes (approve them here), tokens, throttle. */
  readonly sso: SsoState;
  /** The IdP's signing keys (the IdP page is `${endpoint}/_double/idp`). */
  readonly idpKeys: IdpKeys;
  /** The IdP sign-in URL for these roles of one provider (`acs`: where the IdP posts; default AWS). */
  idpUrl(roles: readonly string[], provider: string, acs?: string, user?: string): string;
  /** A seeded user by name; throws when there is none. */
  user(name: string): UserInfo;
  /** The current TOTP code of an MFA device. */
  mfaCode(serial: string): string;
  /** Sign-in tokens issued and console logins made by the federation endpoint (`${endpoint}/federation`). */
  federationLog(): FederationLog;
  /** Sessions started with SSM StartSession (target and region). */
  ssmLog(): SsmLog;
  close(): Promise<void>;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const host = options.host ?? '127.0.0.1';
  const state = new DoubleState(
    options.seed ?? DEFAULT_SEED,
    {
      latencyMs: options.latencyMs,
      credentialSeconds: options.credentialSeconds ?? null,
      roleMaxSessionSeconds: options.roleMaxSessionSeconds,
      samlSignatureRequired: options.samlSignatureRequired,
    },
    options.clock,
  );
  let endpoint = '';
  const sso = new SsoState(options.sso || {}, () => state.now());
  const idpKeys = createIdpKeys();
  const samlChecks = [samlSignatureCheck(idpKeys, () => state.settings.samlSignatureRequired), ...(options.samlChecks ?? [])];
  const federation = createFederationModule(state);
  const ssm = createSsmModule(state, options.ssmInstances);
  const modules = [
    // Before STS: both take POST / forms; IAM claims the ones signed for `iam` or of its API version.
    createIamModule(state),
    // Before STS too: it claims its JSON requests by X-Amz-Target.
    ssm,
    createStsModule(state, { samlChecks }),
    federation,
    ...(options.modules?.(state) ?? []),
    ...(options.sso === false ? [] : [createSsoPortalModule(state, sso), createSsoOidcModule(sso, () => state.now())]),
  ];
  const controlRoutes = { ...createIdpRoutes(state, idpKeys), ...(options.sso === false ? {} : ssoControlRoutes(sso)) };
  const server: Server = createServer(createListener({ state, modules, control: createControl(state, () => endpoint, controlRoutes) }));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const users = describeUsers(state, endpoint);
  return {
    endpoint,
    host,
    port,
    users,
    ssoStartUrl: options.sso === false ? undefined : DEFAULT_START_URL,
    state,
    sso,
    idpKeys,
    idpUrl(roles, provider, acs, user) {
      const q = new URLSearchParams();
      for (const r of roles) q.append('role', r);
      q.set('provider', provider);
      if (acs) q.set('acs', acs);
      if (user) q.set('user', user);
      return `${endpoint}/_double/idp?${q.toString()}`;
    },
    user(name) {
      const u = users.find((x) => x.name === name);
      if (!u) {
        throw new Error(`local-aws: no seeded user '${name}'`);
      }
      return u;
    },
    mfaCode(serial) {
      const u = state.userByMfaSerial(serial);
      if (!u?.mfaSecretBase32) {
        throw new Error(`local-aws: no MFA device '${serial}'`);
      }
      return totp(u.mfaSecretBase32, state.now());
    },
    federationLog: () => federation.log(),
    ssmLog: () => ssm.log(),
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

export type { UserInfo } from './control';
export type { SeedFile, SeedUser } from './seed';
export { DEFAULT_ACCOUNT_ID, parseSeed } from './seed';
export type { DoubleState } from './state';
export type { CallRecord, FaultSpec, FaultKind, ServiceModule } from './types';
export { AwsError } from './types';
export { buildSamlAssertion, type SamlCheck, type SamlClaims } from './saml';
export { signAssertion, verifyAssertionSignature, type IdpKeys } from './idp';
export { NodeSha256 } from './sigv4';
export { totp } from './totp';
export { SsoState, DEFAULT_START_URL, pkceChallenge, type SsoSettings, type SsoAccount } from './ssoState';
export type { FederationLog } from './federation';
export type { SsmInstanceSeed, SsmLog } from './ssm';
export { DEFAULT_SSM_INSTANCES } from './ssm';
