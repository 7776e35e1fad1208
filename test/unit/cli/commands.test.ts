/** The subcommand table against a recording editor: which method each command calls, with which params. */
import * as assert from 'node:assert/strict';
import { runCli, SUBCOMMANDS, overviewHelp, type CliContext } from '../../../src/cli/commands';
import { UsageError } from '../../../src/cli/args';
import type { Method, Params, Result, SessionSummary } from '../../../src/core/ipc/methods';

const SUMMARY: SessionSummary = { id: 'id-1', alias: 'dev', kind: 'iamUser', profile: 'default', region: 'eu-west-1', status: 'active', deliveryMode: 'credentialProcess' };

const TYPES: Result<'types'> = [
  {
    kind: 'iamUser',
    label: 'IAM user',
    fields: [
      { name: 'alias', label: 'Alias', kind: 'text', required: true },
      { name: 'accessKeyId', label: 'Access key ID', kind: 'text', required: true },
      { name: 'secretAccessKey', label: 'Secret access key', kind: 'secret', required: true },
      { name: 'mfaSerial', label: 'MFA device', kind: 'text', required: false },
    ],
  },
];

/** Answers of the fake editor, by method; each call is recorded with its params. */
const ANSWERS: { [M in Method]?: Result<M> } = {
  setDeliveryMode: SUMMARY,
  setRegion: SUMMARY,
  relocate: SUMMARY,
  start: SUMMARY,
  add: SUMMARY,
  types: TYPES,
  list: [SUMMARY],
  consoleSignIn: { url: 'https://signin.example/federation?SigninToken=x', opened: true },
  ssmInstances: { alias: 'dev', profile: 'dev', region: 'eu-west-1', instances: [{ instanceId: 'i-0abc', name: 'web', platform: 'Amazon Linux 2023', pingStatus: 'Online', ipAddress: '10.0.0.1' }] },
  batch: { headline: '2 of 2 sessions started.', problems: [], failed: false, outcomes: [] },
  environment: { alias: 'dev', variables: { AWS_ACCESS_KEY_ID: 'ASIAX', AWS_REGION: 'eu-west-1' }, clear: ['AWS_PROFILE'] },
};

function fakeContext() {
  const calls: Array<{ method: Method; params: unknown }> = [];
  const out: string[] = [];
  const ctx: CliContext = {
    async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      calls.push({ method, params });
      const answer: { [K in Method]?: Result<K> }[M] = ANSWERS[method];
      if (answer === undefined) throw new Error(`unexpected call ${method}`);
      return answer;
    },
    out: (text) => out.push(text),
    warn: (text) => out.push(`warn: ${text}`),
    confirm: async () => false,
    readSecrets: async (labels) => labels.map((l) => `secret of ${l}`),
    env: {},
  };
  return { ctx, calls, out };
}

