/** IAM Role Chained sessions: the assumer session's credentials (any type, any depth) → STS AssumeRole (1 h). */
import { SessionError, ValidationError } from '../errors';
import type { AwsCredentials, IamRoleChainedSession } from '../model';
import { defaultRoleSessionName } from '../validation';
import { asSession, Problems, trimmed } from './roleCommon';
import type { FieldSpec, SaveResult, SessionTypeModule } from './sessionType';

const fields: readonly FieldSpec[] = [
  { name: 'alias', label: 'Session alias', kind: 'text', required: true, placeholder: 'dev-admin-chained', rule: 'alias' },
  { name: 'profile', label: 'Named profile', kind: 'profile', required: true, placeholder: 'default', rule: 'profileName' },
  { name: 'region', label: 'Region', kind: 'region', required: true, rule: 'region' },
  { name: 'roleArn', label: 'Role ARN', kind: 'text', required: true, placeholder: 'arn:aws:iam::123456789012:role/Admin', rule: 'roleArn' },
  {
    name: 'roleSessionName',
    label: 'Role session name (optional)',
    kind: 'text',
    required: false,
    placeholder: 'aws-sessions-<alias>',
    help: 'Shown in CloudTrail. 2–64 letters, digits and + = , . @ _ -. Empty: aws-sessions-<alias>.',
    rule: 'roleSessionName',
  },
  {
    name: 'assumerSessionId',
    label: 'Assumer session',
    kind: 'session',
    required: true,
    help: 'The session whose credentials assume the role: any other session, even another chained one.',
    rule: 'sessionRef',
  },
];

/** AWS error codes meaning "these signing credentials are not (or no longer) valid". */
const REFUSED_CREDENTIALS = new Set(['InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException']);

export const iamRoleChainedType: SessionTypeModule<IamRoleChainedSession> = {
  kind: 'iamRoleChained',
  label: 'IAM Role Chained',
  fields,
  secretFields: [],

  fromForm(values, base): SaveResult<IamRoleChainedSession> {
    const p = new Problems();
    const alias = trimmed(values, 'alias');
    const region = trimmed(values, 'region');
    const roleArn = trimmed(values, 'roleArn');
    const roleSessionName = trimmed(values, 'roleSessionName');
    const assumerSessionId = trimmed(values, 'assumerSessionId');
    p.check('alias', 'alias', 'Session alias', alias);
    p.check('region', 'region', 'Region', region);
    p.check('roleArn', 'roleArn', 'Role ARN', roleArn);
    p.check('roleSessionName', 'roleSessionName', 'Role session name', roleSessionName);
    p.check('sessionRef', 'assumerSessionId', 'Assumer session', assumerSessionId);
    if (assumerSessionId && assumerSessionId === base.id) p.add('assumerSessionId', 'Assumer session', 'a session cannot assume a role with its own credentials');
    p.samePartition('roleArn', 'Role ARN', roleArn, region);
    if (p.list.length > 0) throw new ValidationError(p.list);
    return {
      session: { id: base.id, kind: 'iamRoleChained', alias, profileId: base.profileId, region, roleArn, roleSessionName: roleSessionName || undefined, assumerSessionId },
      secrets: {},
    };
  },

  toForm(session) {
    return { alias: session.alias, region: session.region, roleArn: session.roleArn, roleSessionName: session.roleSessionName ?? '', assumerSessionId: session.assumerSessionId };
  },

  dependsOn: (session) => session.assumerSessionId,

  describe(session, state) {
    const assumer = state.sessions.find((s) => s.id === session.assumerSessionId);
    return {
      accountId: /^arn:[\w-]+:iam::(\d{12}):/.exec(session.roleArn)?.[1],
      roleArn: session.roleArn,
      details: [`Assumer: ${assumer ? assumer.alias : '(deleted)'}`, `Role session name: ${session.roleSessionName ?? defaultRoleSessionName(session.alias)}`],
    };
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    const roleSessionName = session.roleSessionName ?? defaultRoleSessionName(session.alias);
    const assumeWith = (assumer: AwsCredentials) =>
      asSession(session.alias, () => ctx.sts.assumeRole({ credentials: assumer, region: session.region, roleArn: session.roleArn, roleSessionName }));
    const assumer = await ctx.credentialsOf(session.assumerSessionId);
    let credentials: AwsCredentials;
    try {
      credentials = await assumeWith(assumer);
    } catch (error) {
      // A cached token of the assumer that AWS refuses (revoked, or expired early) is never reused:
      // drop it and get fresh credentials once (Leapp reuses a revoked-but-unexpired token).
      if (!(error instanceof SessionError) || !REFUSED_CREDENTIALS.has(error.code ?? '') || !ctx.forgetCredentialsOf) throw error;
      ctx.logger.warn(`Session "${session.alias}": AWS refused its assumer's credentials (${error.code}); getting fresh ones once.`);
      await ctx.forgetCredentialsOf(session.assumerSessionId);
      credentials = await assumeWith(await ctx.credentialsOf(session.assumerSessionId));
    }
    ctx.logger.info(`Session "${session.alias}": assumed ${session.roleArn} as ${roleSessionName} until ${credentials.expiration?.toISOString()}`);
    return credentials;
  },
};
