import assert from 'node:assert/strict';
import { deviceLogin, type LoginUi } from '../../../../src/core/sso/login';
import { OidcError, type OidcGateway, type TokenGrant } from '../../../../src/core/sso/oidc';
import { FakeClock } from '../../support/fakes';

/** An OIDC gateway that answers CreateToken from a script, on a fake clock advanced by the sleeps. */
function scripted(answers: Array<string | 'token'>, clock: FakeClock, interval = 5, expiresIn = 600) {
  const polls: number[] = [];
  const gateway: OidcGateway = {
    endpoint: () => 'https://oidc.example',
    registerClient: async () => ({ clientId: 'c', clientSecret: 's', expiresAtMs: clock.now() + 1e9 }),
    startDeviceAuthorization: async () => ({ deviceCode: 'dc', userCode: 'ABCD-EFGH', verificationUri: 'https://v', verificationUriComplete: 'https://v?c', expiresInSeconds: expiresIn, intervalSeconds: interval }),
    createToken: async (r: { grant: TokenGrant }) => {
      assert.equal(r.grant.grantType, 'urn:ietf:params:oauth:grant-type:device_code');
      polls.push(clock.now());
      const next = answers.shift() ?? 'AuthorizationPendingException';
      if (next === 'token') return { accessToken: 'at', expiresInSeconds: 3600, refreshToken: 'rt' };
      throw new OidcError(next, next);
    },
  };
  const sleep = async (ms: number) => {
    clock.advance(ms);
  };
  return { gateway, polls, sleep };
}

function ui(signal = new AbortController().signal): LoginUi & { opened: string[]; codes: string[] } {
  const opened: string[] = [];
  const codes: string[] = [];
  return { opened, codes, signal, report: () => undefined, openUrl: async (u) => (opened.push(u), true), showDeviceCode: (a) => codes.push(a.userCode) };
}

const target = { alias: 'acme', startUrl: 'https://d.awsapps.com/start', ssoRegion: 'eu-west-1' };
const client = { clientId: 'c', clientSecret: 's' };

describe('device authorization login', () => {
  it('opens verificationUriComplete, shows the code, polls at the server interval and +5 s after SlowDown', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const s = scripted(['AuthorizationPendingException', 'SlowDownException', 'AuthorizationPendingException', 'token'], clock, 3);
    const u = ui();
    const token = await deviceLogin({ oidc: s.gateway, clock, sleep: s.sleep }, target, client, u);
    assert.equal(token.accessToken, 'at');
    assert.deepEqual(u.opened, ['https://v?c']);
    assert.deepEqual(u.codes, ['ABCD-EFGH']);
    assert.deepEqual(s.polls.map((p) => (p - t0) / 1000), [3, 6, 14, 22]);
  });

  it('stops at the expiry of the code with an error that says so', async () => {
    const clock = new FakeClock();
    const s = scripted([], clock, 5, 20);
    await assert.rejects(deviceLogin({ oidc: s.gateway, clock, sleep: s.sleep }, target, client, ui()), /expired before it was confirmed/);
    assert.equal(s.polls.length, 3, 'polls at 5, 10, 15 s; stops at 20 s');
  });

  it('stops on ExpiredTokenException and on cancel', async () => {
    const clock = new FakeClock();
    const s = scripted(['ExpiredTokenException'], clock);
    await assert.rejects(deviceLogin({ oidc: s.gateway, clock, sleep: s.sleep }, target, client, ui()), /expired/);
    const abort = new AbortController();
    abort.abort();
    const c = scripted([], clock);
    await assert.rejects(deviceLogin({ oidc: c.gateway, clock, sleep: c.sleep }, target, client, ui(abort.signal)), /cancelled/);
    assert.equal(c.polls.length, 0);
  });
});
