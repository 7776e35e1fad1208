/** The Systems Manager call of "Start SSM Session…", behind an interface; the SDK is loaded on first use (dist/sdk.js). */
import type { AwsCredentials } from '../model';
import { describeAwsError } from './awsErrors';
import { loadSdk } from './sts';

/** A managed node as the quick pick and the CLI show it. */
export interface ManagedInstance {
  instanceId: string;
  /** The Name tag of a hybrid node (SSM's `Name`), else the host name the agent reports. */
  name: string;
  platform: string;
  /** Online, ConnectionLost, Inactive. */
  pingStatus: string;
  ipAddress?: string;
}

export interface SsmGateway {
  /** Every managed node of the region (all pages of DescribeInstanceInformation). */
  listInstances(request: { credentials: AwsCredentials; region: string; signal?: AbortSignal }): Promise<ManagedInstance[]>;
}

export interface SsmGatewayOptions {
  endpoint: () => string | undefined;
  requestTimeoutMs?: number;
  /** Page size asked for (5–50; SSM's maximum by default). */
  pageSize?: number;
}

/** More pages than this is not a list anyone picks from: stop and say how many were shown. */
export const MAX_INSTANCE_PAGES = 40;

export class SdkSsmGateway implements SsmGateway {
  constructor(private readonly options: SsmGatewayOptions) {}

  async listInstances(request: { credentials: AwsCredentials; region: string; signal?: AbortSignal }): Promise<ManagedInstance[]> {
    const sdk = await loadSdk();
    const endpoint = this.options.endpoint();
    const { accessKeyId, secretAccessKey, sessionToken } = request.credentials;
    const client = new sdk.SSMClient({
      region: request.region,
      endpoint,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5000, requestTimeout: this.options.requestTimeoutMs ?? 20000, throwOnRequestTimeout: true },
    });
    const out: ManagedInstance[] = [];
    try {
      let pages = 0;
      for await (const page of sdk.paginateDescribeInstanceInformation({ client, pageSize: this.options.pageSize ?? 50 }, {})) {
        for (const i of page.InstanceInformationList ?? []) {
          if (!i.InstanceId) continue;
          out.push({
            instanceId: i.InstanceId,
            name: i.Name || i.ComputerName || '',
            platform: [i.PlatformName, i.PlatformVersion].filter(Boolean).join(' ') || i.PlatformType || '',
            pingStatus: i.PingStatus ?? '',
            ipAddress: i.IPAddress,
          });
        }
        request.signal?.throwIfAborted();
        if (++pages >= MAX_INSTANCE_PAGES) break;
      }
    } catch (error) {
      throw describeAwsError(error, { service: 'SSM', action: 'DescribeInstanceInformation', endpoint, region: request.region });
    } finally {
      client.destroy();
    }
    return out;
  }
}
