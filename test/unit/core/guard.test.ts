/** The guard before long commands: matching command lines, the refresh decision, the account check. */
import assert from 'node:assert/strict';
import { checkAccount, DEFAULT_LONG_COMMANDS, describeAccountCheck, expectedAccounts, guardDecision, longCommandPatterns, matchLongCommand } from '../../../src/core/guard';
import { emptyState, type PersistedState } from '../../../src/core/model';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const MIN = 60_000;

describe('guard: long commands', () => {
  const match = (line: string) => matchLongCommand(line, DEFAULT_LONG_COMMANDS)?.pattern;

  it('recognises each default command, with options, wrappers, paths and variables around it', () => {
    const cases: Array<[string, string]> = [
      ['terraform apply', 'terraform apply|destroy'],
      ['terraform -chdir=infra apply -auto-approve', 'terraform apply|destroy'],
      ['TF_LOG=debug terraform destroy', 'terraform apply|destroy'],
      ['/usr/local/bin/terraform apply', 'terraform apply|destroy'],
      ['npx cdk deploy --all', 'cdk deploy|destroy'],
      ['./node_modules/.bin/cdk destroy MyStack', 'cdk deploy|destroy'],
      ['sam deploy --guided', 'sam deploy'],
      ['pulumi up --yes', 'pulumi up|destroy'],
      ['pulumi destroy', 'pulumi up|destroy'],
      ['serverless deploy --stage prod', 'serverless deploy'],
      ['aws cloudformation deploy --template-file t.yml --stack-name s', 'aws cloudformation deploy'],
      ['aws --region eu-west-1 cloudformation deploy --stack-name s', 'aws cloudformation deploy'],
      ['cd infra && terraform apply', 'terraform apply|destroy'],
      ['make build; sudo -E terraform apply', 'terraform apply|destroy'],
      ['time terraform apply', 'terraform apply|destroy'],
      ['{ terraform apply ; } > /tmp/out 2>&1; echo $? > /tmp/rc', 'terraform apply|destroy'],
      ['if true; then terraform destroy; fi', 'terraform apply|destroy'],
    ];
    for (const [line, pattern] of cases) assert.equal(match(line), pattern, line);
  });

  it('leaves other commands alone', () => {
    for (const line of ['terraform plan', 'terraform init', 'cdk synth', 'cdk diff', 'aws s3 ls', 'aws cloudformation describe-stacks', 'echo terraform apply', 'git commit -m "terraform apply"', 'pulumi preview', 'terraform', '']) {
      assert.equal(match(line), undefined, line);
    }
  });

  it('finds the profile a command line names itself', () => {
    assert.equal(matchLongCommand('AWS_PROFILE=prod terraform apply', DEFAULT_LONG_COMMANDS)?.profile, 'prod');
    assert.equal(matchLongCommand('aws --profile ops cloudformation deploy --stack-name s', DEFAULT_LONG_COMMANDS)?.profile, 'ops');
    assert.equal(matchLongCommand('aws cloudformation deploy --profile=ops', DEFAULT_LONG_COMMANDS)?.profile, 'ops');
    assert.equal(matchLongCommand('terraform apply', DEFAULT_LONG_COMMANDS)?.profile, undefined);
  });

  it('takes the setting as given: custom patterns, blanks dropped, non-arrays meaning the defaults', () => {
    assert.equal(matchLongCommand('make deploy', longCommandPatterns(['make deploy', '  ']))?.pattern, 'make deploy');
    assert.equal(matchLongCommand('terraform apply', longCommandPatterns(['make deploy'])), undefined);
    assert.deepEqual(longCommandPatterns(undefined), [...DEFAULT_LONG_COMMANDS]);
    assert.deepEqual(expectedAccounts(['111111111111', ' 222222222222 ', 'nope', 3]), ['111111111111', '222222222222']);
  });
});

function state(expiresInMin: number, extra: (s: PersistedState) => void = () => undefined): PersistedState {
  const s = emptyState('p-default');
  s.profiles.push({ id: 'p-prod', name: 'prod' });
  s.sessions.push({ id: 'u', kind: 'iamUser', alias: 'alice', profileId: 'p-default', region: 'eu-west-1', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' });
  s.sessions.push({ id: 'r', kind: 'iamRoleChained', alias: 'prod-admin', profileId: 'p-prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:role/Admin', assumerSessionId: 'u' });
  s.active.r = { sessionId: 'r', status: 'active', expiration: new Date(NOW + expiresInMin * MIN).toISOString() };
  extra(s);
  return s;
}
const decide = (s: PersistedState, profileName = 'prod', mode = 'credentialsFile') => guardDecision({ state: s, profileName, nowMs: NOW, minimumMinutes: 30, deliveryModeOf: () => mode });

describe('guard: the decision when a long command starts', () => {
  it('refreshes credentials that expire within the minimum, and leaves longer ones', () => {
    assert.deepEqual(decide(state(10)), { action: 'refresh', sessionId: 'r', alias: 'prod-admin', minutesLeft: 10 });
    assert.equal(decide(state(29)).action, 'refresh');
    assert.equal(decide(state(30)).action, 'none');
    assert.equal(decide(state(-5)).action, 'refresh', 'already expired: refresh too');
  });

  it('says why it cannot: no active session, or one that failed', () => {
    const none = decide(state(10), 'staging');
    assert.ok(none.action === 'cannot' && /no session of AWS Sessions is active for profile "staging"/.test(none.reason));
    const failed = decide(state(10, (s) => (s.active.r = { sessionId: 'r', status: 'error', error: 'AccessDenied' })));
    assert.ok(failed.action === 'cannot' && /session "prod-admin" failed to start \(AccessDenied\)/.test(failed.reason));
  });

  it('leaves credential_process sessions alone: the tool asks for fresh credentials itself', () => {
    assert.equal(decide(state(10), 'prod', 'credentialProcess').action, 'none');
  });
});

describe('guard: the account a folder expects', () => {
  it('flags another account, naming both; accepts a listed one; says when the account is unknown', () => {
    const wrong = checkAccount(state(60), 'prod', ['111111111111']);
    assert.equal(wrong.verdict, 'wrong');
    assert.equal(describeAccountCheck(wrong, 'payments'), 'Folder "payments" expects AWS account 111111111111, but its terminal profile "prod" holds session "prod-admin" in account 222222222222.');
    assert.equal(checkAccount(state(60), 'prod', ['111111111111', '222222222222']).verdict, 'ok');
    assert.equal(checkAccount(state(60), 'prod', []).verdict, 'ok', 'no list: nothing expected');
    assert.equal(checkAccount(state(60), 'staging', ['111111111111']).verdict, 'ok', 'no active session: nothing to check');
    const unknown = checkAccount(
      state(60, (s) => {
        s.sessions.push({ id: 'b', kind: 'iamUser', alias: 'bob', profileId: 'p-bob', region: 'eu-west-1' });
        s.profiles.push({ id: 'p-bob', name: 'bob' });
        s.active.b = { sessionId: 'b', status: 'active', expiration: new Date(NOW + 60 * MIN).toISOString() };
      }),
      'bob',
      ['111111111111'],
    );
    assert.equal(unknown.verdict, 'unknown');
    assert.match(describeAccountCheck(unknown, 'payments'), /not known to AWS Sessions/);
  });
});
