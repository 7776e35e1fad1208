/**
 * HTTP front of the double: reads a request, hands `/_double/*` to the control endpoints and
 * everything else to the first service module that claims it, applying injected faults and
 * latency, logging the call and stamping the double's own clock in the `Date` header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX } from './control';
import { newRequestId } from './ids';
import { EXPIRED_TOKEN_MESSAGE } from './sigv4';
import type { DoubleState } from './state';
import { AwsError, type DoubleRequest, type DoubleResponse, type FaultSpec, type ServiceModule } from './types';

const MAX_BODY_BYTES = 1024 * 1024;

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new Error('request body too large');
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export async function toDoubleRequest(req: IncomingMessage): Promise<DoubleRequest> {
  const url = new URL(req.url ?? '/', 'http://double.invalid');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) {
      headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    }
  }
  return { method: req.method ?? 'GET', path: url.pathname, query, headers, body: await readBody(req), requestId: newRequestId() };
}

function faultError(fault: FaultSpec): AwsError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return new AwsError('Throttling', 'Rate exceeded', 400);
    case '5xx':
      return fault.status === 503
        ? new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503)
        : new AwsError('InternalFailure', 'An internal error occurred. Please try again later.', 500);
    case 'expired-token':
      return new AwsError('ExpiredToken', EXPIRED_TOKEN_MESSAGE, 403);
    default:
      return undefined;
  }
}

/** A response cut in half: what a client sees when a proxy or the service garbles the body. */
function malformed(res: DoubleResponse): DoubleResponse {
  return { status: 200, headers: res.headers, body: res.body.slice(0, Math.floor(res.body.length / 2)) };
}

export interface RouterOptions {
  readonly state: DoubleState;
  readonly modules: readonly ServiceModule[];
  readonly control: (req: DoubleRequest) => DoubleResponse;
  /** Where unexpected errors are reported (stderr by default). */
  readonly log?: (message: string) => void;
}

export async function dispatch(req: DoubleRequest, options: RouterOptions): Promise<DoubleResponse> {
  const { state, modules } = options;
  if (req.path.startsWith(CONTROL_PREFIX)) {
    return options.control(req);
  }
  let module: ServiceModule | undefined;
  let op: ReturnType<ServiceModule['route']>;
  for (const m of modules) {
    op = m.route(req);
    if (op) {
      module = m;
      break;
    }
  }
  if (!module || !op) {
    return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `No service of the local AWS double handles ${req.method} ${req.path}` }) };
  }
  const fault = state.takeFault(op.action);
  await sleep(state.settings.latencyMs + (fault?.kind === 'latency' ? (fault.latencyMs ?? 1000) : 0));
  let res: DoubleResponse;
  let errorCode: string | null = null;
  try {
    const injected = fault ? faultError(fault) : undefined;
    if (injected) {
      throw injected;
    }
    res = await module.handle(req, op);
  } catch (err) {
    const awsErr = err instanceof AwsError ? err : new AwsError('InternalFailure', 'An internal error occurred.', 500);
    if (!(err instanceof AwsError)) {
      (options.log ?? ((m: string) => process.stderr.write(m + '\n')))(`local-aws: ${module.name} ${op.action}: ${String(err instanceof Error ? err.stack : err)}`);
    }
    errorCode = awsErr.code;
    res = module.renderError(awsErr, req);
  }
  if (fault?.kind === 'malformed') {
    res = malformed(res);
  }
  state.record({
    time: new Date(state.now()).toISOString(),
    service: module.name,
    action: op.action,
    accessKeyId: op.principal,
    status: res.status,
    errorCode,
    requestId: req.requestId,
  });
  return res;
}

export function createListener(options: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      let out: DoubleResponse;
      try {
        out = await dispatch(await toDoubleRequest(req), options);
      } catch (err) {
        out = { status: 400, headers: { 'content-type': 'text/plain' }, body: String(err instanceof Error ? err.message : err) };
      }
      const body = Buffer.from(out.body, 'utf8');
      res.writeHead(out.status, {
        ...out.headers,
        date: new Date(options.state.now()).toUTCString(),
        'content-length': String(body.length),
      });
      res.end(body);
    })();
  };
}