describe('aws-sessions subcommands', () => {
  it('delivery calls the delivery method (not the region one) with the mode', async () => {
    const { ctx, calls } = fakeContext();
    await runCli(['delivery', 'dev', 'credentialsFile'], ctx);
    assert.deepEqual(calls, [{ method: 'setDeliveryMode', params: { session: 'dev', mode: 'credentialsFile' } }]);
    await runCli(['region', 'dev', 'us-west-2'], ctx);
    assert.deepEqual(calls[1], { method: 'setRegion', params: { session: 'dev', region: 'us-west-2' } });
    await assert.rejects(runCli(['delivery', 'dev', 'carrierPigeon'], ctx), (e: Error) => e instanceof UsageError && /must be one of: credentialsFile, credentialProcess, default/.test(e.message));
    assert.equal(calls.length, 2, 'a bad mode is refused before the editor is asked');
  });

  it('set: profile and region in one change, then the delivery; nothing asked without a change or with a bad mode', async () => {
    const { ctx, calls } = fakeContext();
    await runCli(['set', 'dev', '--profile', 'work', '--region', 'us-east-2', '--delivery', 'credentialProcess'], ctx);
    assert.deepEqual(calls, [
      { method: 'relocate', params: { session: 'dev', profile: 'work', region: 'us-east-2' } },
      { method: 'setDeliveryMode', params: { session: 'dev', mode: 'credentialProcess' } },
    ]);
    await runCli(['set', 'dev', '--region', 'eu-north-1'], ctx);
    assert.deepEqual(calls[2], { method: 'relocate', params: { session: 'dev', profile: undefined, region: 'eu-north-1' } });
    await assert.rejects(runCli(['set', 'dev'], ctx), (e: Error) => e instanceof UsageError && /at least one of --profile, --region, --delivery/.test(e.message));
    await assert.rejects(runCli(['set', 'dev', '--delivery', 'fax'], ctx), (e: Error) => e instanceof UsageError && /--delivery must be one of/.test(e.message));
    assert.equal(calls.length, 3);
  });

  it('booleans travel as booleans: console --print asks for the URL without opening a browser', async () => {
    const { ctx, calls, out } = fakeContext();
    await runCli(['console', 'dev', '--print'], ctx);
    await runCli(['console', 'dev'], ctx);
    assert.deepEqual(calls, [
      { method: 'consoleSignIn', params: { session: 'dev', openBrowser: false } },
      { method: 'consoleSignIn', params: { session: 'dev', openBrowser: true } },
    ]);
    assert.deepEqual(out, ['https://signin.example/federation?SigninToken=x', 'Opened the AWS console in the browser.']);
  });

  it('console --isolated asks for the session’s own browser profile (only then: an older window sees no new param); ssm lists', async () => {
    const { ctx, calls, out } = fakeContext();
    await runCli(['console', 'dev', '--isolated'], ctx);
    await assert.rejects(runCli(['console', 'dev', '--isolated', '--print'], ctx), (e: Error) => e instanceof UsageError && /exclude each other/.test(e.message));
    await runCli(['ssm', 'dev'], ctx);
    await runCli(['ssm', 'dev', '--json'], ctx);
    assert.deepEqual(calls, [
      { method: 'consoleSignIn', params: { session: 'dev', openBrowser: true, isolated: true } },
      { method: 'ssmInstances', params: { session: 'dev' } },
      { method: 'ssmInstances', params: { session: 'dev' } },
    ]);
    assert.equal(out[0], 'Opened the AWS console in the browser.');
    assert.match(out[1], /^INSTANCE\s+NAME\s+PLATFORM\s+PING\s+IP\ni-0abc\s+web\s+Amazon Linux 2023\s+Online\s+10\.0\.0\.1$/);
    assert.equal(JSON.parse(out[2])[0].instanceId, 'i-0abc');
  });

  it('an unknown option names itself and the subcommand’s help; a boolean given a value and a missing value too', async () => {
    const { ctx, calls } = fakeContext();
    await assert.rejects(runCli(['list', '--bogus'], ctx), (e: Error) => e instanceof UsageError && e.message === 'unknown option --bogus for "aws-sessions list" (see: aws-sessions list --help)');
    await assert.rejects(runCli(['start', 'dev', '-x'], ctx), /unknown option -x for "aws-sessions start" \(see: aws-sessions start --help\)/);
    await assert.rejects(runCli(['list', '--json=yes'], ctx), /--json takes no value/);
    await assert.rejects(runCli(['add', '--type'], ctx), /--type needs a value/);
    await assert.rejects(runCli(['frobnicate'], ctx), /unknown command "frobnicate"/);
    assert.deepEqual(calls, []);
  });

  it('add: fields as flags, secrets from stdin only, unknown fields named with the type', async () => {
    const { ctx, calls } = fakeContext();
    await assert.rejects(runCli(['add', '--type', 'iamUser', '--alias', 'x', '--secret-access-key', 'hunter2'], ctx), /--secret-access-key is a secret: .*never from the command line/);
    await assert.rejects(runCli(['add', '--type', 'iamUser', '--role-arn', 'arn:x'], ctx), /IAM user sessions have no field --role-arn \(see: aws-sessions add --type iamUser --help\)/);
    await assert.rejects(runCli(['add', '--type', 'nope'], ctx), /--type must be one of:\n {2}iamUser/);
    await runCli(['add', '--type', 'iamUser', '--alias', 'dev', '--access-key-id', 'AKIA', '--delivery-mode=credentialProcess', '--json'], ctx);
    assert.deepEqual(calls.at(-1), { method: 'add', params: { type: 'iamUser', fields: { alias: 'dev', accessKeyId: 'AKIA', deliveryMode: 'credentialProcess', secretAccessKey: 'secret of Secret access key' } } });
    assert.ok(!calls.some((c) => JSON.stringify(c.params).includes('hunter2')), 'the refused secret was never sent');
  });

  it('several sessions, --all-of, --filter: one batch call; one name: the single method as before', async () => {
    const { ctx, calls, out } = fakeContext();
    await runCli(['start', 'dev'], ctx);
    await runCli(['start', 'dev', 'prod'], ctx);
    await runCli(['stop', '--all-of', 'acme'], ctx);
    await runCli(['pin', '--filter', 'prod admin', 'ops'], ctx);
    await runCli(['set', 'a', 'b', '--region', 'us-east-2'], ctx);
    await runCli(['delete', '--filter', 'old', '--yes'], ctx);
    assert.deepEqual(calls, [
      { method: 'start', params: { session: 'dev' } },
      { method: 'batch', params: { action: 'start', sessions: ['dev', 'prod'], allOf: undefined, filter: undefined } },
      { method: 'batch', params: { action: 'stop', sessions: undefined, allOf: 'acme', filter: undefined } },
      { method: 'batch', params: { action: 'pin', sessions: ['ops'], allOf: undefined, filter: 'prod admin' } },
      { method: 'batch', params: { action: 'relocate', sessions: ['a', 'b'], allOf: undefined, filter: undefined, profile: undefined, region: 'us-east-2' } },
      { method: 'batch', params: { action: 'delete', sessions: undefined, allOf: undefined, filter: 'old' } },
    ]);
    assert.equal(out.filter((l) => l === '2 of 2 sessions started.').length, 5);
    await assert.rejects(runCli(['set', 'a', 'b', '--delivery', 'default'], ctx), /--delivery changes one session at a time/);
    await assert.rejects(runCli(['pin'], ctx), /missing session/);
    assert.equal(calls.length, 6);
  });

  it('a batch with failures: the headline, one line per cause on stderr, exit 1; only cancelled: exit 5; delete asks listing them', async () => {
    const { ctx, calls, out } = fakeContext();
    ANSWERS.batch = {
      headline: '1 of 3 sessions started.',
      problems: ['"b": AWS refused the role. Sync the integration.', '"c": The MFA code for "u" was cancelled'],
      failed: true,
      outcomes: [
        { id: '1', alias: 'a', status: 'done' },
        { id: '2', alias: 'b', status: 'failed', cause: 'AWS refused the role.', fix: 'Sync the integration.' },
        { id: '3', alias: 'c', status: 'cancelled', cause: 'The MFA code for "u" was cancelled' },
      ],
    };
    try {
      await assert.rejects(runCli(['start', 'a', 'b', 'c'], ctx), (e: Error & { code?: number }) => e.code === 1 && e.message === '1 of 3 sessions failed, 1 cancelled (causes above)');
      assert.deepEqual(out, ['1 of 3 sessions started.', 'warn: "b": AWS refused the role. Sync the integration.', 'warn: "c": The MFA code for "u" was cancelled']);
      ANSWERS.batch = { headline: '0 of 1 sessions started.', problems: ['"c": cancelled'], failed: true, outcomes: [{ id: '3', alias: 'c', status: 'cancelled' }] };
      await assert.rejects(runCli(['start', '--filter', 'c'], ctx), (e: Error & { code?: number }) => e.code === 5);
      ANSWERS.batch = { headline: '', problems: [], failed: false, outcomes: [{ id: '1', alias: 'a', status: 'unchanged' }, { id: '2', alias: 'b', status: 'unchanged' }] };
      const asked: string[] = [];
      ctx.confirm = async (q) => {
        asked.push(q);
        return false;
      };
      await assert.rejects(runCli(['delete', 'a', 'b'], ctx), (e: Error & { code?: number }) => e.code === 5);
      assert.deepEqual(asked, ['Delete these 2 sessions and their stored secrets: "a", "b"?']);
      assert.deepEqual(calls.at(-1), { method: 'batch', params: { action: 'delete', sessions: ['a', 'b'], allOf: undefined, filter: undefined, preview: true } });
      // Confirmed: exactly the sessions listed are deleted, by id, not whatever the filter matches by then.
      ctx.confirm = async () => true;
      const before = calls.length;
      await runCli(['delete', '--filter', 'old'], ctx);
      assert.deepEqual(calls.slice(before), [
        { method: 'batch', params: { action: 'delete', sessions: undefined, allOf: undefined, filter: 'old', preview: true } },
        { method: 'batch', params: { action: 'delete', sessions: ['1', '2'], allOf: undefined, filter: undefined } },
      ]);
    } finally {
      ANSWERS.batch = { headline: '2 of 2 sessions started.', problems: [], failed: false, outcomes: [] };
    }
  });

  it("exec: every word from the command on is the command's, its --version and --help too; the session's variables replace the cleared ones", async () => {
    const { ctx, calls, out } = fakeContext();
    const ran: Array<{ command: readonly string[]; env: Record<string, string | undefined> }> = [];
    let code: number | undefined;
    const exec: CliContext = { ...ctx, env: { AWS_PROFILE: 'stale', HOME: '/h' }, exec: async (command, env) => (ran.push({ command, env }), 7), setExitCode: (c) => (code = c) };
    await runCli(['exec', 'dev', 'node', '--version'], exec);
    await runCli(['exec', '--profile-only', 'dev', '--', 'ls', '--help=all', '-h'], exec);
    assert.deepEqual(out, [], 'no version or help of ours printed');
    assert.deepEqual(calls, [
      { method: 'environment', params: { session: 'dev', delivery: 'credentials' } },
      { method: 'environment', params: { session: 'dev', delivery: 'profile' } },
    ]);
    assert.deepEqual(
      ran.map((r) => r.command),
      [
        ['node', '--version'],
        ['ls', '--help=all', '-h'],
      ],
    );
    assert.deepEqual(ran[0].env, { HOME: '/h', AWS_ACCESS_KEY_ID: 'ASIAX', AWS_REGION: 'eu-west-1' });
    assert.equal(code, 7);
  });

  it('help: -h and --help per subcommand, the overview lists every subcommand, --version', async () => {
    const { ctx, out } = fakeContext();
    for (const c of SUBCOMMANDS.filter((s) => s.name !== 'add')) {
      await runCli([c.name, '-h'], ctx);
      assert.equal(out.pop(), c.extraHelp ? `${c.help}\n\n${c.extraHelp}` : c.help);
      assert.match(c.help, /^Usage: aws-sessions /);
    }
    await runCli(['add', '--type', 'iamUser', '--help'], ctx);
    assert.match(out.pop() ?? '', /IAM user fields:\n {2}--alias {2}Alias\n.*--secret-access-key {2}Secret access key \(secret: stdin or prompt\)/s);
    await runCli([], ctx);
    assert.equal(out.pop(), overviewHelp());
    for (const c of SUBCOMMANDS) assert.equal(overviewHelp().includes(`  ${c.synopsis}`), !c.hidden, c.name);
    await runCli(['help', 'stop'], ctx);
    assert.match(out.pop() ?? '', /^Usage: aws-sessions stop/);
    await runCli(['list', '--version'], ctx);
    assert.equal(out.pop(), 'aws-sessions 0.1.0');
  });
});
