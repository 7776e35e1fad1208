import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stsCall, xmlText } from './helpers';
import { tempDir } from '../support/tempDirs';

const ROOT = join(__dirname, '..', '..', '..');

interface Ready {
  endpoint: string;
  users: {
    name: string;
    arn: string;
    accountId: string;
    accessKeyId: string;
    secretAccessKey: string;
    mfaSerial: string | null;
    mfaSecretBase32: string | null;
    mfaCodeUrl: string | null;
  }[];
}

/** Starts `node scripts/local-aws.mjs <args>` and resolves with the child and its first stdout line. */
function launch(args: string[]): Promise<{ child: ChildProcess; line: string; stdout: () => string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'local-aws.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${err}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, line: out.slice(0, nl), stdout: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready; stderr: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('local AWS double: npm run local-aws entry', function () {
  this.timeout(30_000);

  it('prints exactly one JSON ready line with the seeded users, serves, and exits on SIGTERM', async () => {
    const { child, line, stdout } = await launch(['--port', '0']);
    try {
      const ready = JSON.parse(line) as Ready;
      assert.match(ready.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(
        ready.users.map((u) => [u.name, u.arn, u.accountId, u.mfaSerial]),
        [
          ['alice', 'arn:aws:iam::111111111111:user/alice', '111111111111', 'arn:aws:iam::111111111111:mfa/alice'],
          ['bob', 'arn:aws:iam::111111111111:user/bob', '111111111111', null],
        ],
      );
      const [alice, bob] = ready.users;
      assert.match(alice.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
      assert.equal(alice.secretAccessKey.length, 40);
      assert.match(alice.mfaSecretBase32 ?? '', /^[A-Z2-7]{32}$/);
      assert.equal(alice.mfaCodeUrl, `${ready.endpoint}/_double/mfa-code?serial=${encodeURIComponent(alice.mfaSerial ?? '')}`);
      assert.equal(bob.mfaCodeUrl, null);
      const code = (await (await fetch(alice.mfaCodeUrl ?? '')).json()) as { code: string };
      assert.match(code.code, /^\d{6}$/);
      const who = await stsCall(ready.endpoint, bob, { Action: 'GetCallerIdentity' });
      assert.equal(xmlText(who.body, 'Arn'), bob.arn);
    } finally {
      assert.equal(await stop(child), 0);
    }
    assert.equal(stdout().trim().split('\n').length, 1, `stdout: ${stdout()}`);
  });

  it('takes keys from --seed and the lifetime from --credential-seconds', async () => {
    const dir = tempDir('local-aws-seed-');
    const seedFile = join(dir, 'seed.json');
    writeFileSync(
      seedFile,
      JSON.stringify({ users: [{ name: 'dora', accountId: '222222222222', accessKeyId: 'AKIADORA000000000001', secretAccessKey: 's'.repeat(40), mfa: true }] }),
    );
    const { child, line } = await launch(['--port', '0', '--seed', seedFile, '--credential-seconds', '90']);
    try {
      const ready = JSON.parse(line) as Ready;
      assert.equal(ready.users.length, 1);
      assert.equal(ready.users[0].accessKeyId, 'AKIADORA000000000001');
      assert.equal(ready.users[0].mfaSerial, 'arn:aws:iam::222222222222:mfa/dora');
      const res = await stsCall(ready.endpoint, ready.users[0], { Action: 'GetSessionToken', DurationSeconds: 43200 });
      const expires = Date.parse(xmlText(res.body, 'Expiration') ?? '');
      assert.ok(expires - Date.now() <= 90_000 && expires - Date.now() > 80_000, res.body);
    } finally {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero on a bad flag', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'local-aws.mjs'), '--port', 'abc'], { cwd: ROOT, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
  });
});
