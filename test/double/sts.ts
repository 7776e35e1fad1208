/**
 * STS on the Query protocol (POST form `Action=…&Version=2011-06-15`): GetSessionToken,
 * AssumeRole, AssumeRoleWithSAML, GetCallerIdentity and GetFederationToken, with XML results and
 * ErrorResponse documents shaped like real STS.
 */
import { newKeyId, newSecretAccessKey, newSessionToken } from './ids';
import { Params, RULES, packedPolicySize, parseRoleArn, parseSamlProviderArn } from './params';
import { nameQualifier, validateSamlAssertion, type SamlCheck } from './saml';
import type { IamUser } from './seed';
import { parseAuthorization, verifySigV4 } from './sigv4';
import type { Caller, DoubleState, IssuedCredentials, SessionKind } from './state';
import { verifyTotp } from './totp';
import { AwsError, type DoubleRequest, type DoubleResponse, type RoutedOperation, type ServiceModule } from './types';
import { isoSeconds, queryError, queryResult, type XmlNode } from './xml';

export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const INVALID_MFA_MESSAGE = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
const UNKNOWN_MFA_MESSAGE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';
const ROLE_CHAINING_LIMIT = 3600;

type Action =
  | { readonly signed: true; run(p: Params, caller: Caller): XmlNode }
  | { readonly signed: false; run(p: Params): XmlNode };

export interface StsOptions {
  /** Extra checks on SAML assertions (signature validation in a later issue). */
  readonly samlChecks?: readonly SamlCheck[];
}

function callerArn(caller: Caller): string {
  return caller.type === 'user' ? caller.user.arn : caller.creds.arn;
}

function sourceUser(caller: Caller): IamUser | null {
  return caller.type === 'user' ? caller.user : caller.creds.sourceUser;
}

function form(req: DoubleRequest): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      params.append(k, one);
    }
  }
  if (req.method === 'POST') {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) {
      params.append(k, v);
    }
  }
  return params;
}

