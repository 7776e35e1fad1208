/** IAM Role Chained sessions: the assumer session's credentials (any type, any depth) → STS AssumeRole (1 h). */
import { SessionError } from '../errors';
import type { AwsCredentials, IamRoleChainedSession } from '../model';
import { arnAccount, defaultRoleSessionName } from '../validation';
import { asSession, partitionProblem } from './roleCommon';
import { aliasField, PROFILE_FIELD, REGION_FIELD, ROLE_ARN_FIELD, type FieldSpec, type SessionTypeModule } from './sessionType';
import { l10nText, t } from '../l10n';

const fields: readonly FieldSpec[] = [
  aliasField('dev-admin-chained'),
  PROFILE_FIELD,
  REGION_FIELD,
  ROLE_ARN_FIELD,
  {
    name: 'roleSessionName',
    label: l10nText('Role session name (optional)'),
    problemLabel: l10nText('Role session name'),
    kind: 'text',
    required: false,
    placeholder: 'aws-sessions-<alias>',
    help: l10nText('Shown in CloudTrail. 2–64 letters, digits and + = , . @ _ -. Empty: aws-sessions-<alias>.'),
    rule: 'roleSessionName',
  },
  {
    name: 'assumerSessionId',
    label: l10nText('Assumer session'),
    kind: 'session',
    required: true,
    help: l10nText('The session whose credentials assume the role: any other session, even another chained one.'),
    rule: 'sessionRef',
  },
];

/** AWS error codes meaning "these signing credentials are not (or no longer) valid". */
const REFUSED_CREDENTIALS = new Set(['InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException']);

export const iamRoleChainedType: SessionTypeModule<IamRoleChainedSession> = {
  kind: 'iamRoleChained',
  label: l10nText('IAM Role Chained'),
  icon: 'link',
  origin: 'user',
  fields,
  secretFields: [],

  crossCheck(values, base, failed) {
    const own = values.assumerSessionId && values.assumerSessionId === base.id;
    return [
      ...(own ? [{ field: 'assumerSessionId', label: t('Assumer session'), message: t('a session cannot assume a role with its own credentials') }] : []),
      ...partitionProblem('roleArn', t('Role ARN'), values, failed),
    ];
  },

  fromForm(values, base): IamRoleChainedSession {
    const { alias, region, roleArn, roleSessionName, assumerSessionId } = values;
    return { id: base.id, kind: 'iamRoleChained', alias, profileId: base.profileId, region, roleArn, roleSessionName: roleSessionName || undefined, assumerSessionId };
  },

  toForm(session) {
    return { alias: session.alias, region: session.region, roleArn: session.roleArn, roleSessionName: session.roleSessionName ?? '', assumerSessionId: session.assumerSessionId };
  },

  dependsOn: (session) => session.assumerSessionId,

  describe(session, state) {
    const assumer = state.sessions.find((s) => s.id === session.assumerSessionId);
    return {
      accountId: arnAccount(session.roleArn),
      roleArn: session.roleArn,
      details: [`Assumer: ${assumer ? assumer.alias : '(deleted)'}`, t('Role session name: {0}', session.roleSessionName ?? defaultRoleSessionName(session.alias))],
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
