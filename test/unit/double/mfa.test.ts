import { strict as assert } from 'node:assert';
import { startLocalAws, type LocalAws } from '../../double';
import { base32Decode, hotp, totp, verifyTotp } from '../../double/totp';
import { FakeClock, errorCode, stsCall, xmlText } from './helpers';

describe('local AWS double: TOTP', () => {
  // RFC 6238 appendix B, SHA1 seed "12345678901234567890".
  const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('decodes base32', () => {
    assert.equal(base32Decode(seed).toString('ascii'), '12345678901234567890');
    assert.throws(() => base32Decode('A1'), /invalid base32/);
  });

  it('matches the RFC 6238 test vectors', () => {
    const key = base32Decode(seed);
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [t, code] of vectors) {
      assert.equal(hotp(key, Math.floor(t / 30), 8), code, `T=${t}`);
      assert.equal(totp(seed, t * 1000), code.slice(2), `T=${t} (6 digits)`);
    }
  });

  it('accepts the current and the previous window only', () => {
    const now = 1_700_000_015_000;
    assert.ok(verifyTotp(seed, totp(seed, now), now));
    assert.ok(verifyTotp(seed, totp(seed, now - 30_000), now));
    assert.ok(!verifyTotp(seed, totp(seed, now - 60_000), now));
    assert.ok(!verifyTotp(seed, totp(seed, now + 30_000), now));
  });
});

describe('local AWS double: MFA on GetSessionToken and AssumeRole', () => {
  const clock = new FakeClock();
  let double: LocalAws;
  const serial = 'arn:aws:iam::111111111111:mfa/alice';
  beforeEach(async () => {
    clock.ms = Date.now();
    double = await startLocalAws({ clock: clock.now });
  });
  afterEach(async () => {
    await double.close();
  });

  const gst = (code: string, who = 'alice', sn = serial): ReturnType<typeof stsCall> =>
    stsCall(double.endpoint, double.user(who), { Action: 'GetSessionToken', SerialNumber: sn, TokenCode: code }, { signingDate: clock.date() });

  it('serves the current code on /_double/mfa-code and accepts it', async () => {
    const alice = double.user('alice');
    assert.equal(alice.mfaSerial, serial);
    assert.ok(alice.mfaCodeUrl);
    const served = (await (await fetch(alice.mfaCodeUrl)).json()) as { code: string; serial: string };
    assert.equal(served.serial, serial);
    assert.equal(served.code, totp(alice.mfaSecretBase32 ?? '', clock.ms));
    assert.equal(served.code, double.mfaCode(serial));
    const res = await gst(served.code);
    assert.equal(res.status, 200, res.body);
    assert.match(xmlText(res.body, 'AccessKeyId') ?? '', /^ASIA[A-Z2-7]{16}$/);
  });

  it('accepts the previous window and rejects older or wrong codes like AWS', async () => {
    const previous = double.mfaCode(serial);
    clock.advance(30);
    assert.equal((await gst(previous)).status, 200);
    clock.advance(30);
    const stale = await gst(previous);
    assert.equal(stale.status, 403);
    assert.equal(errorCode(stale.body), 'AccessDenied');
    assert.equal(xmlText(stale.body, 'Message'), 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    const current = double.mfaCode(serial);
    const wrong = String((Number(current) + 1) % 1_000_000).padStart(6, '0');
    assert.equal((await gst(wrong)).status, 403);
  });

  it('rejects a serial that is not the caller\'s device, and a code without a serial', async () => {
    const bobWithAliceDevice = await gst(double.mfaCode(serial), 'bob');
    assert.equal(bobWithAliceDevice.status, 403);
    assert.equal(errorCode(bobWithAliceDevice.body), 'AccessDenied');
    const noSerial = await stsCall(double.endpoint, double.user('alice'), { Action: 'GetSessionToken', TokenCode: '123456' }, { signingDate: clock.date() });
    assert.equal(noSerial.status, 403);
    const badShape = await gst('12345');
    assert.equal(badShape.status, 400);
    assert.equal(errorCode(badShape.body), 'ValidationError');
  });

  it('checks MFA on AssumeRole too', async () => {
    const base = { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::111111111111:role/Admin', RoleSessionName: 'alice', SerialNumber: serial };
    const ok = await stsCall(double.endpoint, double.user('alice'), { ...base, TokenCode: double.mfaCode(serial) }, { signingDate: clock.date() });
    assert.equal(ok.status, 200, ok.body);
    const bad = await stsCall(double.endpoint, double.user('alice'), { ...base, TokenCode: '000000' === double.mfaCode(serial) ? '111111' : '000000' }, { signingDate: clock.date() });
    assert.equal(bad.status, 403);
    assert.equal(errorCode(bad.body), 'AccessDenied');
  });

  it('404s an unknown device on the control endpoint', async () => {
    const res = await fetch(`${double.endpoint}/_double/mfa-code?serial=arn:aws:iam::111111111111:mfa/nobody`);
    assert.equal(res.status, 404);
  });
});
