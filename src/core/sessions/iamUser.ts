/** IAM User sessions: long-term keys in SecretStorage → STS GetSessionToken (10 h), MFA once per token. */
import { IAM_USER_SESSION_SECONDS } from '../constants';
import { readLongTermKey } from '../longTermKeys';
import { CancelledError, SessionError } from '../errors';
import type { AwsCredentials, IamUserSession } from '../model';
import { arnAccount } from '../validation';
import { aliasField, PROFILE_FIELD, REGION_FIELD, type FieldSpec, type GenerateContext, type SessionTypeModule } from './sessionType';
import { reusableCachedCredentials, storeCachedCredentials } from '../credentialCache';
import { AwsCallError } from '../aws/awsErrors';
import { l10nText, t } from '../l10n';

const fields: readonly FieldSpec[] = [
  aliasField('dev-admin'),
  PROFILE_FIELD,
  REGION_FIELD,
  { name: 'accessKeyId', label: l10nText('Access key ID'), kind: 'secret', required: true, placeholder: l10nText('AKIA…'), rule: 'accessKeyId' },
  { name: 'secretAccessKey', label: l10nText('Secret access key'), kind: 'secret', required: true, rule: 'secretAccessKey' },
  {
    name: 'mfaSerial',
    label: l10nText('MFA device ARN (optional)'),
    problemLabel: l10nText('MFA device ARN'),
    kind: 'text',
    required: false,
    placeholder: 'arn:aws:iam::123456789012:mfa/alice',
    help: l10nText('When set, starting the session asks for a 6-digit code about once every 10 hours.'),
    rule: 'mfaSerial',
  },
  {
    name: 'mfaOathAccount',
    label: l10nText('YubiKey OATH account (optional)'),
    problemLabel: l10nText('YubiKey OATH account'),
    kind: 'text',
    required: false,
    placeholder: 'Amazon Web Services:alice@123456789012', // l10n-ignore: an account name
    help: l10nText('With ykman installed, the MFA prompt offers "Read from YubiKey" with this OATH account. Empty: the account matching the MFA device ARN.'),
    rule: 'oathAccount',
  },
];

/** A session policy allowing everything: the federated user then has exactly what the IAM user's own policies grant. */
export const FEDERATION_PASS_THROUGH_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** GetFederationToken's Name: 2–32 of [\w+=,.@-]. */
export function federatedUserName(alias: string): string {
  const name = alias.replace(/[^\w+=,.@-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32);
  return name.length >= 2 ? name : `aws-sessions-${name}`.slice(0, 32);
}

async function longTermKeys(session: IamUserSession, ctx: GenerateContext): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const key = await readLongTermKey(ctx.secrets, session.id);
  if (!key) {
    throw new SessionError(session.alias, t('its access key is missing from secret storage.'), t('Edit the session and enter the access key ID and secret again.'));
  }
  return key;
}

export const iamUserType: SessionTypeModule<IamUserSession> = {
  kind: 'iamUser',
  label: l10nText('IAM User'),
  icon: 'person',
  origin: 'user',
  fields,
  secretFields: ['accessKeyId', 'secretAccessKey'],
  userCredentials: true,
  longTermAccessKey: true,
  refreshAsksUser: (session) => !!session.mfaSerial,

  fromForm(values, base): IamUserSession {
    return { id: base.id, kind: 'iamUser', alias: values.alias, profileId: base.profileId, region: values.region, mfaSerial: values.mfaSerial || undefined, ...(values.mfaOathAccount ? { mfaOathAccount: values.mfaOathAccount } : {}) };
  },

  toForm(session) {
    return { alias: session.alias, region: session.region, mfaSerial: session.mfaSerial ?? '', mfaOathAccount: session.mfaOathAccount ?? '' };
  },

  describe(session) {
    return { accountId: arnAccount(session.mfaSerial ?? '') };
  },
  details(session) {
    return session.mfaSerial ? [t('MFA device: {0}', session.mfaSerial)] : [t('No MFA device')];
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    const cached = await reusableCachedCredentials(ctx, session.id);
    if (cached) {
      ctx.logger.debug(`Session "${session.alias}": reusing the cached session token until ${cached.expiration?.toISOString()}`);
      return cached;
    }
    const { accessKeyId, secretAccessKey } = await longTermKeys(session, ctx);
    let tokenCode: string | undefined;
    if (session.mfaSerial) {
      tokenCode = await ctx.prompter.askMfaCode({ sessionAlias: session.alias, mfaSerial: session.mfaSerial, oathAccount: session.mfaOathAccount });
      if (tokenCode === undefined) throw new CancelledError(t('The MFA code for "{0}"', session.alias));
    }
    let credentials: AwsCredentials;
    try {
      credentials = await ctx.sts.getSessionToken({
        credentials: { accessKeyId, secretAccessKey },
        region: session.region,
        durationSeconds: IAM_USER_SESSION_SECONDS,
        serialNumber: session.mfaSerial,
        tokenCode,
      });
    } catch (error) {
      if (error instanceof AwsCallError) throw new SessionError(session.alias, error.message, error.fix, { cause: error, code: error.code });
      throw error;
    }
    await storeCachedCredentials(ctx.secrets, session.id, credentials);
    ctx.logger.info(`Session "${session.alias}": new session token until ${credentials.expiration?.toISOString()}`);
    return credentials;
  },

  /**
   * GetFederationToken with the long-term keys and a pass-through session policy: the only credentials of
   * an IAM user that can sign in to the console. Not cached (each sign-in gets its own); no MFA (AWS takes none).
   */
  async consoleCredentials(session, ctx, durationSeconds): Promise<AwsCredentials> {
    const { accessKeyId, secretAccessKey } = await longTermKeys(session, ctx);
    try {
      const credentials = await ctx.sts.getFederationToken({
        credentials: { accessKeyId, secretAccessKey },
        region: session.region,
        name: federatedUserName(session.alias),
        policy: FEDERATION_PASS_THROUGH_POLICY,
        durationSeconds,
      });
      ctx.logger.info(`Session "${session.alias}": federation token for the console until ${credentials.expiration?.toISOString()}`);
      return credentials;
    } catch (error) {
      if (error instanceof AwsCallError) {
        const fix = error.code === 'AccessDenied' ? t('Allow sts:GetFederationToken to this IAM user (console sign-in needs it), then try again.') : error.fix;
        throw new SessionError(session.alias, error.message, fix, { cause: error, code: error.code });
      }
      throw error;
    }
  },
};
