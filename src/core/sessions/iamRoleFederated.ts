/**
 * IAM Role Federated (SAML 2.0) sessions: the IdP sign-in in a browser window (or a pasted SAMLResponse)
 * → the assertion checked as AWS would → STS AssumeRoleWithSAML for the configured role/provider (1 h).
 */
import { SessionError } from '../errors';
import type { AwsCredentials, IamRoleFederatedSession } from '../model';
import { samlAssertion } from '../saml/lazyAssertion';
import { arnAccount } from '../validation';
import { reusableCachedCredentials, storeCachedCredentials } from '../credentialCache';
import { asSession, durationField, durationFromForm, explainDuration, partitionProblem } from './roleCommon';
import { aliasField, PROFILE_FIELD, REGION_FIELD, ROLE_ARN_FIELD, type FieldSpec, type SessionTypeModule } from './sessionType';
import { l10nText, t } from '../l10n';

const fields: readonly FieldSpec[] = [
  aliasField('corp-admin'),
  PROFILE_FIELD,
  REGION_FIELD,
  ROLE_ARN_FIELD,
  {
    name: 'idpUrl',
    label: l10nText('SAML 2.0 sign-in URL'),
    kind: 'text',
    required: true,
    placeholder: 'https://idp.example.com/app/amazon_aws/sso/saml',
    help: l10nText('The identity provider\'s sign-in URL for the AWS application; it opens in a browser window.'),
    rule: 'samlUrl',
  },
  {
    name: 'samlProviderArn',
    label: l10nText('Identity provider ARN'),
    kind: 'text',
    required: true,
    placeholder: 'arn:aws:iam::123456789012:saml-provider/MyIdP',
    rule: 'samlProviderArn',
  },
  // AssumeRoleWithSAML takes no ExternalId or SourceIdentity (the IdP's assertion carries the latter).
  durationField(
    l10nText("From 900 (15 minutes) up to the role's maximum session duration, which its owner sets in IAM between 3600 and 43200 (12 hours). Empty: 3600 (1 hour). The assertion's SessionNotOnOrAfter can end it earlier."),
  ),
];

export const iamRoleFederatedType: SessionTypeModule<IamRoleFederatedSession> = {
  kind: 'iamRoleFederated',
  label: l10nText('IAM Role Federated (SAML 2.0)'),
  icon: 'organization',
  origin: 'user',
  samlSignIn: true,
  fields,
  secretFields: [],
  // A new SAML sign-in may show the IdP's window.
  refreshAsksUser: () => true,
  idpUrlOf: (session) => session.idpUrl,

  crossCheck(values, _base, failed) {
    const problems = [...partitionProblem('roleArn', t('Role ARN'), values, failed), ...partitionProblem('samlProviderArn', t('Identity provider ARN'), values, failed)];
    const [roleAccount, providerAccount] = [arnAccount(values.roleArn), arnAccount(values.samlProviderArn)];
    const bad = (field: string) => failed.has(field) || problems.some((p) => p.field === field);
    if (!bad('roleArn') && !bad('samlProviderArn') && roleAccount !== providerAccount) {
      problems.push({ field: 'samlProviderArn', label: t('Identity provider ARN'), message: t('the provider is in account {0} but the role in {1}; AWS wants both in the same account', providerAccount, roleAccount) });
    }
    return problems;
  },

  fromForm(values, base): IamRoleFederatedSession {
    const { alias, region, roleArn, idpUrl, samlProviderArn, durationSeconds } = values;
    return { id: base.id, kind: 'iamRoleFederated', alias, profileId: base.profileId, region, roleArn, idpUrl, samlProviderArn, durationSeconds: durationFromForm(durationSeconds) };
  },

  toForm(session) {
    return {
      alias: session.alias,
      region: session.region,
      roleArn: session.roleArn,
      idpUrl: session.idpUrl,
      samlProviderArn: session.samlProviderArn,
      durationSeconds: session.durationSeconds === undefined ? '' : String(session.durationSeconds),
    };
  },

  describe(session) {
    return { accountId: arnAccount(session.roleArn), roleArn: session.roleArn };
  },
  details(session) {
    return [`IdP: ${session.idpUrl}`, `Provider: ${session.samlProviderArn}`, ...(session.durationSeconds ? [t('Duration: {0} s', session.durationSeconds)] : [])];
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    if (!ctx.saml) {
      throw new SessionError(session.alias, t('a SAML session needs the IdP sign-in window, which only VS Code can open.'), t('Start this session from VS Code.'));
    }
    // A chain on this session, or a restart, reuses what the last sign-in got while it stays valid: no IdP round again.
    const cached = await reusableCachedCredentials(ctx, session.id);
    if (cached) {
      ctx.logger.debug(`Session "${session.alias}": reusing the credentials of the last SAML sign-in until ${cached.expiration?.toISOString()}`);
      return cached;
    }
    const assertion = await ctx.saml.capture({ sessionAlias: session.alias, idpUrl: session.idpUrl, background: !!ctx.background });
    const analysis = samlAssertion().analyzeSamlResponse(assertion, {
      nowMs: ctx.clock.now(),
      signInUrls: ctx.saml.signInUrls,
      roleArn: session.roleArn,
      providerArn: session.samlProviderArn,
    });
    if (analysis.problems.length > 0) {
      ctx.logger.warn(`Session "${session.alias}": the SAML assertion was refused before calling AWS: ${analysis.problems.join(' | ')}`);
      throw new SessionError(
        session.alias,
        t('the response did not contain a valid SAML assertion: {0}.', analysis.problems.join('; ')),
        t('Fix the IdP configuration named above (or the session fields), then start again; "AWS Sessions: Inspect SAML Assertion" shows the full analysis of a pasted assertion.'),
        { code: 'InvalidSamlAssertion' },
      );
    }
    const credentials = await asSession(session.alias, () =>
      ctx.sts.assumeRoleWithSaml({
        region: session.region,
        roleArn: session.roleArn,
        principalArn: session.samlProviderArn,
        samlAssertion: assertion.replace(/\s+/g, ''),
        durationSeconds: session.durationSeconds,
      }),
    ).catch((error: unknown) => {
      throw explainDuration(error, session.alias, session.roleArn, session.durationSeconds);
    });
    await storeCachedCredentials(ctx.secrets, session.id, credentials);
    ctx.logger.info(`Session "${session.alias}": AssumeRoleWithSAML ${session.roleArn} until ${credentials.expiration?.toISOString()}`);
    return credentials;
  },
};
