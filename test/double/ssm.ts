/**
 * Systems Manager on the JSON 1.1 protocol (POST /, `X-Amz-Target: AmazonSSM.<Action>`, SigV4 scoped to
 * `ssm`): `DescribeInstanceInformation` (the managed nodes of the signing region, paginated with
 * MaxResults 5–50 and an opaque NextToken, as SSM answers it) and `StartSession` (what the AWS CLI calls
 * before it hands the session to the Session Manager plugin: a session id, a token and a stream URL).
 * Errors are JSON `{"__type": …, "message": …}` with the `x-amzn-errortype` header.
 */
import { randomBytes } from 'node:crypto';
import { parseAuthorization, verifySigV4 } from './sigv4';
import type { DoubleState } from './state';
import { AwsError, type DoubleRequest, type DoubleResponse, type RoutedOperation, type ServiceModule } from './types';

const TARGET_PREFIX = 'AmazonSSM.';

/** A managed node the double reports (the fields DescribeInstanceInformation returns that the extension shows). */
export interface SsmInstanceSeed {
  readonly instanceId: string;
  readonly region: string;
  /** The node's account; absent: every account sees it. */
  readonly accountId?: string;
  readonly name?: string;
  readonly computerName?: string;
  readonly platformType?: 'Linux' | 'Windows' | 'MacOS';
  readonly platformName?: string;
  readonly pingStatus?: 'Online' | 'ConnectionLost' | 'Inactive';
  readonly ipAddress?: string;
}

/** Three nodes in eu-west-1 and us-east-1 each: enough for a quick pick and two pages at MaxResults 5. */
export const DEFAULT_SSM_INSTANCES: readonly SsmInstanceSeed[] = ['eu-west-1', 'us-east-1'].flatMap((region, r) => [
  { instanceId: `i-0${r}a1b2c3d4e5f60001`, region, name: 'web-1', platformType: 'Linux', platformName: 'Amazon Linux', pingStatus: 'Online', ipAddress: `10.${r}.0.11` } as const,
  { instanceId: `i-0${r}a1b2c3d4e5f60002`, region, name: 'batch', platformType: 'Linux', platformName: 'Ubuntu', pingStatus: 'ConnectionLost', ipAddress: `10.${r}.0.12` } as const,
  { instanceId: `i-0${r}a1b2c3d4e5f60003`, region, computerName: 'WIN-BUILD', platformType: 'Windows', platformName: 'Microsoft Windows Server 2022 Datacenter', pingStatus: 'Online', ipAddress: `10.${r}.0.13` } as const,
]);

/** What tests read back: every StartSession (target and signing region). */
export interface SsmLog {
  readonly sessions: ReadonlyArray<{ target: string; region: string; sessionId: string }>;
}

function json(value: unknown, requestId: string): DoubleResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId }, body: JSON.stringify(value) };
}

function body(req: DoubleRequest): Record<string, unknown> {
  const text = req.body.toString('utf8').trim();
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400);
}

function describe(node: SsmInstanceSeed, now: number): Record<string, unknown> {
  return {
    InstanceId: node.instanceId,
    PingStatus: node.pingStatus ?? 'Online',
    LastPingDateTime: Math.floor(now / 1000) - 60,
    AgentVersion: '3.3.0.0',
    IsLatestVersion: true,
    PlatformType: node.platformType ?? 'Linux',
    PlatformName: node.platformName ?? 'Amazon Linux',
    PlatformVersion: '2023',
    ResourceType: node.instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
    IPAddress: node.ipAddress,
    ComputerName: node.computerName ?? `ip-${(node.ipAddress ?? '10.0.0.1').replace(/\./g, '-')}.${node.region}.compute.internal`,
    ...(node.name ? { Name: node.name } : {}),
    SourceId: node.instanceId,
    SourceType: node.instanceId.startsWith('mi-') ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance',
  };
}

export function createSsmModule(state: DoubleState, instances: readonly SsmInstanceSeed[] = DEFAULT_SSM_INSTANCES): ServiceModule & { log(): SsmLog } {
  const pages = new Map<string, number>();
  const sessions: Array<SsmLog['sessions'][number]> = [];
  const accountOf = (caller: Awaited<ReturnType<typeof verifySigV4>>) => (caller.type === 'user' ? caller.user.accountId : caller.creds.accountId);

  return {
    name: 'ssm',
    log: () => ({ sessions: [...sessions] }),

    route(req: DoubleRequest): RoutedOperation | undefined {
      const target = req.headers['x-amz-target'] ?? '';
      if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) return undefined;
      let principal: string | null = null;
      try {
        principal = parseAuthorization(req.headers['authorization'] ?? '').accessKeyId;
      } catch {
        principal = null;
      }
      return { action: target.slice(TARGET_PREFIX.length), principal };
    },

    async handle(req: DoubleRequest, op: RoutedOperation): Promise<DoubleResponse> {
      const caller = await verifySigV4(req, state, 'ssm');
      const region = parseAuthorization(req.headers['authorization'] ?? '').region;
      const input = body(req);
      if (op.action === 'DescribeInstanceInformation') {
        const max = input.MaxResults === undefined ? 50 : Number(input.MaxResults);
        if (!Number.isInteger(max) || max < 5 || max > 50) {
          throw new AwsError('ValidationException', `1 validation error detected: Value '${String(input.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 5 and 50`, 400);
        }
        let start = 0;
        if (input.NextToken !== undefined) {
          const at = typeof input.NextToken === 'string' ? pages.get(input.NextToken) : undefined;
          if (at === undefined) throw new AwsError('InvalidNextToken', 'The specified token is not valid.', 400);
          start = at;
        }
        const account = accountOf(caller);
        const visible = instances.filter((n) => n.region === region && (n.accountId === undefined || n.accountId === account));
        const page = visible.slice(start, start + max);
        const out: Record<string, unknown> = { InstanceInformationList: page.map((n) => describe(n, state.now())) };
        if (start + max < visible.length) {
          const token = randomBytes(24).toString('base64');
          pages.set(token, start + max);
          out.NextToken = token;
        }
        return json(out, req.requestId);
      }
      if (op.action === 'StartSession') {
        const target = typeof input.Target === 'string' ? input.Target : '';
        if (!target) throw new AwsError('ValidationException', "1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null", 400);
        const node = instances.find((n) => n.instanceId === target && n.region === region);
        if (!node) throw new AwsError('TargetNotConnected', `${target} is not connected.`, 400);
        const sessionId = `${caller.type === 'user' ? caller.user.name : 'session'}-${randomBytes(8).toString('hex')}`;
        sessions.push({ target, region, sessionId });
        return json({ SessionId: sessionId, TokenValue: randomBytes(32).toString('base64'), StreamUrl: `wss://ssmmessages.${region}.amazonaws.com/v1/data-channel/${sessionId}?role=publish_subscribe` }, req.requestId);
      }
      throw new AwsError('UnknownOperationException', `Operation ${op.action} is not supported by the local double.`, 400);
    },

    renderError(err: AwsError, req: DoubleRequest): DoubleResponse {
      return {
        status: err.status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': req.requestId, 'x-amzn-errortype': err.code },
        body: JSON.stringify({ __type: err.code, message: err.message }),
      };
    },
  };
}
