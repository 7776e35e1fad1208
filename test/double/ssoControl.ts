/**
 * Control endpoints of the SSO part of the double (under `/_double/sso/`): approve or deny a device
 * code as the user would in the browser, list pending codes, revoke tokens, change the organisation,
 * throttle and lifetimes, read the portal's call and 429 counts.
 */
import { BadRequest, json, num, query, readJson, type ControlRoutes } from './control';
import type { SsoSettings, SsoState } from './ssoState';

const NUMERIC: ReadonlyArray<[keyof SsoSettings, number]> = [
  ['accounts', 0],
  ['roles', 0],
  ['throttleRps', 0],
  ['throttleBurst', 1],
  ['accessTokenSeconds', 1],
  ['roleCredentialSeconds', 1],
  ['deviceCodeSeconds', 1],
  ['pollIntervalSeconds', 0],
];

export function ssoControlRoutes(sso: SsoState): ControlRoutes {
  const decide = (approve: boolean) => (req: Parameters<ControlRoutes[string]>[0]) => {
    const body = readJson(req);
    const userCode = typeof body.userCode === 'string' ? body.userCode : query(req, 'user_code');
    if (!userCode) throw new BadRequest('"userCode" is required');
    const grant = sso.decide(userCode, approve);
    return grant ? json(200, { userCode: grant.userCode, status: grant.status }) : json(404, { error: `no pending device authorization with code ${userCode}` });
  };
  return {
    'POST sso/approve': decide(true),
    'POST sso/deny': decide(false),
    'GET sso/pending': () => json(200, { pending: sso.pendingDevices().map((d) => ({ userCode: d.userCode, startUrl: d.startUrl, expiresAt: new Date(d.expiresAtMs).toISOString() })) }),
    'POST sso/revoke': (req) => {
      sso.revokeAll({ refreshTokens: readJson(req).refreshTokens === true });
      return json(200, { ok: true });
    },
    'GET sso/config': () => json(200, sso.settings),
    // For leak scans (issue 8): every secret the double ever handed out, so a test can look for it on disk.
    'GET sso/issued-secrets': () =>
      json(200, {
        accessTokens: [...sso.tokens.keys()],
        refreshTokens: [...sso.refreshTokens.keys()],
        clientSecrets: [...sso.clients.values()].map((c) => c.clientSecret),
      }),
    'POST sso/config': (req) => {
      const body = readJson(req);
      const patch: Partial<SsoSettings> = {};
      for (const [key, min] of NUMERIC) {
        const v = num(body, key, min);
        if (v !== undefined) (patch as Record<string, number>)[key] = v;
      }
      if (body.retryAfterSeconds === null) patch.retryAfterSeconds = null;
      else if (body.retryAfterSeconds !== undefined) patch.retryAfterSeconds = num(body, 'retryAfterSeconds', 0);
      sso.configure(patch);
      return json(200, sso.settings);
    },
    'GET sso/stats': () => json(200, { ...sso.stats }),
    'POST sso/reset': () => {
      sso.reset();
      return json(200, { ok: true });
    },
  };
}
