/** Import from ~/.aws: the plan on crafted files, byte-for-byte checks of what is kept, and applying it. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildImportPlan, importable } from '../../../../src/core/import/plan';
import { importPreview } from '../../../../src/core/import/preview';
import { applyImport, backupSuffix } from '../../../../src/core/import/apply';
import { AwsFiles } from '../../../../src/core/awsFiles/awsFiles';
import { fileLock } from '../../../../src/core/fileLock';
import { SecretKeys } from '../../../../src/core/constants';
import { emptyState } from '../../../../src/core/model';
import { SessionService } from '../../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';
import { tempDir } from '../../support/tempDirs';

const K1 = 'AKIAIOSFODNN7EXAMPLE';
const S1 = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const K2 = 'AKIAI44QH8DHBEXAMPLE';
const S2 = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY';

const CREDENTIALS =
  `# my keys — hand written\r\n` +
  `[dev]\r\naws_access_key_id = ${K1}\r\n; a note that stays\r\naws_secret_access_key=${S1}\r\n\r\n` +
  `[other]\r\naws_access_key_id = ASIATEMPORARY0000001\r\naws_secret_access_key = x\r\naws_session_token = y\r\n\r\n` +
  `[ops]\r\naws_access_key_id = ${K2}\r\naws_secret_access_key = ${S2}\r\nregion = eu-central-1\r\n\r\n` +
  `[last]\r\naws_access_key_id = ${K2.replace('EXAMPLE', 'EXAMPLF')}\r\naws_secret_access_key = ${S2}`;

const CONFIG = `[default]
region = eu-west-1 ; mine
[profile dev]
region = eu-west-2
mfa_serial = arn:aws:iam::111111111111:mfa/dev
[profile admin]
role_arn = arn:aws:iam::111111111111:role/Admin
source_profile = dev
mfa_serial = arn:aws:iam::111111111111:mfa/dev
role_session_name = me@example.com
[profile deep]
role_arn = arn:aws:iam::222222222222:role/Deep
source_profile = admin
[profile proc]
credential_process = /usr/bin/tool creds
[profile orphan]
role_arn = arn:aws:iam::111111111111:role/Orphan
source_profile = nowhere
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[profile sso-a]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
[profile sso-b]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Ops
[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = eu-west-1
cli_read_timeout = 0123
`;

const input = (over: Partial<Parameters<typeof buildImportPlan>[0]> = {}) => ({
  credentialsText: CREDENTIALS,
  configText: CONFIG,
  credentialsPath: '/h/.aws/credentials',
  configPath: '/h/.aws/config',
  state: emptyState('p-default'),
  ...over,
});

describe('import plan', () => {
  it('turns static keys into IAM Users, role profiles into a chain, SSO into integrations; leaves the rest alone', () => {
    const plan = buildImportPlan(input());
    const byProfile = (p: string) => plan.items.find((i) => ('profile' in i ? i.profile === p : false));
    assert.deepEqual(byProfile('dev'), { kind: 'iamUser', profile: 'dev', alias: 'dev', region: 'eu-west-2', mfaSerial: 'arn:aws:iam::111111111111:mfa/dev', keyLabel: 'AKIA…MPLE', keyFile: 'credentials' });
    assert.equal((byProfile('ops') as { region?: string }).region, 'eu-central-1');
    const admin = byProfile('admin');
    assert.ok(admin?.kind === 'iamRoleChained' && admin.sourceProfile === 'dev' && admin.roleSessionName === 'me@example.com');
    assert.ok(byProfile('deep')?.kind === 'iamRoleChained', 'a chain of chains, ordered after its source');
    assert.ok(plan.items.findIndex((i) => i === admin) < plan.items.findIndex((i) => i === byProfile('deep')));
    assert.match((byProfile('proc') as { reason: string }).reason, /credential_process/);
    assert.match((byProfile('other') as { reason: string }).reason, /temporary keys/);
    assert.match((byProfile('orphan') as { reason: string }).reason, /source_profile "nowhere"/);
    const sso = plan.items.filter((i) => i.kind === 'ssoIntegration');
    assert.deepEqual(sso, [
      { kind: 'ssoIntegration', name: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'us-east-1', profiles: ['sso-a', 'sso-b'] },
      { kind: 'ssoIntegration', name: 'legacy', startUrl: 'https://old.awsapps.com/start', ssoRegion: 'eu-west-1', profiles: ['legacy'] },
    ]);
    assert.equal(importable(plan), 7);
    assert.deepEqual([...plan.secrets.keys()], ['dev', 'ops', 'last']);
  });

  it('removing the keys deletes exactly their lines (and headers left empty), keeping every other byte', () => {
    const plan = buildImportPlan(input());
    assert.equal(plan.keyRemoval.length, 1);
    const change = plan.keyRemoval[0];
    assert.equal(change.before, CREDENTIALS);
    const expected =
      `# my keys — hand written\r\n` +
      `[dev]\r\n; a note that stays\r\n\r\n` +
      `[other]\r\naws_access_key_id = ASIATEMPORARY0000001\r\naws_secret_access_key = x\r\naws_session_token = y\r\n\r\n` +
      // [last] had no final newline: its removal takes the line break before it, so the file ends as before, unterminated after [ops]'s blank line.
      `[ops]\r\nregion = eu-central-1\r\n`;
    assert.equal(change.after, expected);
    // What stays is the original with whole lines cut out: every kept line is byte-identical and in order.
    const kept = change.after.split('\r\n');
    let at = 0;
    for (const line of kept) {
      const found = CREDENTIALS.split('\r\n').indexOf(line, at);
      assert.ok(found >= at, `kept line ${JSON.stringify(line)} in order`);
      at = found;
    }
    assert.ok(change.removed.every((r) => !r.text.includes(S1) && !r.text.includes(S2) && !r.text.includes(K1)), 'preview lines are masked');
    assert.deepEqual(change.removed.map((r) => r.line), [3, 5, 13, 14, 17, 18, 19]);
  });

  it('the preview lists everything and never a secret', () => {
    const plan = buildImportPlan(input());
    const text = importPreview(plan, { backupSuffix: '.bak' });
    for (const s of [S1, S2, K1, K2]) assert.ok(!text.includes(s));
    assert.match(text, /\| dev \| dev \| eu-west-2 \| AKIA…MPLE \(credentials file\)/);
    assert.match(text, /\/h\/\.aws\/credentials\.bak/);
    assert.match(text, /\*\*proc\*\*: credential_process/);
  });

  it('skips profiles a session already uses, and picks aliases that do not collide', () => {
    const state = emptyState('p-default');
    state.profiles.push({ id: 'p-ops', name: 'ops' });
    state.sessions.push({ id: 's', kind: 'iamUser', alias: 'dev', profileId: 'p-ops', region: 'eu-west-1' });
    const plan = buildImportPlan(input({ state }));
    assert.match((plan.items.find((i) => 'profile' in i && i.profile === 'ops') as { reason: string }).reason, /already uses/);
    assert.equal(plan.items.find((i) => i.kind === 'iamUser' && i.profile === 'dev')?.kind === 'iamUser' && (plan.items.find((i) => i.kind === 'iamUser' && i.profile === 'dev') as { alias: string }).alias, 'dev-2');
  });
});

describe('import apply', () => {
  function setup() {
    const dir = tempDir('import-');
    writeFileSync(join(dir, 'credentials'), CREDENTIALS);
    writeFileSync(join(dir, 'config'), CONFIG);
    const files = new AwsFiles({ env: { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') }, homeDir: dir, lock: fileLock(join(dir, 'lock')) });
    const clock = new FakeClock();
    const secrets = new MemorySecretVault();
    const service = new SessionService({ state: new MemoryStateStore(), secrets, sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger: new RecordingLogger(), delivery: new MemoryDelivery() });
    const plan = () => buildImportPlan({ credentialsText: readFileSync(files.credentialsPath, 'utf8'), configText: readFileSync(files.configPath, 'utf8'), credentialsPath: files.credentialsPath, configPath: files.configPath, state: emptyState('x') });
    return { dir, files, clock, secrets, service, plan, deps: { state: service.state, editor: service.editor, files, clock, logger: new RecordingLogger() } };
  }

  it('keeps the files byte for byte without confirmation; sessions take -aws-sessions profile names', async () => {
    const t = setup();
    const result = await applyImport(t.plan(), t.deps, { removeKeys: false });
    assert.equal(readFileSync(t.files.credentialsPath, 'utf8'), CREDENTIALS);
    assert.equal(readFileSync(t.files.configPath, 'utf8'), CONFIG);
    assert.deepEqual(result.backups, []);
    const state = await t.service.state.read();
    const dev = state.sessions.find((s) => s.alias === 'dev')!;
    assert.equal(state.profiles.find((p) => p.id === dev.profileId)?.name, 'dev-aws-sessions');
    assert.equal(await t.secrets.get(SecretKeys.secretAccessKey(dev.id)), S1);
    assert.equal(result.integrations.length, 2);
    assert.ok(result.integrations.every((i) => !i.created));
    assert.deepEqual(result.failed, []);
  });

  it('with confirmation: keys into secret storage, then out of the file, after a byte-exact backup (0600)', async () => {
    const t = setup();
    const plan = t.plan();
    const result = await applyImport(plan, t.deps, { removeKeys: true });
    const state = await t.service.state.read();
    assert.deepEqual(state.sessions.map((s) => `${s.kind}:${s.alias}:${state.profiles.find((p) => p.id === s.profileId)?.name}`), [
      'iamUser:dev:dev',
      'iamUser:ops:ops',
      'iamUser:last:last',
      'iamRoleChained:admin:admin',
      'iamRoleChained:deep:deep',
    ]);
    const admin = state.sessions.find((s) => s.alias === 'admin');
    const deep = state.sessions.find((s) => s.alias === 'deep');
    assert.ok(admin?.kind === 'iamRoleChained' && deep?.kind === 'iamRoleChained' && deep.assumerSessionId === admin.id);
    const dev = state.sessions.find((s) => s.alias === 'dev')!;
    assert.equal(await t.secrets.get(SecretKeys.accessKeyId(dev.id)), K1);
    assert.equal(readFileSync(t.files.credentialsPath, 'utf8'), plan.keyRemoval[0].after);
    assert.equal(readFileSync(t.files.configPath, 'utf8'), CONFIG, 'config untouched');
    assert.deepEqual(result.backups, [t.files.credentialsPath + backupSuffix(t.clock.now())]);
    assert.equal(readFileSync(result.backups[0], 'utf8'), CREDENTIALS);
    assert.equal(statSync(result.backups[0]).mode & 0o777, 0o600);
    assert.ok(result.keysRemoved);
  });

  it('a file changed after the preview keeps its keys, and the sessions move off its profile names', async () => {
    const t = setup();
    const plan = t.plan();
    writeFileSync(t.files.credentialsPath, CREDENTIALS + '\r\n# edited meanwhile\r\n');
    const result = await applyImport(plan, t.deps, { removeKeys: true });
    assert.match(result.removalSkipped ?? '', /changed after the preview/);
    assert.equal(readFileSync(t.files.credentialsPath, 'utf8'), CREDENTIALS + '\r\n# edited meanwhile\r\n');
    assert.deepEqual(readdirSync(t.dir).filter((n) => n.includes('backup')), []);
    const state = await t.service.state.read();
    const dev = state.sessions.find((s) => s.alias === 'dev')!;
    assert.equal(state.profiles.find((p) => p.id === dev.profileId)?.name, 'dev-aws-sessions');
  });

  it('creates the IAM Identity Center integrations through the given hook; an existing start URL is skipped', async () => {
    const t = setup();
    const made: string[] = [];
    const result = await applyImport(t.plan(), { ...t.deps, createIntegration: async (i) => void made.push(`${i.name} ${i.startUrl} ${i.ssoRegion}`) }, { removeKeys: false });
    assert.deepEqual(made, ['corp https://corp.awsapps.com/start us-east-1', 'legacy https://old.awsapps.com/start eu-west-1']);
    assert.ok(result.integrations.every((i) => i.created));
    const state = emptyState('x');
    state.integrations = [{ id: 'i1', alias: 'corp', startUrl: 'https://corp.awsapps.com/start/', ssoRegion: 'us-east-1' }];
    const plan = buildImportPlan(input({ state }));
    assert.deepEqual(plan.items.filter((i) => i.kind === 'ssoIntegration').map((i) => i.kind === 'ssoIntegration' && i.name), ['legacy']);
    assert.match((plan.items.find((i) => 'profile' in i && i.profile === 'sso-a') as { reason: string }).reason, /already exists/);
  });

  it('backup suffix is a sortable UTC time', () => {
    assert.equal(backupSuffix(Date.parse('2026-11-22T10:00:00.123Z')), '.aws-sessions-backup-20261122T100000Z');
  });
});
