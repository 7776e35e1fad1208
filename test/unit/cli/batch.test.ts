/** Several sessions at once from the CLI (`start a b c`, `--filter`), through the shim and the real IPC endpoint, against the local AWS double. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cliFixture, type CliFixture } from '../support/cli';

describe('aws-sessions start/stop/pin/set/delete of several sessions', function () {
  this.timeout(90_000);
  let f: CliFixture;
  const cli = (args: string[], input?: string) => f.cli(args, input);
  const statuses = async () => {
    const r = await cli(['list', '--json']);
    assert.equal(r.status, 0, r.stderr);
    return Object.fromEntries((JSON.parse(r.stdout) as Array<{ alias: string; status: string; region: string }>).map((s) => [s.alias, `${s.status} ${s.region}`]));
  };

  before(async () => {
    f = await cliFixture({ sso: false });
    const bob = f.aws.user('bob');
    for (const alias of ['team-dev', 'team-test', 'team-prod']) {
      const added = await cli(['add', '--type', 'iamUser', '--alias', alias, '--profile', alias, '--region', 'eu-west-1'], `${bob.accessKeyId}\n${bob.secretAccessKey}\n`);
      assert.equal(added.status, 0, added.stderr);
    }
    // A key AWS does not know: its start fails, the others' do not.
    const broken = await cli(['add', '--type', 'iamUser', '--alias', 'team-broken', '--profile', 'team-broken', '--region', 'eu-west-1'], `AKIAUNKNOWN000000000\n${'x'.repeat(40)}\n`);
    assert.equal(broken.status, 0, broken.stderr);
  });

  after(async () => f?.close());

  it('start several by name: one summary, every one started; the credentials file holds each profile', async () => {
    const r = await cli(['start', 'team-dev', 'TEAM-TEST', 'team-prod']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '3 of 3 sessions started.\n');
    assert.deepEqual(await statuses(), { 'team-dev': 'active eu-west-1', 'team-test': 'active eu-west-1', 'team-prod': 'active eu-west-1', 'team-broken': 'inactive eu-west-1' });
    const credentials = readFileSync(f.env.AWS_SHARED_CREDENTIALS_FILE, 'utf8');
    for (const p of ['team-dev', 'team-test', 'team-prod']) assert.match(credentials, new RegExp(`\\[${p}\\]\\naws_access_key_id = ASIA`));
  });

  it('a filter that takes in a failing session: the others done, the failure on stderr with its session and cause, exit 1', async () => {
    const stopped = await cli(['stop', '--filter', 'team']);
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.equal(stopped.stdout, '4 of 4 sessions stopped.\n', 'an inactive session counts as done');
    const r = await cli(['start', '--filter', 'team']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '3 of 4 sessions started.\n');
    assert.match(r.stderr, /^aws-sessions: "team-broken": .+\naws-sessions: 1 of 4 sessions failed, 0 cancelled \(causes above\)\n$/);
    const json = await cli(['start', '--filter', 'broken', '--json']);
    assert.equal(json.status, 1);
    const parsed = JSON.parse(json.stdout) as { failed: boolean; outcomes: Array<{ alias: string; status: string; cause?: string }> };
    assert.equal(parsed.failed, true);
    assert.deepEqual(parsed.outcomes.map((o) => [o.alias, o.status]), [['team-broken', 'failed']]);
    assert.ok(parsed.outcomes[0].cause);
  });

  it('set moves several at once (active ones restart), pin takes many, an unknown name stops the batch before it begins', async () => {
    const moved = await cli(['set', 'team-dev', 'team-test', '--region', 'us-east-2']);
    assert.equal(moved.status, 0, moved.stderr);
    assert.equal(moved.stdout, '2 of 2 sessions moved.\n');
    const now = await statuses();
    assert.equal(now['team-dev'], 'active us-east-2');
    assert.equal(now['team-test'], 'active us-east-2');
    assert.equal((await cli(['pin', 'team-dev', 'team-prod'])).stdout, '2 of 2 sessions pinned or unpinned.\n');
    const unknown = await cli(['stop', 'team-dev', 'nobody']);
    assert.equal(unknown.status, 4);
    assert.match(unknown.stderr, /No session named or with id "nobody"/);
    assert.equal((await statuses())['team-dev'], 'active us-east-2', 'nothing was done');
    const none = await cli(['stop', '--filter', 'no-such-words']);
    assert.equal(none.status, 4);
  });

  it('delete of several without --yes on no terminal: refused, nothing deleted; with --yes: deleted, one summary', async () => {
    const refused = await cli(['delete', '--filter', 'team-prod', 'team-broken']);
    assert.equal(refused.status, 5, refused.stderr);
    assert.equal(Object.keys(await statuses()).length, 4);
    const r = await cli(['delete', 'team-prod', 'team-broken', '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '2 of 2 sessions deleted.\n');
    assert.deepEqual(Object.keys(await statuses()).sort(), ['team-dev', 'team-test']);
  });
});
