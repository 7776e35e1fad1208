/**
 * `aws-sessions integration …` and `idp-url list` through the shim and the real IPC endpoint (a served
 * process wired like the extension), IAM Identity Center on the local AWS double.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliFixture, type CliFixture } from '../support/cli';

const START_URL = 'https://d-1234567890.awsapps.com/start';

describe('aws-sessions integration and idp-url', function () {
  this.timeout(90_000);
  let f: CliFixture;

  before(async () => {
    f = await cliFixture({ sso: { accounts: 2, roles: 2, pollIntervalSeconds: 1 } });
  });
  after(async () => f?.close());

  /** A user confirming the device code in the browser: approves the one code the login shows. */
  async function approveWhenShown(): Promise<string> {
    for (;;) {
      const pending = f.aws.sso.pendingDevices();
      if (pending.length) {
        f.aws.sso.decide(pending[0].userCode, true);
        return pending[0].userCode;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('adds, lists (text and --json), logs in through the editor, syncs, logs out and deletes', async () => {
    const empty = await f.cli(['integration', 'list', '--json']);
    assert.equal(empty.status, 0, empty.stderr);
    assert.deepEqual(JSON.parse(empty.stdout), []);

    const missing = await f.cli(['integration', 'add', '--alias', 'acme']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--alias, --start-url and --region/);
    const bad = await f.cli(['integration', 'add', '--alias', 'acme', '--start-url', 'ftp://x', '--region', 'eu-west-1']);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /access portal URL/);

    const added = await f.cli(['integration', 'add', '--alias', 'acme', '--start-url', START_URL, '--region', 'eu-west-1', '--json']);
    assert.equal(added.status, 0, added.stderr);
    const info = JSON.parse(added.stdout) as Record<string, unknown>;
    assert.deepEqual({ ...info, id: 'x' }, { id: 'x', alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1', login: 'loggedOut', sessions: 0 });

    const notLoggedIn = await f.cli(['integration', 'sync', 'acme']);
    assert.equal(notLoggedIn.status, 1);
    assert.match(notLoggedIn.stderr, /not logged in: log in first \(aws-sessions integration login acme\)/);

    const [login, code] = await Promise.all([f.cli(['integration', 'login', 'acme']), approveWhenShown()]);
    assert.equal(login.status, 0, login.stderr);
    assert.match(login.stderr, /logging in to "acme" in the VS Code window/);
    assert.match(f.server.output(), new RegExp(`device code ${code}`), 'the editor showed the code');
    assert.equal(login.stdout, '"acme": synced 2 accounts: 4 sessions added, 0 removed, 0 kept.\n');

    const listed = await f.cli(['integration', 'list', '--json']);
    const [row] = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual([row.alias, row.login, row.sessions, row.accounts], ['acme', 'loggedIn', 4, 2]);
    assert.ok(typeof row.lastSyncAt === 'string');
    const secrets = JSON.parse(readFileSync(join(f.env.HOME, 'storage', 'test-secrets.json'), 'utf8')) as Record<string, string>;
    for (const value of Object.values(secrets)) assert.ok(!listed.stdout.includes(value.slice(0, 40)), 'no stored secret in the list');
    assert.match((await f.cli(['integration', 'list'])).stdout, /^INTEGRATION\s+LOGIN\s+REGION\s+SESSIONS\s+LAST SYNC\s+START URL\s+ID\nacme\s+loggedIn\s+eu-west-1\s+4\s/);

    const synced = await f.cli(['integration', 'sync', 'acme', '--json']);
    assert.equal(synced.status, 0, synced.stderr);
    assert.deepEqual(JSON.parse(synced.stdout), { alias: 'acme', accounts: 2, added: 0, removed: 0, kept: 4, orphaned: [] });

    const out = await f.cli(['integration', 'logout', 'acme', '--json']);
    assert.equal(out.status, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as { login: string }).login, 'loggedOut');
    assert.equal((JSON.parse((await f.cli(['list', '--json'])).stdout) as unknown[]).length, 4, 'logout keeps the sessions');

    assert.equal((await f.cli(['integration', 'login', 'nobody'])).status, 4);
    assert.equal((await f.cli(['integration', 'delete', 'acme'])).status, 5, 'no confirmation without a terminal');
    const del = await f.cli(['integration', 'delete', 'acme', '--yes']);
    assert.equal(del.status, 0, del.stderr);
    assert.equal(del.stdout, 'Deleted integration "acme" and its 4 sessions.\n');
    assert.deepEqual(JSON.parse((await f.cli(['list', '--json'])).stdout), []);
    assert.equal((await f.cli(['integration', 'frob', 'acme'])).status, 2);
  });

  it('login --no-sync logs in only', async () => {
    assert.equal((await f.cli(['integration', 'add', '--alias', 'solo', '--start-url', START_URL, '--region', 'eu-west-1'])).status, 0);
    const [login] = await Promise.all([f.cli(['integration', 'login', 'solo', '--no-sync', '--json']), approveWhenShown()]);
    assert.equal(login.status, 0, login.stderr);
    const info = JSON.parse(login.stdout) as { login: string; sessions: number };
    assert.deepEqual([info.login, info.sessions], ['loggedIn', 0]);
  });

  it('idp-url list groups the SAML sessions by IdP URL (text and --json)', async () => {
    const saml = (alias: string, url: string) =>
      f.cli(['add', '--type', 'iamRoleFederated', '--alias', alias, '--profile', alias, '--region', 'eu-west-1', '--role-arn', 'arn:aws:iam::111111111111:role/Saml', '--idp-url', url, '--saml-provider-arn', 'arn:aws:iam::111111111111:saml-provider/DoubleIdP']);
    assert.equal((await f.cli(['idp-url', 'list'])).stdout, 'No SAML sessions, so no IdP URLs.\n');
    for (const [alias, url] of [['a', 'https://idp.example.com/one'], ['b', 'https://idp.example.com/two'], ['c', 'https://idp.example.com/one']]) {
      const r = await saml(alias, url);
      assert.equal(r.status, 0, r.stderr);
    }
    const json = await f.cli(['idp-url', 'list', '--json']);
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      { url: 'https://idp.example.com/one', sessions: ['a', 'c'] },
      { url: 'https://idp.example.com/two', sessions: ['b'] },
    ]);
    assert.match((await f.cli(['idp-url', 'list'])).stdout, /^IDP URL\s+SESSIONS\nhttps:\/\/idp\.example\.com\/one\s+a, c\n/);
    assert.equal((await f.cli(['idp-url', 'edit'])).status, 2);
  });

  it('every new subcommand has --help, and completion names come from the editor', async () => {
    for (const c of ['integration', 'idp-url', 'completion']) {
      const h = await f.cli([c, '--help']);
      assert.equal(h.status, 0, `${c} --help: ${h.stderr}`);
      assert.match(h.stdout, /Usage: aws-sessions/);
    }
    assert.doesNotMatch((await f.cli(['--help'])).stdout, /__complete/);
    const names = await f.cli(['__complete', '--', 'start', '']);
    assert.equal(names.status, 0, names.stderr);
    assert.deepEqual(names.stdout.split('\n').filter(Boolean), ['a', 'b', 'c']);
    assert.equal((await f.cli(['__complete', '--', 'integration', 'login', 's'])).stdout, 'solo\n');
    assert.equal((await f.cli(['__complete', '--', 'set', 'a', '--profile', ''])).stdout.split('\n').filter(Boolean).includes('a'), true);
  });
});
