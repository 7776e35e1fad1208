/**
 * `aws-sessions` over a state file written by an older version or by hand: unusable entries are set aside
 * (never a TypeError), names with controls, bidi overrides or line separators print escaped, and today's
 * rules refuse such names and "DEFAULT" on add and profile create.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, spawnServer, stopServer, type ServerProcess } from '../support/cli';

const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const base = { kind: 'iamUser', profileId: 'p-default', region: 'eu-west-1' };
const OLD_STATE = {
  version: 1,
  profiles: [{ id: 'p-default', name: 'default' }],
  sessions: [
    { ...base, id: 's-1', alias: 'alice' },
    null,
    { id: 's-2', kind: 'iamUser', alias: 'half' },
    { ...base, id: 's-3', alias: 'evil\u202Egnp.exe' },
    { ...base, id: 's-4', alias: 'two\u2028lines\u0085csi\u009B31m' },
  ],
  active: {},
};

describe('aws-sessions with an old or damaged state file', function () {
  this.timeout(60_000);
  let home: string;
  let storage: string;
  let server: ServerProcess;
  let env: Record<string, string>;

  const cli = (args: string[], input = '') => runProcess(join(storage, 'bin', 'aws-sessions'), args, env, input, 30_000);

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aws-sessions-state-names-'));
    storage = join(home, 'storage');
    mkdirSync(storage, { recursive: true });
    writeFileSync(join(storage, 'sessions.json'), JSON.stringify(OLD_STATE, null, 2));
    env = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
    server = await spawnServer(storage, env);
    await server.serving;
  });

  after(async () => {
    await stopServer(server);
    rmSync(home, { recursive: true, force: true });
  });

  it('list keeps the good sessions, sets the bad entries aside in a named backup, and escapes unsafe characters', async () => {
    const list = await cli(['list']);
    assert.equal(list.status, 0, list.stderr);
    assert.equal(list.stderr, '');
    assert.doesNotMatch(list.stdout, UNSAFE, 'no control, bidi or separator character printed raw');
    const lines = list.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4, list.stdout);
    assert.match(lines[1], /^alice\s+default\s+eu-west-1\s+iamUser/);
    assert.match(lines[2], /^evil\\u202egnp\.exe\s+default/);
    assert.match(lines[3], /^two\\u2028lines\\u0085csi\\u009b31m\s+default/);

    const json = await cli(['list', '--json']);
    assert.equal(json.status, 0, json.stderr);
    assert.doesNotMatch(json.stdout, UNSAFE);
    assert.deepEqual((JSON.parse(json.stdout) as Array<{ alias: string }>).map((s) => s.alias), ['alice', 'evil\u202Egnp.exe', 'two\u2028lines\u0085csi\u009B31m'], 'the JSON escapes decode to the names');

    const backups = readdirSync(storage).filter((n) => /^sessions\.rejected-.+\.json$/.test(n));
    assert.equal(backups.length, 1, readdirSync(storage).join(', '));
    assert.match(server.output(), new RegExp(`2 entries of the AWS Sessions state file .*sessions\\.json could not be used and were moved to .*${backups[0].replace(/\./g, '\\.')}: sessions\\[1\\]: Invalid type: Expected Object but received null; sessions\\[2\\]\\.profileId: Invalid key: Expected "profileId" but received undefined \\(alias "half"\\)`));
  });

  it('add and profile create refuse "DEFAULT" in any case and aliases with unsafe characters', async () => {
    const keys = 'AKIAABCDEFGHIJKLMNOP\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
    const add = (alias: string, profile: string) => cli(['add', '--type', 'iamUser', '--alias', alias, '--profile', profile, '--region', 'eu-west-1'], keys);
    for (const name of ['DEFAULT', 'Default']) {
      const r = await add(`x-${name}`, name);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /"default" is reserved in any letter case/);
      const p = await cli(['profile', 'create', name]);
      assert.notEqual(p.status, 0);
      assert.match(p.stderr, /"default" is reserved in any letter case/);
    }
    const bidi = await add('abc\u202Edef', 'dev');
    assert.notEqual(bidi.status, 0);
    assert.match(bidi.stderr, /Aliases cannot contain control, bidirectional-override or line-separator characters \(found U\+202E at position 4\)\./);
    assert.doesNotMatch(bidi.stderr, UNSAFE);
    const ok = await add('fine', 'dev');
    assert.equal(ok.status, 0, ok.stderr);
  });
});
