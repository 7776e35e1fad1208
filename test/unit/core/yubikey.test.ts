/** MFA codes from a YubiKey through ykman: a fake `ykman` script on PATH records its arguments and prints a code. */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CancelledError } from '../../../src/core/errors';
import { matchAccount, YubiKeyError, YubiKeyOath } from '../../../src/core/yubikey';
import { tempDir } from '../support/tempDirs';

const FAKE_DIR = resolve('test/fixtures/ykman');
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const ACCOUNT = 'Amazon Web Services:alice@123456789012';

describe('YubiKey OATH codes through ykman', function () {
  this.timeout(20_000);
  let dir: string;
  let env: Record<string, string>;
  const calls = () => (existsSync(env.FAKE_YKMAN_LOG) ? readFileSync(env.FAKE_YKMAN_LOG, 'utf8').split('\n').filter(Boolean) : []);
  const key = (more: Record<string, string> = {}) => new YubiKeyOath({ env: { ...env, ...more } });

  beforeEach(() => {
    dir = tempDir('aws-sessions-ykman-');
    env = {
      PATH: `${FAKE_DIR}:/usr/bin:/bin`,
      FAKE_YKMAN_LOG: join(dir, 'calls'),
      FAKE_YKMAN_ACCOUNTS: ['GitHub:alice', ACCOUNT, 'Amazon Web Services:bob@123456789012'].join('\n'),
      FAKE_YKMAN_CODE: '428193',
      FAKE_YKMAN_TOUCH: join(dir, 'touched'),
    };
  });

  it('finds the account of the MFA device and reads its code with --single', async () => {
    const yk = key();
    assert.equal(yk.installed(), true);
    const account = await yk.accountFor(SERIAL);
    assert.equal(account, ACCOUNT);
    assert.equal(await yk.code(ACCOUNT), '428193');
    assert.deepEqual(calls(), ['oath accounts list', `oath accounts code --single -- ${ACCOUNT}`]);
  });

  it('uses the OATH account the user set for the session', async () => {
    assert.equal(await key().accountFor(SERIAL, 'GitHub:alice'), 'GitHub:alice');
    assert.equal(await key().accountFor(SERIAL, 'nobody'), undefined);
  });

  it('matches by the serial, the device name and account id, and refuses to guess between several', () => {
    assert.equal(matchAccount(['x', SERIAL], SERIAL), SERIAL);
    assert.equal(matchAccount([`AWS:${SERIAL}`], SERIAL), `AWS:${SERIAL}`);
    assert.equal(matchAccount(['alice@123456789012'], SERIAL), 'alice@123456789012');
    assert.equal(matchAccount(['A:alice@123456789012', 'B:alice@123456789012'], SERIAL), undefined);
    assert.equal(matchAccount(['Amazon Web Services:alice@999999999999'], SERIAL), undefined);
    assert.equal(matchAccount(['GAHT1:x'], 'GAHT12345678'), undefined);
  });

  it('offers nothing and says in words what is missing: ykman, the key, the account', async () => {
    const none = new YubiKeyOath({ env: { ...env, PATH: '/usr/bin:/bin' } });
    assert.equal(none.installed(), false);
    assert.equal(await none.accountFor(SERIAL), undefined);
    await assert.rejects(none.code(ACCOUNT), (e: unknown) => e instanceof YubiKeyError && /ykman \(YubiKey Manager\) was not found\. Install it/.test(e.message));

    const unplugged = key({ FAKE_YKMAN_MODE: 'nokey' });
    assert.equal(await unplugged.accountFor(SERIAL), undefined);
    await assert.rejects(unplugged.code(ACCOUNT), (e: unknown) => e instanceof YubiKeyError && e.message === 'No YubiKey was found. Insert your YubiKey and try again.');

    await assert.rejects(key().code('Nope:x'), (e: unknown) => e instanceof YubiKeyError && /has no OATH account "Nope:x"/.test(e.message));
    await assert.rejects(key({ FAKE_YKMAN_CODE: 'oops' }).code(ACCOUNT), (e: unknown) => e instanceof YubiKeyError && /no 6-digit code/.test(e.message) && !e.message.includes('oops'));
  });

  it('tells when the key waits for a touch, then returns the code', async () => {
    const yk = key({ FAKE_YKMAN_MODE: 'touch' });
    let touchShown = false;
    const reading = yk.code(ACCOUNT, {
      onTouch: () => {
        touchShown = true;
        writeFileSync(env.FAKE_YKMAN_TOUCH, ''); // the user touches the key once asked to
      },
    });
    assert.equal(await reading, '428193');
    assert.ok(touchShown);
  });

  it('a locked OATH application (ykman asks for its password): no waiting on a prompt nobody sees, says what to do', async () => {
    const locked = key({ FAKE_YKMAN_MODE: 'password' });
    assert.equal(await locked.accountFor(SERIAL), undefined);
    await assert.rejects(locked.code(ACCOUNT), (e: unknown) => e instanceof YubiKeyError && /protected by a password\. Let ykman remember it/.test(e.message));
  });

  it('is cancellable while it waits for the touch', async () => {
    const controller = new AbortController();
    const reading = key({ FAKE_YKMAN_MODE: 'touch' }).code(ACCOUNT, { signal: controller.signal, onTouch: () => controller.abort() });
    await assert.rejects(reading, (e: unknown) => e instanceof CancelledError);
    assert.ok(!existsSync(env.FAKE_YKMAN_TOUCH));
  });
});
