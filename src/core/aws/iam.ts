/** The IAM calls of an access-key rotation, behind an interface; the SDK is loaded on first use (dist/sdk.js). */
import { t } from '../l10n';
import type { AwsCredentials } from '../model';
import { describeAwsError } from './awsErrors';
import { loadSdk } from './sts';

export interface AccessKeyInfo {
  accessKeyId: string;
  status: string;
  /** When IAM created the key (AWS's clock). */
  created: Date | undefined;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

interface Signed {
  /** The IAM user's long-term keys: IAM refuses session credentials without MFA. */
  credentials: AwsCredentials;
  /** IAM is global; the region only picks the partition's endpoint. */
  region: string;
}

export interface IamGateway {
  /** The caller's own keys (UserName omitted: IAM acts on the signing user). */
  listAccessKeys(request: Signed): Promise<AccessKeyInfo[]>;
  createAccessKey(request: Signed): Promise<NewAccessKey>;
  deleteAccessKey(request: Signed & { accessKeyId: string }): Promise<void>;
}

export interface IamGatewayOptions {
  endpoint: () => string | undefined;
  requestTimeoutMs?: number;
}

/** IAM's endpoint is global: us-east-1 signs every call of the aws partition. */
function iamRegion(region: string): string {
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

export class SdkIamGateway implements IamGateway {
  constructor(private readonly options: IamGatewayOptions) {}

  private async call<T>(action: string, signed: Signed, run: (sdk: Awaited<ReturnType<typeof loadSdk>>, client: InstanceType<Awaited<ReturnType<typeof loadSdk>>['IAMClient']>) => Promise<T>): Promise<T> {
    const sdk = await loadSdk();
    const endpoint = this.options.endpoint();
    const region = iamRegion(signed.region);
    const { accessKeyId, secretAccessKey, sessionToken } = signed.credentials;
    const client = new sdk.IAMClient({
      region,
      endpoint,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      // A retried CreateAccessKey could create a second key: one attempt, the caller decides.
      maxAttempts: action === 'CreateAccessKey' ? 1 : 3,
      requestHandler: { connectionTimeout: 5000, requestTimeout: this.options.requestTimeoutMs ?? 20000, throwOnRequestTimeout: true },
    });
    try {
      return await run(sdk, client);
    } catch (error) {
      throw describeAwsError(error, { service: 'IAM', action, endpoint, region });
    } finally {
      client.destroy();
    }
  }

  listAccessKeys(request: Signed): Promise<AccessKeyInfo[]> {
    return this.call('ListAccessKeys', request, async (sdk, client) => {
      const out = await client.send(new sdk.ListAccessKeysCommand({}));
      return (out.AccessKeyMetadata ?? []).map((k) => ({ accessKeyId: k.AccessKeyId ?? '', status: k.Status ?? '', created: k.CreateDate }));
    });
  }

  createAccessKey(request: Signed): Promise<NewAccessKey> {
    return this.call('CreateAccessKey', request, async (sdk, client) => {
      const out = await client.send(new sdk.CreateAccessKeyCommand({}));
      const key = out.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error(t('IAM answered CreateAccessKey without a complete key'));
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    });
  }

  deleteAccessKey(request: Signed & { accessKeyId: string }): Promise<void> {
    return this.call('DeleteAccessKey', request, async (sdk, client) => {
      await client.send(new sdk.DeleteAccessKeyCommand({ AccessKeyId: request.accessKeyId }));
    });
  }
}
