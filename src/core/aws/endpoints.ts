/**
 * Endpoint overrides, with the AWS SDK's standard variables and settings of the same meaning,
 * so LocalStack users and the tests can point the clients elsewhere.
 */

export type AwsService = 'sts' | 'sso' | 'ssoOidc' | 'iam' | 'ssm';

export interface EndpointSettings {
  /** Same meaning as AWS_ENDPOINT_URL. */
  endpointUrl?: string;
  stsEndpointUrl?: string;
  ssoEndpointUrl?: string;
  ssoOidcEndpointUrl?: string;
}

const envNames: Record<AwsService, string> = {
  sts: 'AWS_ENDPOINT_URL_STS',
  sso: 'AWS_ENDPOINT_URL_SSO',
  ssoOidc: 'AWS_ENDPOINT_URL_SSO_OIDC',
  iam: 'AWS_ENDPOINT_URL_IAM',
  ssm: 'AWS_ENDPOINT_URL_SSM',
};

/** Services without a setting of their own follow the general one. */
const settingNames: Partial<Record<AwsService, keyof EndpointSettings>> = {
  sts: 'stsEndpointUrl',
  sso: 'ssoEndpointUrl',
  ssoOidc: 'ssoOidcEndpointUrl',
};

/**
 * The endpoint for a service, or undefined for the SDK's default.
 * Order: service-specific setting, service-specific variable, general setting, AWS_ENDPOINT_URL.
 */
export function resolveEndpoint(
  service: AwsService,
  settings: EndpointSettings,
  env: Record<string, string | undefined>,
): string | undefined {
  const own = settingNames[service];
  const candidates = [own ? settings[own] : undefined, env[envNames[service]], settings.endpointUrl, env.AWS_ENDPOINT_URL];
  return candidates.map((c) => c?.trim()).find((c): c is string => !!c);
}
