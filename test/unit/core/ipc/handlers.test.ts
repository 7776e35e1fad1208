import assert from 'node:assert/strict';
import { SessionService } from '../../../../src/core/sessionService';
import { ProfileService } from '../../../../src/core/profiles';
import { sessionMethods } from '../../../../src/core/ipc/handlers';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';

describe('IPC handlers: names work wherever ids do', () => {
  it('add resolves the assumer of a chained session by alias', async () => {
    const clock = new FakeClock();
    const state = new MemoryStateStore();
    const logger = new RecordingLogger();
    let n = 0;
    const service = new SessionService({ state, secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger, delivery: new MemoryDelivery(), newId: () => `id-${++n}` });
    const methods = sessionMethods(service, new ProfileService({ state, lifecycle: service.lifecycle, logger }));
    const user = await service.editor.save('iamUser', { alias: 'base-user', profile: 'base', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'a'.repeat(40), mfaSerial: '' });
    await methods.add({ type: 'iamRoleChained', fields: { alias: 'chained', profile: 'chained', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Admin', assumerSessionId: 'BASE-USER' } });
    const chained = (await service.state.read()).sessions.find((s) => s.alias === 'chained') as { assumerSessionId?: string } | undefined;
    assert.equal(chained?.assumerSessionId, user.id);
    await assert.rejects(methods.add({ type: 'iamRoleChained', fields: { alias: 'c2', profile: 'c2', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/Admin', assumerSessionId: 'nobody' } }), /no session named or with id "nobody"/);
  });
});