export function createStsModule(state: DoubleState, options: StsOptions = {}): ServiceModule {
  const roleIds = new Map<string, string>();
  const roleId = (arn: string): string => {
    const id = roleIds.get(arn) ?? newKeyId('AROA');
    roleIds.set(arn, id);
    return id;
  };

  function issue(
    kind: SessionKind,
    durationSeconds: number,
    identity: { accountId: string; arn: string; userId: string; sourceUser: IamUser | null; mfa: boolean; roleChained?: boolean },
  ): { creds: IssuedCredentials; xml: XmlNode } {
    // Whole seconds, so the Expiration on the wire is exactly when the key stops working.
    const expiresAtMs = Math.floor((state.now() + state.lifetimeSeconds(durationSeconds) * 1000) / 1000) * 1000;
    const creds: IssuedCredentials = {
      accessKeyId: newKeyId('ASIA'),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiresAtMs,
      kind,
      accountId: identity.accountId,
      arn: identity.arn,
      userId: identity.userId,
      sourceUser: identity.sourceUser,
      mfaAuthenticated: identity.mfa,
      roleChained: identity.roleChained,
    };
    state.remember(creds);
    const xml: XmlNode = {
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: isoSeconds(expiresAtMs),
    };
    return { creds, xml };
  }

  /** Checks SerialNumber/TokenCode against `user`'s device; returns whether MFA was presented. */
  function checkMfa(user: IamUser | null, serial: string | undefined, code: string | undefined): boolean {
    if (serial === undefined && code === undefined) {
      return false;
    }
    if (serial === undefined || code === undefined) {
      throw new AwsError('AccessDenied', 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.', 403);
    }
    if (!user || user.mfaSerial !== serial || !user.mfaSecretBase32) {
      throw new AwsError('AccessDenied', UNKNOWN_MFA_MESSAGE, 403);
    }
    if (!verifyTotp(user.mfaSecretBase32, code, state.now())) {
      throw new AwsError('AccessDenied', INVALID_MFA_MESSAGE, 403);
    }
    return true;
  }

  const notAuthorized = (caller: Caller, action: string, resource: string): AwsError =>
    new AwsError('AccessDenied', `User: ${callerArn(caller)} is not authorized to perform: sts:${action} on resource: ${resource}`, 403);

  const actions: Record<string, Action> = {
    GetCallerIdentity: {
      signed: true,
      run(p, c) {
        p.done();
        return c.type === 'user'
          ? { UserId: c.user.userId, Account: c.user.accountId, Arn: c.user.arn }
          : { UserId: c.creds.userId, Account: c.creds.accountId, Arn: c.creds.arn };
      },
    },

    GetSessionToken: {
      signed: true,
      run(p, c) {
        const duration = p.int('DurationSeconds', RULES.sessionDuration);
        const serial = p.str('SerialNumber', RULES.serialNumber);
        const code = p.str('TokenCode', RULES.tokenCode);
        p.done();
        if (c.type !== 'user') {
          throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
        }
        const mfa = checkMfa(c.user, serial, code);
        const u = c.user;
        const { xml } = issue('session-token', duration ?? 43200, { ...u, sourceUser: u, mfa });
        return { Credentials: xml };
      },
    },

    AssumeRole: {
      signed: true,
      run(p, c) {
        const arn = p.str('RoleArn', RULES.roleArn);
        const session = p.str('RoleSessionName', RULES.roleSessionName);
        const requested = p.int('DurationSeconds', RULES.roleDuration);
        const serial = p.str('SerialNumber', RULES.serialNumber);
        const code = p.str('TokenCode', RULES.tokenCode);
        const policy = p.str('Policy', RULES.policy);
        const externalId = p.str('ExternalId', RULES.externalId);
        const sourceIdentity = p.str('SourceIdentity', RULES.sourceIdentity);
        p.done();
        const role = parseRoleArn(arn as string);
        if (c.type === 'session' && c.creds.kind === 'federated-user') {
          throw notAuthorized(c, 'AssumeRole', role.arn);
        }
        if (!state.accounts.has(role.accountId)) {
          throw notAuthorized(c, 'AssumeRole', role.arn);
        }
        const requiredExternalId = state.settings.roleExternalIds[role.arn];
        if (requiredExternalId !== undefined && externalId !== requiredExternalId) {
          throw notAuthorized(c, 'AssumeRole', role.arn);
        }
        const chaining = c.type === 'session' && c.creds.kind === 'assumed-role';
        if (chaining && requested !== undefined && requested > ROLE_CHAINING_LIMIT) {
          throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400);
        }
        if (requested !== undefined && requested > state.roleMaxSessionSeconds(role.arn)) {
          throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
        }
        const packed = packedPolicySize(policy);
        const mfa = checkMfa(sourceUser(c), serial, code) || (c.type === 'session' && c.creds.mfaAuthenticated);
        const assumedRoleId = `${roleId(role.arn)}:${session}`;
        const assumedArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${session}`;
        const { xml } = issue('assumed-role', requested ?? 3600, {
          accountId: role.accountId,
          arn: assumedArn,
          userId: assumedRoleId,
          sourceUser: sourceUser(c),
          mfa,
          roleChained: chaining,
        });
        return {
          Credentials: xml,
          AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedArn },
          PackedPolicySize: packed,
          SourceIdentity: sourceIdentity,
        };
      },
    },

    AssumeRoleWithSAML: {
      signed: false,
      run(p) {
        const arn = p.str('RoleArn', RULES.roleArn);
        const principalArn = p.str('PrincipalArn', RULES.roleArn);
        const assertion = p.str('SAMLAssertion', RULES.samlAssertion);
        const requested = p.int('DurationSeconds', RULES.roleDuration);
        const policy = p.str('Policy', RULES.policy);
        p.done();
        const role = parseRoleArn(arn as string);
        const provider = parseSamlProviderArn(principalArn as string);
        if (!state.accounts.has(role.accountId) || provider.accountId !== role.accountId) {
          throw new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403);
        }
        const claims = validateSamlAssertion(
          { assertion: assertion as string, roleArn: role.arn, principalArn: principalArn as string, nowMs: state.now() },
          options.samlChecks,
        );
        const duration = requested ?? claims.sessionDurationSeconds ?? 3600;
        if (duration > state.roleMaxSessionSeconds(role.arn)) {
          throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
        }
        const packed = packedPolicySize(policy);
        const assumedRoleId = `${roleId(role.arn)}:${claims.roleSessionName}`;
        const assumedArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${claims.roleSessionName}`;
        const { xml } = issue('assumed-role', duration, {
          accountId: role.accountId,
          arn: assumedArn,
          userId: assumedRoleId,
          sourceUser: null,
          mfa: false,
        });
        return {
          Credentials: xml,
          AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedArn },
          PackedPolicySize: packed,
          Subject: claims.subject,
          SubjectType: claims.subjectType,
          Issuer: claims.issuer,
          Audience: claims.audience,
          NameQualifier: nameQualifier(claims.issuer, role.accountId, provider.providerName),
        };
      },
    },

    GetFederationToken: {
      signed: true,
      run(p, c) {
        const name = p.str('Name', RULES.federationName);
        const policy = p.str('Policy', RULES.policy);
        const duration = p.int('DurationSeconds', RULES.sessionDuration);
        p.done();
        if (c.type !== 'user') {
          throw new AwsError('AccessDenied', 'Cannot call GetFederationToken with session credentials', 403);
        }
        const packed = packedPolicySize(policy);
        const u = c.user;
        const federatedArn = `arn:aws:sts::${u.accountId}:federated-user/${name}`;
        const federatedUserId = `${u.accountId}:${name}`;
        const { xml } = issue('federated-user', duration ?? 43200, {
          accountId: u.accountId,
          arn: federatedArn,
          userId: federatedUserId,
          sourceUser: u,
          mfa: false,
        });
        return {
          Credentials: xml,
          FederatedUser: { FederatedUserId: federatedUserId, Arn: federatedArn },
          PackedPolicySize: packed,
        };
      },
    },
  };

  return {
    name: 'sts',

    route(req: DoubleRequest): RoutedOperation | undefined {
      if (req.path !== '/' || (req.method !== 'POST' && req.method !== 'GET')) {
        return undefined;
      }
      const action = form(req).get('Action') ?? '';
      let principal: string | null = null;
      try {
        principal = req.headers['authorization'] ? parseAuthorization(req.headers['authorization']).accessKeyId : null;
      } catch {
        principal = null;
      }
      return { action, principal };
    },

    async handle(req: DoubleRequest, op: RoutedOperation): Promise<DoubleResponse> {
      const params = form(req);
      if (!op.action) {
        throw new AwsError('MissingAction', 'Missing Action', 400);
      }
      const handler = Object.prototype.hasOwnProperty.call(actions, op.action) ? actions[op.action] : undefined;
      const version = params.get('Version');
      if (!handler || (version !== null && version !== STS_VERSION)) {
        throw new AwsError('InvalidAction', `Could not find operation ${op.action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`, 400);
      }
      if (version === null) {
        throw new AwsError('MissingParameter', 'The request must contain the parameter Version', 400);
      }
      const result = handler.signed
        ? handler.run(new Params(params), await verifySigV4(req, state, 'sts'))
        : handler.run(new Params(params));
      return queryResult(STS_NAMESPACE, op.action, result, req.requestId);
    },

    renderError(err: AwsError, req: DoubleRequest): DoubleResponse {
      return queryError(STS_NAMESPACE, err, req.requestId);
    },
  };
}
