/** The method map: the compiler holds handlers to it, the server holds every request's params to it. */
import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { callEditor } from '../../../../src/core/ipc/client';
import { proofOf, randomToken, sealOf } from '../../../../src/core/ipc/handshake';
import { METHOD_NAMES, parseRequest, UnknownMethodError, type MethodHandlers } from '../../../../src/core/ipc/methods';
import { ipcPaths, readEndpoint } from '../../../../src/core/ipc/paths';
import { encodeFrame, PROTOCOL_VERSION as V, ProtocolError } from '../../../../src/core/ipc/protocol';
import { IpcServer } from '../../../../src/core/ipc/server';
import { sessionHandler } from '../../../../src/core/ipc/handlers';
import { setL10nBundle } from '../../../../src/core/l10n';
import { ProfileService } from '../../../../src/core/profiles';
import { SessionService } from '../../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from '../../support/fakes';
import { tempDir } from '../../support/tempDirs';
import { rawExchange, startHandshake } from './wire';

/** Compiled by tsc (npm test typechecks the tests): a handler with the wrong result type does not compile. */
export const wrongResult: Pick<MethodHandlers, 'ping' | 'consoleSignIn'> = {
  // @ts-expect-error ping answers { pid: number }, not a string
  ping: async () => 'pong',
  // @ts-expect-error the params carry openBrowser as a boolean: comparing it with the string 'true' is a type error
  consoleSignIn: async (p) => ({ url: 'u', opened: p.openBrowser === 'true' }),
};

const request = (method: string, params: unknown) => ({ v: V, proof: randomToken(), method, params });

