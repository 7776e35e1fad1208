/** STS calls the session types need, behind an interface; the SDK is loaded on first use. */
import { ClockSkew } from '../clockSkew';
import type { AwsCredentials } from '../model';
import { systemClock } from '../ports';
import { describeAwsError } from './awsErrors';
import { t } from '../l10n';

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
}

interface Signed {
  /** Credentials that sign the request. */
  credentials: AwsCredentials;
  region: string;
}

export interface AssumeRoleRequest extends Signed {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  serialNumber?: string;
  tokenCode?: string;
  /** The trust policy's sts:ExternalId; not a secret, but never logged. */
  externalId?: string;
  sourceIdentity?: string;
}

export interface StsGateway {
  getSessionToken(request: Signed & { durationSeconds: number; serialNumber?: string; tokenCode?: string }): Promise<AwsCredentials>;
  assumeRole(request: AssumeRoleRequest): Promise<AwsCredentials>;
  getCallerIdentity(request: Signed): Promise<CallerIdentity>;
  /**
   * Signed with an IAM user's long-term keys: credentials of a federated user that can sign in to the
   * web console (GetSessionToken credentials cannot). Effective permissions: the user's policies ∩ `policy`.
   */
  getFederationToken(request: Signed & { name: string; policy: string; durationSeconds: number }): Promise<AwsCredentials>;
  /** Unsigned: the SAML assertion is the proof. */
  assumeRoleWithSaml(request: { region: string; roleArn: string; principalArn: string; samlAssertion: string; durationSeconds?: number }): Promise<AwsCredentials>;
}

export interface StsGatewayOptions {
  /** Current endpoint override for STS, read at each call so a changed setting applies at once. */
  endpoint: () => string | undefined;
  /** Milliseconds before a request without an answer fails. */
  requestTimeoutMs?: number;
  /**
   * Measured from the `Date` header of every answer; expirations are returned in this machine's time and
   * requests are signed in AWS's time. Default: a tracker of its own on the system clock.
   */
  skew?: ClockSkew;
}

type Sdk = typeof import('./sdk');
let sdkPromise: Promise<Sdk> | undefined;

/** Load the SDK bundle once. */
export function loadSdk(): Promise<Sdk> {
  sdkPromise ??= import('./sdk');
  return sdkPromise;
}

interface StsCredentialsShape {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  Expiration?: Date;
}

/** A deserialize-step middleware's view of the raw answer. */
interface RawAnswer {
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * Credentials with their expiry in this machine's time. `skew` was measured on this very answer, so the
 * lifetime is the one AWS granted even when the local clock is off.
 */
function toCredentials(c: StsCredentialsShape | undefined, skew: ClockSkew): AwsCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new Error(t('STS answered without complete credentials'));
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: skew.toLocal(c.Expiration) };
}

export class SdkStsGateway implements StsGateway {
  private readonly skew: ClockSkew;

  constructor(private readonly options: StsGatewayOptions) {
    this.skew = options.skew ?? new ClockSkew({ clock: systemClock });
  }

  private async client({ credentials, region }: { credentials?: AwsCredentials; region: string }) {
    const sdk = await loadSdk();
    const endpoint = this.options.endpoint();
    const client = new sdk.STSClient({
      region,
      endpoint,
      // AssumeRoleWithSAML is unsigned: the SDK never asks for credentials for it.
      credentials: credentials
        ? { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }
        : () => Promise.reject(new Error(t('this STS call is unsigned'))),
      maxAttempts: 3,
      // throwOnRequestTimeout: without it this SDK only logs a warning and waits forever for a hung endpoint.
      requestHandler: { connectionTimeout: 5000, requestTimeout: this.options.requestTimeoutMs ?? 20000, throwOnRequestTimeout: true },
      // Sign in AWS's time once it is known (the SDK adds this to Date.now()); a skew of hours then costs no refused first try.
      systemClockOffset: this.skew.known ? this.skew.awsNow() - Date.now() : undefined,
    });
    // Inside the deserializer, so every answer (errors and retries too) is seen before it is parsed.
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        this.skew.observe((result as RawAnswer).response?.headers?.date);
        return result;
      },
      { step: 'deserialize', priority: 'low', name: 'awsSessionsClockSkew' },
    );
    return { sdk, client, endpoint };
  }

  private async call<T>(action: string, signed: { credentials?: AwsCredentials; region: string }, run: (sdk: Sdk, client: InstanceType<Sdk['STSClient']>) => Promise<T>): Promise<T> {
    const { sdk, client, endpoint } = await this.client(signed);
    try {
      return await run(sdk, client);
    } catch (error) {
      throw describeAwsError(error, { service: 'STS', action, endpoint, region: signed.region });
    } finally {
      client.destroy();
    }
  }

  getSessionToken(request: Signed & { durationSeconds: number; serialNumber?: string; tokenCode?: string }): Promise<AwsCredentials> {
    return this.call('GetSessionToken', request, async (sdk, client) => {
      const out = await client.send(
        new sdk.GetSessionTokenCommand({
          DurationSeconds: request.durationSeconds,
          SerialNumber: request.serialNumber,
          TokenCode: request.tokenCode,
        }),
      );
      return toCredentials(out.Credentials, this.skew);
    });
  }

  assumeRole(request: AssumeRoleRequest): Promise<AwsCredentials> {
    return this.call('AssumeRole', request, async (sdk, client) => {
      const out = await client.send(
        new sdk.AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.roleSessionName,
          DurationSeconds: request.durationSeconds,
          SerialNumber: request.serialNumber,
          TokenCode: request.tokenCode,
          ExternalId: request.externalId,
          SourceIdentity: request.sourceIdentity,
        }),
      );
      return toCredentials(out.Credentials, this.skew);
    });
  }

  assumeRoleWithSaml(request: { region: string; roleArn: string; principalArn: string; samlAssertion: string; durationSeconds?: number }): Promise<AwsCredentials> {
    return this.call('AssumeRoleWithSAML', { region: request.region }, async (sdk, client) => {
      const out = await client.send(
        new sdk.AssumeRoleWithSAMLCommand({
          RoleArn: request.roleArn,
          PrincipalArn: request.principalArn,
          SAMLAssertion: request.samlAssertion,
          DurationSeconds: request.durationSeconds,
        }),
      );
      return toCredentials(out.Credentials, this.skew);
    });
  }

  getFederationToken(request: Signed & { name: string; policy: string; durationSeconds: number }): Promise<AwsCredentials> {
    return this.call('GetFederationToken', request, async (sdk, client) => {
      const out = await client.send(new sdk.GetFederationTokenCommand({ Name: request.name, Policy: request.policy, DurationSeconds: request.durationSeconds }));
      return toCredentials(out.Credentials, this.skew);
    });
  }

  getCallerIdentity(request: Signed): Promise<CallerIdentity> {
    return this.call('GetCallerIdentity', request, async (sdk, client) => {
      const out = await client.send(new sdk.GetCallerIdentityCommand({}));
      return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
    });
  }
}
