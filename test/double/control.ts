/**
 * Control endpoints under `/_double/`, for tests and the demo (not part of any AWS API):
 * MFA codes, fault injection, clock skew, settings, the call log and reset.
 */
import type { DoubleState } from './state';
import { totp, totpSecondsLeft } from './totp';
import type { DoubleRequest, DoubleResponse, FaultKind, FaultSpec } from './types';

export const CONTROL_PREFIX = '/_double/';
const FAULT_KINDS: readonly FaultKind[] = ['throttle', '5xx', 'latency', 'expired-token', 'malformed'];

/** A seeded user as printed on the ready line and served by `GET /_double/users`. */
export interface UserInfo {
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly mfaSerial: string | null;
  readonly mfaSecretBase32: string | null;
  readonly mfaCodeUrl: string | null;
}

export function describeUsers(state: DoubleState, endpoint: string): UserInfo[] {
  return state.users.map((u) => ({
    name: u.name,
    arn: u.arn,
    accountId: u.accountId,
    accessKeyId: u.accessKeyId,
    secretAccessKey: u.secretAccessKey,
    mfaSerial: u.mfaSerial,
    mfaSecretBase32: u.mfaSecretBase32,
    mfaCodeUrl: u.mfaSerial ? `${endpoint}${CONTROL_PREFIX}mfa-code?serial=${encodeURIComponent(u.mfaSerial)}` : null,
  }));
}

export class BadRequest extends Error {}

export function json(status: number, value: unknown): DoubleResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) + '\n' };
}

export function readJson(req: DoubleRequest): Record<string, unknown> {
  const text = req.body.toString('utf8').trim();
  if (text === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequest('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function num(obj: Record<string, unknown>, key: string, min: number): number | undefined {
  const v = obj[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new BadRequest(`"${key}" must be a number >= ${min}`);
  }
  return v;
}

export function parseFault(obj: Record<string, unknown>): FaultSpec {
  const { action, kind } = obj;
  if (typeof action !== 'string' || action === '') {
    throw new BadRequest('"action" must be an operation name or "*"');
  }
  if (typeof kind !== 'string' || !FAULT_KINDS.includes(kind as FaultKind)) {
    throw new BadRequest(`"kind" must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const status = num(obj, 'status', 500);
  if (status !== undefined && status !== 500 && status !== 503) {
    throw new BadRequest('"status" must be 500 or 503');
  }
  return { action, kind: kind as FaultKind, count: num(obj, 'count', 1), latencyMs: num(obj, 'latencyMs', 0), status };
}

export function query(req: DoubleRequest, name: string): string | undefined {
  const v = req.query[name];
  return Array.isArray(v) ? v[0] : v;
}

export type ControlRoutes = Record<string, (req: DoubleRequest) => DoubleResponse>;

export function createControl(
  state: DoubleState,
  endpoint: () => string,
  extraRoutes: Record<string, (req: DoubleRequest) => DoubleResponse> = {},
): (req: DoubleRequest) => DoubleResponse {
  const routes: Record<string, (req: DoubleRequest) => DoubleResponse> = {
    ...extraRoutes,
    'GET health': () => json(200, { ok: true }),
    'GET users': () => json(200, { users: describeUsers(state, endpoint()) }),
    'GET mfa-code': (req) => {
      const serial = query(req, 'serial') ?? '';
      const user = state.userByMfaSerial(serial);
      if (!user || !user.mfaSecretBase32) {
        return json(404, { error: `no MFA device ${serial}` });
      }
      const now = state.now();
      const code = totp(user.mfaSecretBase32, now);
      if (query(req, 'format') === 'text') {
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: code + '\n' };
      }
      return json(200, { serial, code, secondsLeft: totpSecondsLeft(now) });
    },
    'GET faults': () => json(200, { pending: state.pendingFaults() }),
    'POST faults': (req) => {
      const body = readJson(req);
      const list = Array.isArray(body.faults) ? body.faults : [body];
      const specs = list.map((f: unknown) => {
        if (typeof f !== 'object' || f === null || Array.isArray(f)) {
          throw new BadRequest('each fault must be an object');
        }
        return parseFault(f as Record<string, unknown>);
      });
      specs.forEach((s) => state.addFault(s));
      return json(200, { pending: state.pendingFaults() });
    },
    'GET clock-skew': () => json(200, { seconds: state.clockSkewSeconds() }),
    'POST clock-skew': (req) => {
      const body = readJson(req);
      const seconds = body.seconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
        throw new BadRequest('"seconds" must be a number');
      }
      state.setClockSkewSeconds(seconds);
      return json(200, { seconds: state.clockSkewSeconds(), now: new Date(state.now()).toISOString() });
    },
    'GET config': () => json(200, state.settings),
    'POST config': (req) => {
      const body = readJson(req);
      const latencyMs = num(body, 'latencyMs', 0);
      const roleMax = num(body, 'roleMaxSessionSeconds', 3600);
      if (latencyMs !== undefined) {
        state.settings.latencyMs = latencyMs;
      }
      if (body.credentialSeconds === null) {
        state.settings.credentialSeconds = null;
      } else {
        state.settings.credentialSeconds = num(body, 'credentialSeconds', 1) ?? state.settings.credentialSeconds;
      }
      if (typeof body.samlSignatureRequired === 'boolean') {
        state.settings.samlSignatureRequired = body.samlSignatureRequired;
      }
      if (roleMax !== undefined) {
        state.settings.roleMaxSessionSeconds = Math.min(roleMax, 43200);
      }
      if (body.roleExternalIds !== undefined) {
        const ids = body.roleExternalIds;
        if (!ids || typeof ids !== 'object' || Array.isArray(ids) || Object.values(ids).some((v) => typeof v !== 'string')) {
          return json(400, { error: 'roleExternalIds must map role ARNs to strings' });
        }
        state.settings.roleExternalIds = { ...(ids as Record<string, string>) };
      }
      if (body.roleMaxSessionSecondsByArn !== undefined) {
        const byArn = body.roleMaxSessionSecondsByArn;
        if (!byArn || typeof byArn !== 'object' || Array.isArray(byArn) || Object.values(byArn).some((v) => typeof v !== 'number' || v < 3600 || v > 43200)) {
          return json(400, { error: 'roleMaxSessionSecondsByArn must map role ARNs to 3600–43200' });
        }
        state.settings.roleMaxSessionSecondsByArn = { ...(byArn as Record<string, number>) };
      }
      return json(200, state.settings);
    },
    'GET calls': (req) => {
      const action = query(req, 'action');
      const service = query(req, 'service');
      const calls = state.callLog().filter((c) => (!action || c.action === action) && (!service || c.service === service));
      return json(200, { calls });
    },
    'POST reset': (req) => {
      state.reset({ credentials: readJson(req).credentials === true });
      return json(200, { ok: true });
    },
  };

  return (req) => {
    const name = req.path.slice(CONTROL_PREFIX.length);
    const route = routes[`${req.method} ${name}`];
    if (!route) {
      return json(404, { error: `unknown control endpoint ${req.method} ${req.path}`, endpoints: Object.keys(routes) });
    }
    try {
      return route(req);
    } catch (err) {
      if (err instanceof BadRequest) {
        return json(400, { error: err.message });
      }
      throw err;
    }
  };
}
