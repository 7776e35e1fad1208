/** Import of role profiles keeps each role option the AWS CLI reads there: plan and saved session, key by key. */
import assert from 'node:assert/strict';
import { buildImportPlan, type ImportChained } from '../../../../src/core/import/plan';
import { importPreview } from '../../../../src/core/import/preview';
import { applyImport } from '../../../../src/core/import/apply';
import { AwsFiles } from '../../../../src/core/awsFiles/awsFiles';
import { fileLock } from '../../../../src/core/fileLock';
import { emptyState, type IamRoleChainedSession, type IamUserSession } from '../../../../src/core/model';
import { SessionService } from '../../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';

const CREDENTIALS = `[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`;
const role = (name: string, extra: string) => `[profile ${name}]\nrole_arn = arn:aws:iam::111111111111:role/${name}\nsource_profile = dev\n${extra}\n`;

async function importOne(extra: string): Promise<{ item: ImportChained; session: IamRoleChainedSession; user: IamUserSession; preview: string; failed: unknown[] }> {
  const configText = `[profile dev]\nregion = eu-west-1\n` + role('client', extra);
  const plan = buildImportPlan({ credentialsText: CREDENTIALS, configText, credentialsPath: '/h/credentials', configPath: '/h/config', state: emptyState('p') });
  const item = plan.items.find((i): i is ImportChained => i.kind === 'iamRoleChained');
  assert.ok(item, 'the role profile is planned as a chained session');
  const clock = new FakeClock();
  const service = new SessionService({ state: new MemoryStateStore(), secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger: new RecordingLogger(), delivery: new MemoryDelivery() });
  const files = new AwsFiles({ env: { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config' }, homeDir: '/nonexistent', lock: fileLock('/nonexistent/lock') });
  const result = await applyImport(plan, { state: service.state, editor: service.editor, files, clock, logger: new RecordingLogger() }, { removeKeys: false });
  const state = await service.state.read();
  const session = state.sessions.find((s): s is IamRoleChainedSession => s.kind === 'iamRoleChained');
  const user = state.sessions.find((s): s is IamUserSession => s.kind === 'iamUser');
  assert.ok(session && user, `both sessions saved: ${JSON.stringify(result.failed)}`);
  return { item, session, user, preview: importPreview(plan, { backupSuffix: '.bak' }), failed: result.failed };
}

describe('import of role options', () => {
  it('external_id: kept on the session, never shown in the preview', async () => {
    const t = await importOne('external_id = client-7f3a:prod');
    assert.equal(t.item.externalId, 'client-7f3a:prod');
    assert.equal(t.session.externalId, 'client-7f3a:prod');
    assert.ok(!t.preview.includes('client-7f3a'), 'the preview says only that an External ID is set');
    assert.match(t.preview, /\| External ID \|/);
  });

  it('duration_seconds: kept as a number', async () => {
    const t = await importOne('duration_seconds = 28800');
    assert.equal(t.item.durationSeconds, '28800');
    assert.equal(t.session.durationSeconds, 28800);
    assert.match(t.preview, /28800 s/);
  });

  it('source_identity: kept', async () => {
    const t = await importOne('source_identity = alice@example.com');
    assert.equal(t.session.sourceIdentity, 'alice@example.com');
  });

  it('role_session_name: kept', async () => {
    const t = await importOne('role_session_name = alice@example.com');
    assert.equal(t.session.roleSessionName, 'alice@example.com');
  });

  it('mfa_serial: asked once by the IAM User session at the root of the chain', async () => {
    const t = await importOne('mfa_serial = arn:aws:iam::111111111111:mfa/alice');
    assert.equal(t.item.mfaSerial, 'arn:aws:iam::111111111111:mfa/alice');
    assert.equal(t.user.mfaSerial, 'arn:aws:iam::111111111111:mfa/alice');
  });

  it('a profile without them gets none (defaults apply)', async () => {
    const t = await importOne('');
    assert.deepEqual([t.session.externalId, t.session.durationSeconds, t.session.sourceIdentity, t.session.roleSessionName], [undefined, undefined, undefined, undefined]);
  });
});
