/**
 * IAM Role Chained sessions: the assumer session's credentials (any type, any depth) → STS AssumeRole,
 * with the role options AWS allows there (ExternalId, DurationSeconds, SourceIdentity, RoleSessionName).
 */
import { SessionError } from '../errors';
import type { AwsCredentials, IamRoleChainedSession } from '../model';
import { arnAccount, defaultRoleSessionName, ROLE_CHAINING_MAX_SECONDS } from '../validation';
import { sessionById } from '../sessionLookup';
import { asSession, durationField, durationFromForm, explainDuration, EXTERNAL_ID_FIELD, partitionProblem, SOURCE_IDENTITY_FIELD } from './roleCommon';
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
  EXTERNAL_ID_FIELD,
  durationField(
    l10nText("From 900 (15 minutes) up to the role's maximum session duration, which its owner sets in IAM between 3600 and 43200 (12 hours). Empty: 3600 (1 hour). AWS caps a role assumed with another role's credentials (an assumer that is not an IAM User) at 3600 (1 hour)."),
  ),
  SOURCE_IDENTITY_FIELD,
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

  relatedProblems(session, others) {
    const assumer = others.find(session.assumerSessionId);
    if (!assumer || others.userCredentials(assumer.id) || (session.durationSeconds ?? 0) <= ROLE_CHAINING_MAX_SECONDS) return [];
    return [
      {
        field: 'durationSeconds',
        label: t('Session duration'),
        message: t("the assumer \"{0}\" has role credentials, and AWS caps a role assumed with another role's credentials (role chaining) at {1} seconds (1 hour); use {1} or less, or an IAM User session as the assumer", assumer.alias, ROLE_CHAINING_MAX_SECONDS),
      },
    ];
  },

  fromForm(values, base): IamRoleChainedSession {
    const { alias, region, roleArn, roleSessionName, assumerSessionId, externalId, durationSeconds, sourceIdentity } = values;
    return {
      id: base.id,
      kind: 'iamRoleChained',
      alias,
      profileId: base.profileId,
      region,
      roleArn,
      roleSessionName: roleSessionName || undefined,
      assumerSessionId,
      externalId: externalId || undefined,
      durationSeconds: durationFromForm(durationSeconds),
      sourceIdentity: sourceIdentity || undefined,
    };
  },

  toForm(session) {
    return {
      alias: session.alias,
      region: session.region,
      roleArn: session.roleArn,
      roleSessionName: session.roleSessionName ?? '',
      assumerSessionId: session.assumerSessionId,
      externalId: session.externalId ?? '',
      durationSeconds: session.durationSeconds === undefined ? '' : String(session.durationSeconds),
      sourceIdentity: session.sourceIdentity ?? '',
    };
  },

  dependsOn: (session) => session.assumerSessionId,

  describe(session) {
    return { accountId: arnAccount(session.roleArn), roleArn: session.roleArn };
  },
  details(session, state) {
    const assumer = sessionById(state, session.assumerSessionId);
    const details = [`Assumer: ${assumer ? assumer.alias : '(deleted)'}`, t('Role session name: {0}', session.roleSessionName ?? defaultRoleSessionName(session.alias))];
    if (session.durationSeconds) details.push(t('Duration: {0} s', session.durationSeconds));
    if (session.sourceIdentity) details.push(t('Source identity: {0}', session.sourceIdentity));
    // The ExternalId itself stays out of tooltips and logs: only that one is sent.
    if (session.externalId) details.push(t('External ID: set'));
    return details;
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    const roleSessionName = session.roleSessionName ?? defaultRoleSessionName(session.alias);
    const assumeWith = (assumer: AwsCredentials) =>
      asSession(
        session.alias,
        () =>
          ctx.sts.assumeRole({
            credentials: assumer,
            region: session.region,
            roleArn: session.roleArn,
            roleSessionName,
            durationSeconds: session.durationSeconds,
            externalId: session.externalId,
            sourceIdentity: session.sourceIdentity,
          }),
        {
          hidden: { 'External ID': session.externalId },
          fixFor: (code) =>
            code !== 'AccessDenied'
              ? undefined
              : session.externalId
                ? t("Check that the session's External ID is exactly the one the role's owner gave you, and the role's trust policy (it must trust the assumer).")
                : t("If the role's owner gave you an External ID, add it to the session; otherwise check the role's trust policy (it must trust the assumer) and the assumer's IAM policies."),
        },
      ).catch((error: unknown) => {
        throw explainDuration(error, session.alias, session.roleArn, session.durationSeconds);
      });
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