describe('IPC method map', function () {
  this.timeout(10_000);
  let server: IpcServer | undefined;
  afterEach(async () => server?.close());

  it("a refusal is told in the editor's language, set after the module loaded (as activation sets it)", () => {
    const refusal = () => {
      try {
        parseRequest(request('generate', { session: '' }));
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    assert.equal(refusal(), 'generate: param "session" is empty: name a session by alias or id');
    setL10nBundle({ 'is empty: {0}': 'ist leer: {0}', 'name a session by alias or id': 'nennen Sie eine Sitzung per Alias oder ID' });
    try {
      assert.equal(refusal(), 'generate: param "session" ist leer: nennen Sie eine Sitzung per Alias oder ID');
    } finally {
      setL10nBundle(undefined);
    }
    assert.equal(refusal(), 'generate: param "session" is empty: name a session by alias or id');
  });

  it('checks params per method: types, missing and unknown params, bounds; messages never echo a value', () => {
    assert.deepEqual(parseRequest(request('consoleSignIn', { session: 'dev', openBrowser: false })).params, { session: 'dev', openBrowser: false });
    const refusals: Array<[string, unknown, RegExp]> = [
      ['generate', { session: 5 }, /^generate: param "session" must be of type string$/],
      ['generate', {}, /^generate: param "session" is missing$/],
      ['generate', { session: '' }, /^generate: param "session" is empty: name a session by alias or id$/],
      ['generate', { session: 'a', extra: 'b' }, /^generate: unknown param "extra"$/],
      ['generate', 'dev', /^generate: params must be an object$/],
      ['consoleSignIn', { session: 'dev', openBrowser: 'true' }, /^consoleSignIn: param "openBrowser" must be of type boolean$/],
      ['consoleSignIn', { session: 'dev', openBrowser: '' }, /openBrowser" must be of type boolean/],
      ['consoleSignIn', { session: 'dev', openBrowser: true, isolated: 'yes' }, /^consoleSignIn: param "isolated" must be of type boolean$/],
      ['ssmInstances', { session: 'dev', instance: 'i-1' }, /^ssmInstances: unknown param "instance"$/],
      ['ssmInstances', { session: '' }, /^ssmInstances: param "session" is empty/],
      ['setDeliveryMode', { session: 'dev', mode: 'carrierPigeon' }, /^setDeliveryMode: param "mode" must be one of: credentialsFile, credentialProcess, default$/],
      ['add', { type: 'iamUser', fields: { alias: 5 } }, /^add: param "fields.alias" must be of type string$/],
      ['add', { type: 'iamUser', fields: { 'bad key': 'x' } }, /^add: param "fields.bad key" is not a field name$/],
      ['add', { type: 'iamUser', fields: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, /has more than 64 fields/],
      ['add', { type: 'iamUser', fields: { alias: 'x'.repeat(9000) } }, /is longer than 8192 characters/],
      ['add', { type: 'iamUser', fields: { alias: { nested: { deeper: ['hunter2'] } } } }, /^add: param "fields.alias" must be of type string$/],
      ['list', { session: 'hunter2' }, /^list: unknown param "session"$/],
      ['integrationLogin', { integration: '' }, /^integrationLogin: param "integration" is empty: name an integration by alias or id$/],
      ['integrationAdd', { alias: 'a', startUrl: 'https://x', ssoRegion: 'eu-west-1', token: 'hunter2' }, /^integrationAdd: unknown param "token"$/],
      ['integrationAdd', { alias: 'a', ssoRegion: 'eu-west-1' }, /^integrationAdd: param "startUrl" is missing$/],
      ['integrationAdd', { alias: 'a', startUrl: 'x'.repeat(9000), ssoRegion: 'eu-west-1' }, /is longer than 8192 characters/],
      ['names', { session: 'hunter2' }, /^names: unknown param "session"$/],
      ['idpUrlList', { url: 'hunter2' }, /^idpUrlList: unknown param "url"$/],
      ['batch', { action: 'explode', sessions: ['a'] }, /^batch: param "action" must be one of: start, stop, delete, pin, unpin, relocate$/],
      ['batch', { action: 'start', sessions: ['a', 5] }, /^batch: param "sessions.1" must be of type string$/],
      ['batch', { action: 'start', sessions: Array(2001).fill('hunter2') }, /^batch: param "sessions" names more than 2000 sessions$/],
      ['batch', { action: 'start', filter: '' }, /^batch: param "filter" is empty: give a filter$/],
      ['batch', { action: 'start', preview: 'yes' }, /^batch: param "preview" must be of type boolean$/],
    ];
    for (const [method, params, message] of refusals) {
      assert.throws(() => parseRequest(request(method, params)), (e: Error) => e instanceof ProtocolError && message.test(e.message) && !e.message.includes('hunter2') && !e.message.includes('carrierPigeon'), `${method} ${JSON.stringify(params).slice(0, 80)}`);
    }
    for (const method of ['region', 'console', 'toString', 'hasOwnProperty']) {
      assert.throws(() => parseRequest(request(method, {})), (e: Error) => e instanceof UnknownMethodError && e.message.includes(`does not know "${method}"`), method);
    }
    assert.throws(() => parseRequest(request('a"b <hunter2>', {})), (e: Error) => e instanceof UnknownMethodError && e.message.includes('does not know "?"') && !e.message.includes('hunter2'));
  });

  it('a malformed request gets a clear sealed error and reaches no handler; a boolean reaches the editor as a boolean', async () => {
    const clock = new FakeClock();
    const state = new MemoryStateStore();
    const logger = new RecordingLogger();
    const service = new SessionService({ state, secrets: new MemorySecretVault(), sts: new FakeSts(clock), prompter: new ScriptedPrompter(), clock, logger, delivery: new MemoryDelivery(), newId: () => 'id-1' });
    await service.editor.save('iamUser', { alias: 'dev', profile: 'dev', region: 'eu-west-1', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'a'.repeat(40), mfaSerial: '' });
    const opened: unknown[] = [];
    const openConsole = async (_id: string, open: unknown) => {
      opened.push(open);
      return { url: 'https://signin.example/x', opened: open === true };
    };
    const paths = ipcPaths(join(tempDir('aws-sessions-ipc-'), 'ipc'));
    server = new IpcServer({ paths, handler: sessionHandler(service, new ProfileService({ state, lifecycle: service.lifecycle, logger }), openConsole) });
    await server.listen();
    const { token, socket } = readEndpoint(paths)!;

    for (const params of [{ session: 'dev', openBrowser: 'true' }, { session: 'dev', openBrowser: '' }, { session: ['dev'], openBrowser: true }, null]) {
      const hs = await startHandshake(socket);
      const sealed = (await hs.send({ v: V, proof: proofOf(token, 'client', hs.clientNonce, hs.challenge.nonce), method: 'consoleSignIn', params })).reply as { reply: string; mac: string };
      assert.equal(sealed.mac, sealOf(token, hs.clientNonce, hs.challenge.nonce, sealed.reply), 'the refusal is sealed: the CLI believes it');
      const reply = JSON.parse(sealed.reply) as { ok: boolean; code: string; message: string };
      assert.equal(reply.code, 'badRequest', JSON.stringify(params));
      assert.match(reply.message, /^consoleSignIn: (param "(openBrowser|session)" must be of type (boolean|string)|params must be an object)$/);
    }
    assert.deepEqual(opened, [], 'no malformed request reached the handler');

    assert.deepEqual(await callEditor(paths, 'consoleSignIn', { session: 'dev', openBrowser: false }), { ok: true, result: { url: 'https://signin.example/x', opened: false } });
    assert.deepEqual(await callEditor(paths, 'consoleSignIn', { session: 'DEV', openBrowser: true }), { ok: true, result: { url: 'https://signin.example/x', opened: true } });
    assert.deepEqual(opened, [false, true], 'real booleans, in the order sent');
    const delivered = await callEditor(paths, 'setDeliveryMode', { session: 'dev', mode: 'credentialProcess' });
    assert.equal(delivered.ok && (delivered.result as { deliveryMode?: string }).deliveryMode, 'credentialProcess');
    assert.equal((await state.read()).sessions[0].deliveryMode, 'credentialProcess');
  });

  it(`a CLI and a window of different protocol versions refuse each other with the reason (this side: ${V})`, async () => {
    // An older CLI's hello reaches this window: refused, naming both versions.
    const paths = ipcPaths(join(tempDir('aws-sessions-ipc-'), 'ipc'));
    server = new IpcServer({ paths, handler: async () => 'served' });
    await server.listen();
    const old = await rawExchange(readEndpoint(paths)!.socket, encodeFrame({ v: V - 1, hello: randomToken() }));
    const refusal = old.reply as { ok: boolean; code: string; message: string };
    assert.equal(refusal.code, 'badRequest');
    assert.match(refusal.message, new RegExp(`the other side speaks protocol version ${V - 1}, this side ${V}\\. The aws-sessions command line and the VS Code window come from different versions of AWS Sessions: reload the older window`));
    await server.close();
    server = undefined;

    // This CLI against a window of the previous version (its lease and endpoint record say so), and against a newer one.
    const dir = ipcPaths(join(tempDir('aws-sessions-ipc-'), 'ipc'));
    mkdirSync(dir.dir, { recursive: true, mode: 0o700 });
    const window = spawn('sleep', ['30']);
    try {
      writeFileSync(dir.endpoint, JSON.stringify({ v: V - 1, socket: join(dir.dir, 'cli-000000.sock'), token: randomToken() }), { mode: 0o600 });
      writeFileSync(dir.lease, JSON.stringify({ pid: window.pid, host: hostname(), id: 'old-window', v: V - 1 }));
      await assert.rejects(callEditor(dir, 'ping', {}, { connectWindowMs: 200 }), /the serving window \(process \d+\) runs an older version of AWS Sessions; reload it/);
      writeFileSync(dir.lease, JSON.stringify({ pid: window.pid, host: hostname(), id: 'new-window', v: V + 1 }));
      writeFileSync(dir.endpoint, JSON.stringify({ v: V + 1, socket: join(dir.dir, 'cli-000000.sock'), token: randomToken() }), { mode: 0o600 });
      // A wait for a hand-over that cannot come would outlast the test's own time limit.
      await assert.rejects(callEditor(dir, 'ping', {}, { connectWindowMs: 200, handOverWaitMs: 600_000 }), new RegExp(`runs a newer version of AWS Sessions \\(protocol ${V + 1}\\) than this command line \\(protocol ${V}\\); run the aws-sessions shim that window installs`));
    } finally {
      window.kill();
    }
  });
  it('a CLI newer than the window: a method the window lacks ends as "unsupported" (exit 7) naming it and the fix, never as a usage error', async () => {
    const paths = ipcPaths(join(tempDir('aws-sessions-ipc-'), 'ipc'));
    const served: string[] = [];
    server = new IpcServer({
      paths,
      handler: async (r) => {
        served.push(r.method);
        return { pid: 1 };
      },
    });
    await server.listen();
    const record = readEndpoint(paths)!;
    assert.deepEqual(record.methods, METHOD_NAMES, 'the window lists the methods it serves in its endpoint record');
    assert.ok(record.methods?.includes('batch') && record.methods.includes('integrationList'));
    const olderWindow = /runs an older version of AWS Sessions than this aws-sessions: it does not know "batch" \(both speak protocol \d+; the method came later\)\. Update AWS Sessions in that window and reload it \(Developer: Reload Window\)/;

    // A window listing its methods without this one: refused here, nothing sent.
    writeFileSync(paths.endpoint, JSON.stringify({ ...record, methods: record.methods!.filter((m) => m !== 'batch') }), { mode: 0o600 });
    const refused = await callEditor(paths, 'batch', { action: 'start', sessions: ['dev'] });
    assert.ok(!refused.ok && refused.code === 'unsupported' && olderWindow.test(refused.message), JSON.stringify(refused));
    assert.deepEqual(served, [], 'nothing reached the window');
    assert.deepEqual(await callEditor(paths, 'ping', {}), { ok: true, result: { pid: 1 } }, 'what it knows still works');

    // A window from before the list answers what it does not know with badRequest ("unknown method"): the CLI says why.
    writeFileSync(paths.endpoint, JSON.stringify({ v: V, socket: record.socket, token: record.token }), { mode: 0o600 });
    const old = await callEditor(paths, 'batch', { action: 'explode' } as never);
    assert.ok(!old.ok && old.code === 'unsupported' && olderWindow.test(old.message), JSON.stringify(old));
    assert.match(old.ok ? '' : old.message, /\(the window answered: batch: param "action" must be one of/);

    // The window itself answers a method it does not know (a newer CLI that read the record of another window) as unsupported, sealed.
    const hs = await startHandshake(record.socket);
    const sealed = (await hs.send({ v: V, proof: proofOf(record.token, 'client', hs.clientNonce, hs.challenge.nonce), method: 'integrationFrobnicate', params: {} })).reply as { reply: string; mac: string };
    assert.equal(sealed.mac, sealOf(record.token, hs.clientNonce, hs.challenge.nonce, sealed.reply));
    const unknown = JSON.parse(sealed.reply) as { ok: boolean; code: string; message: string };
    assert.ok(!unknown.ok && unknown.code === 'unsupported' && /does not know "integrationFrobnicate"/.test(unknown.message), JSON.stringify(unknown));
    assert.deepEqual(served, ['ping']);
  });
});
