/**
 * IAM on the Query protocol (POST form `Action=…&Version=2010-05-08`, SigV4 scoped to `iam`): the access-key
 * calls of a key rotation — CreateAccessKey, ListAccessKeys, DeleteAccessKey — with XML results, errors and the
 * two-keys quota as real IAM answers them. A created key signs STS calls at once (no propagation delay here).
 */
import { newKeyId, newSecretAccessKey } from './ids';
import { Params } from './params';
import { parseAuthorization, verifySigV4 } from './sigv4';
import type { AccessKeyRecord, Caller, DoubleState } from './state';
import { AwsError, type DoubleRequest, type DoubleResponse, type RoutedOperation, type ServiceModule } from './types';
import { escapeXml, isoSeconds, queryError, queryResult } from './xml';

export const IAM_VERSION = '2010-05-08';
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const KEYS_PER_USER = 2;
const USER_NAME = { min: 1, max: 128, pattern: '[\\w+=,.@-]+' };
const ACCESS_KEY_ID = { required: true, min: 16, max: 128, pattern: '[\\w]+' };

function form(req: DoubleRequest): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  if (req.method === 'POST') for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  return params;
}

const response = (action: string, result: string | null, requestId: string): DoubleResponse => queryResult(IAM_NAMESPACE, action, result, requestId);

function keyXml(userName: string, key: AccessKeyRecord, indent: string, withSecret: boolean): string {
  return [
    `${indent}<UserName>${escapeXml(userName)}</UserName>`,
    `${indent}<AccessKeyId>${key.accessKeyId}</AccessKeyId>`,
    `${indent}<Status>${key.status}</Status>`,
    ...(withSecret ? [`${indent}<SecretAccessKey>${escapeXml(key.secretAccessKey)}</SecretAccessKey>`] : []),
    `${indent}<CreateDate>${isoSeconds(key.createdMs)}</CreateDate>`,
  ].join('\n');
}

export function createIamModule(state: DoubleState): ServiceModule {
  /** The IAM user a call acts on: its own (UserName absent or the caller's). IAM refuses session credentials without MFA. */
  function targetUser(caller: Caller, p: Params, action: string): string {
    const requested = p.str('UserName', USER_NAME);
    const user = caller.type === 'user' ? caller.user : caller.creds.kind === 'session-token' && caller.creds.mfaAuthenticated ? caller.creds.sourceUser : null;
    const arn = caller.type === 'user' ? caller.user.arn : caller.creds.arn;
    if (!user) {
      throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid', 403);
    }
    if (requested !== undefined && requested !== user.name) {
      throw new AwsError('AccessDenied', `User: ${arn} is not authorized to perform: iam:${action} on resource: user ${requested}`, 403);
    }
    return user.name;
  }

  const actions: Record<string, (p: Params, caller: Caller, requestId: string) => DoubleResponse> = {
    CreateAccessKey(p, caller, requestId) {
      const name = targetUser(caller, p, 'CreateAccessKey');
      p.done();
      const keys = state.accessKeysOf(name);
      if (keys.length >= KEYS_PER_USER) {
        throw new AwsError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`, 409);
      }
      const key: AccessKeyRecord = { accessKeyId: newKeyId('AKIA'), secretAccessKey: newSecretAccessKey(), status: 'Active', createdMs: state.now() };
      keys.push(key);
      return response('CreateAccessKey', ['    <AccessKey>', keyXml(name, key, '      ', true), '    </AccessKey>'].join('\n'), requestId);
    },

    ListAccessKeys(p, caller, requestId) {
      const name = targetUser(caller, p, 'ListAccessKeys');
      p.str('Marker', { min: 1, max: 320 });
      p.int('MaxItems', { min: 1, max: 1000 });
      p.done();
      const members = state.accessKeysOf(name).map((k) => ['      <member>', keyXml(name, k, '        ', false), '      </member>'].join('\n'));
      return response(
        'ListAccessKeys',
        ['    <IsTruncated>false</IsTruncated>', '    <AccessKeyMetadata>', ...members, '    </AccessKeyMetadata>'].join('\n'),
        requestId,
      );
    },

    DeleteAccessKey(p, caller, requestId) {
      const name = targetUser(caller, p, 'DeleteAccessKey');
      const id = p.str('AccessKeyId', ACCESS_KEY_ID) as string;
      p.done();
      const keys = state.accessKeysOf(name);
      const at = keys.findIndex((k) => k.accessKeyId === id);
      if (at < 0) {
        throw new AwsError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`, 404);
      }
      keys.splice(at, 1);
      return response('DeleteAccessKey', null, requestId);
    },
  };

  return {
    name: 'iam',

    route(req: DoubleRequest): RoutedOperation | undefined {
      if (req.path !== '/' || req.method !== 'POST') return undefined;
      let principal: string | null = null;
      let service: string | null = null;
      try {
        const auth = parseAuthorization(req.headers['authorization'] ?? '');
        principal = auth.accessKeyId;
        service = auth.service;
      } catch {
        // unsigned or malformed: IAM's only when the form says so
      }
      const params = form(req);
      if (service !== 'iam' && params.get('Version') !== IAM_VERSION) return undefined;
      return { action: params.get('Action') ?? '', principal };
    },

    async handle(req: DoubleRequest, op: RoutedOperation): Promise<DoubleResponse> {
      const params = form(req);
      const handler = Object.prototype.hasOwnProperty.call(actions, op.action) ? actions[op.action] : undefined;
      if (!handler || params.get('Version') !== IAM_VERSION) {
        throw new AwsError('InvalidAction', `Could not find operation ${op.action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`, 400);
      }
      const caller = await verifySigV4(req, state, 'iam');
      return handler(new Params(params), caller, req.requestId);
    },

    renderError(err: AwsError, req: DoubleRequest): DoubleResponse {
      return queryError(IAM_NAMESPACE, err, req.requestId);
    },
  };
}
