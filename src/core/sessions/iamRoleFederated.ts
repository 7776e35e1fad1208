/**
 * IAM Role Federated (SAML 2.0) sessions: the IdP sign-in in a browser window (or a pasted SAMLResponse)
 * → the assertion checked as AWS would → STS AssumeRoleWithSAML for the configured role/provider (1 h).
 */
import { SessionError, ValidationError } from '../errors';
import type { AwsCredentials, IamRoleFederatedSession } from '../model';
import { analyzeSamlResponse } from '../saml/assertion';
import { reusableCachedCredentials, storeCachedCredentials } from './credentialCache';
import { asSession, Problems, trimmed } from './roleCommon';
import type { FieldSpec, SaveResult, SessionTypeModule } from './sessionType';

const fields: readonly FieldSpec[] = [
  { name: 'alias', label: 'Session alias', kind: 'text', required: true, placeholder: 'corp-admin', rule: 'alias' },
  { name: 'profile', label: 'Named profile', kind: 'profile', required: true, placeholder: 'default', rule: 'profileName' },
  { name: 'region', label: 'Region', kind: 'region', required: true, rule: 'region' },
  { name: 'roleArn', label: 'Role ARN', kind: 'text', required: true, placeholder: 'arn:aws:iam::123456789012:role/Admin', rule: 'roleArn' },
  {
    name: 'idpUrl',
    label: 'SAML 2.0 sign-in URL',
    kind: 'text',
    required: true,
    placeholder: 'https://idp.example.com/app/amazon_aws/sso/saml',
    help: "The identity provider's sign-in URL for the AWS application; it opens in a browser window.",
    rule: 'samlUrl',
  },
  {
    name: 'samlProviderArn',
    label: 'Identity provider ARN',
    kind: 'text',
    required: true,
    placeholder: 'arn:aws:iam::123456789012:saml-provider/MyIdP',
    rule: 'samlProviderArn',
  },
];

export const iamRoleFederatedType: SessionTypeModule<IamRoleFederatedSession> = {
  kind: 'iamRoleFederated',
  label: 'IAM Role Federated (SAML 2.0)',
  fields,
  secretFields: [],

  fromForm(values, base): SaveResult<IamRoleFederatedSession> {
    const p = new Problems();
    const alias = trimmed(values, 'alias');
    const region = trimmed(values, 'region');
    const roleArn = trimmed(values, 'roleArn');
    const idpUrl = trimmed(values, 'idpUrl');
    const samlProviderArn = trimmed(values, 'samlProviderArn');
    p.check('alias', 'alias', 'Session alias', alias);
    p.check('region', 'region', 'Region', region);
    p.check('roleArn', 'roleArn', 'Role ARN', roleArn);
    p.check('samlUrl', 'idpUrl', 'SAML 2.0 sign-in URL', idpUrl);
    p.check('samlProviderArn', 'samlProviderArn', 'Identity provider ARN', samlProviderArn);
    p.samePartition('roleArn', 'Role ARN', roleArn, region);
    p.samePartition('samlProviderArn', 'Identity provider ARN', samlProviderArn, region);
    if (!p.has('roleArn') && !p.has('samlProviderArn')) {
      const account = (arn: string) => /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1];
      if (account(roleArn) !== account(samlProviderArn)) {
        p.add('samlProviderArn', 'Identity provider ARN', `the provider is in account ${account(samlProviderArn)} but the role in ${account(roleArn)}; AWS wants both in the same account`);
      }
    }
    if (p.list.length > 0) throw new ValidationError(p.list);
    return { session: { id: base.id, kind: 'iamRoleFederated', alias, profileId: base.profileId, region, roleArn, idpUrl, samlProviderArn }, secrets: {} };
  },

  toForm(session) {
    return { alias: session.alias, region: session.region, roleArn: session.roleArn, idpUrl: session.idpUrl, samlProviderArn: session.samlProviderArn };
  },

  describe(session) {
    return {
      accountId: /^arn:[\w-]+:iam::(\d{12}):/.exec(session.roleArn)?.[1],
      roleArn: session.roleArn,
      details: [`IdP: ${session.idpUrl}`, `Provider: ${session.samlProviderArn}`],
    };
  },

  async generate(session, ctx): Promise<AwsCredentials> {
    if (!ctx.saml) {
      throw new SessionError(session.alias, 'a SAML session needs the IdP sign-in window, which only VS Code can open.', 'Start this session from VS Code.');
    }
    // A chain on this session, or a restart, reuses what the last sign-in got while it stays valid: no IdP round again.
    const cached = await reusableCachedCredentials(ctx, session.id);
    if (cached) {
      ctx.logger.debug(`Session "${session.alias}": reusing the credentials of the last SAML sign-in until ${cached.expiration?.toISOString()}`);
      return cached;
    }
    const assertion = await ctx.saml.capture({ sessionAlias: session.alias, idpUrl: session.idpUrl, background: !!ctx.background });
    const analysis = analyzeSamlResponse(assertion, {
      nowMs: ctx.clock.now(),
      signInUrls: ctx.saml.signInUrls,
      roleArn: session.roleArn,
      providerArn: session.samlProviderArn,
    });
    if (analysis.problems.length > 0) {
      ctx.logger.warn(`Session "${session.alias}": the SAML assertion was refused before calling AWS: ${analysis.problems.join(' | ')}`);
      throw new SessionError(
        session.alias,
        `the response did not contain a valid SAML assertion: ${analysis.problems.join('; ')}.`,
        'Fix the IdP configuration named above (or the session fields), then start again; "AWS Sessions: Inspect SAML Assertion" shows the full analysis of a pasted assertion.',
        { code: 'InvalidSamlAssertion' },
      );
    }
    const credentials = await asSession(session.alias, () =>
      ctx.sts.assumeRoleWithSaml({ region: session.region, roleArn: session.roleArn, principalArn: session.samlProviderArn, samlAssertion: assertion.replace(/\s+/g, '') }),
    );
    await storeCachedCredentials(ctx.secrets, session.id, credentials);
    ctx.logger.info(`Session "${session.alias}": AssumeRoleWithSAML ${session.roleArn} until ${credentials.expiration?.toISOString()}`);
    return credentials;
  },
};
