
import { t } from '../l10n';/** Turn SDK and network errors into one sentence of cause and one of fix. Never includes a secret. */

export interface AwsCallContext {
  service: string;
  action: string;
  endpoint?: string;
  region: string;
}

/** An AWS call failed; `code` is AWS's error code or a network code. */
export class AwsCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fix: string | undefined,
    readonly retryable: boolean,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'AwsCallError';
  }
}

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

function networkCode(e: ErrorShape | undefined, depth = 0): string | undefined {
  if (!e || depth > 4) return undefined;
  if (e.code && networkCodes.has(e.code)) return e.code;
  if (e.name === 'TimeoutError') return 'ETIMEDOUT';
  return networkCode(e.cause as ErrorShape | undefined, depth + 1);
}

export function describeAwsError(error: unknown, ctx: AwsCallContext): AwsCallError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorShape;
  const where = ctx.endpoint ? ctx.endpoint : `${ctx.service} in ${ctx.region}`;
  const net = networkCode(e);
  if (net) {
    return new AwsCallError(
      t('{0} {1} could not reach {2} ({3}).', ctx.service, ctx.action, where, net),
      net,
      ctx.endpoint
        ? t('Check that the endpoint is running, or clear the awsSessions.endpointUrl setting and AWS_ENDPOINT_URL variables.')
        : t('Check your network connection, proxy and VPN.'),
      true,
    );
  }
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Unknown');
  const status = e.$metadata?.httpStatusCode;
  const awsMessage = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const fixes: Record<string, string> = {
    InvalidClientTokenId: t('The access key id is not known to AWS: check it, or create a new access key in IAM.'),
    SignatureDoesNotMatch: /expired|skew|time/i.test(awsMessage)
      ? t('Your computer\'s clock is off: sync it (e.g. enable automatic time).')
      : t('The secret access key does not match the access key id: edit the session and enter the secret again.'),
    AccessDenied: /MultiFactorAuthentication|MFA/i.test(awsMessage)
      ? t('The MFA code was refused: wait for the next code and try again, and check the MFA device ARN.')
      : t('The identity is not allowed to do this: check its IAM policies (and the role trust policy).'),
    ExpiredToken: t('The credentials used to sign have expired: start the session again.'),
    ExpiredTokenException: t('The credentials used to sign have expired: start the session again.'),
    RegionDisabledException: t('STS is not activated in this region: choose another region or activate it in IAM account settings.'),
    Throttling: t('AWS is throttling requests: wait a moment and try again.'),
    ValidationError: t('A value sent to AWS is invalid: edit the session.'),
    InvalidParameterValue: t('A value sent to AWS is invalid: edit the session.'),
  };
  const retryable = code === 'Throttling' || code === 'ThrottlingException' || (status !== undefined && status >= 500);
  return new AwsCallError(
    t('{0} {1} failed: {2}{3}.', ctx.service, ctx.action, code, awsMessage && awsMessage !== code ? ` (${awsMessage})` : ''),
    code,
    fixes[code] ?? (status !== undefined && status >= 500 ? t('AWS had an internal error: try again shortly.') : undefined),
    retryable,
    status,
  );
}
