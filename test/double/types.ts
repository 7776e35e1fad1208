/**
 * Shared types of the local AWS test double: the parsed request every service module
 * sees, the response it returns, and the error it throws.
 */

export interface DoubleRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/` or `/assignment/accounts`. */
  readonly path: string;
  /** Decoded query parameters (a repeated name keeps every value). */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Header names lower-cased, as Node delivers them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly requestId: string;
}

export interface DoubleResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type ErrorType = 'Sender' | 'Receiver';

/** An error as AWS reports it: code, message, HTTP status and fault side. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly type: ErrorType = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

/** What a service module learns about a request before it handles it. */
export interface RoutedOperation {
  /** Operation name, e.g. `AssumeRole`; faults and the call log are keyed by it. */
  readonly action: string;
  /** Access key id (SigV4) or a token prefix (bearer) identifying the caller, if any. */
  readonly principal: string | null;
}

/**
 * One AWS service on the double (STS now; SSO portal and SSO-OIDC later).
 * The router asks each module in turn whether a request is its own.
 */
export interface ServiceModule {
  readonly name: string;
  /** Returns the operation when the request belongs to this service, otherwise undefined. */
  route(req: DoubleRequest): RoutedOperation | undefined;
  handle(req: DoubleRequest, op: RoutedOperation): Promise<DoubleResponse>;
  /** Renders an error in the service's own wire format (XML for Query, JSON for REST-JSON). */
  renderError(err: AwsError, req: DoubleRequest): DoubleResponse;
}

export type FaultKind = 'throttle' | '5xx' | 'latency' | 'expired-token' | 'malformed';

export interface FaultSpec {
  /** Operation name, or `*` for every operation. */
  readonly action: string;
  readonly kind: FaultKind;
  /** How many matching calls it affects; omitted = 1. */
  readonly count?: number;
  /** For `latency`: extra delay before the normal response. */
  readonly latencyMs?: number;
  /** For `5xx`: 500 (InternalFailure, default) or 503 (ServiceUnavailable). */
  readonly status?: number;
}

export interface CallRecord {
  readonly time: string;
  readonly service: string;
  readonly action: string;
  readonly accessKeyId: string | null;
  readonly status: number;
  readonly errorCode: string | null;
  readonly requestId: string;
}
