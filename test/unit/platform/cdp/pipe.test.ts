/** The DevTools pipe client: NUL framing, answers matched by id, errors, events, a pipe that closes. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { CdpClosedError, CdpError, CdpPipe, type CdpEvent } from '../../../../src/platform/cdp/pipe';
import { FakeBrowser } from './fakeBrowser';

function bare() {
  const toBrowser = new PassThrough();
  const fromBrowser = new PassThrough();
  const written: string[] = [];
  toBrowser.on('data', (chunk: Buffer) => written.push(chunk.toString('utf8')));
  const problems: string[] = [];
  const pipe = new CdpPipe(toBrowser, fromBrowser, (p) => problems.push(p));
  return { pipe, fromBrowser, written, problems };
}

describe('CdpPipe (DevTools protocol over --remote-debugging-pipe)', () => {
  it('writes each command as one JSON object and a NUL, with the sessionId of an attached target', async () => {
    const { pipe, written, fromBrowser } = bare();
    const first = pipe.send('Browser.getVersion');
    const second = pipe.send('Page.navigate', { url: 'https://idp.example/' }, 'S1');
    await FakeBrowser.settle();
    assert.deepEqual(written.join('').split('\0'), ['{"id":1,"method":"Browser.getVersion","params":{}}', '{"id":2,"method":"Page.navigate","params":{"url":"https://idp.example/"},"sessionId":"S1"}', '']);
    fromBrowser.write('{"id":2,"result":{"frameId":"F"}}\0{"id":1,"result":{"product":"Chrome/1"}}\0');
    assert.deepEqual(await second, { frameId: 'F' });
    assert.deepEqual(await first, { product: 'Chrome/1' });
  });

  it('joins a message split across reads, also inside a UTF-8 character, and splits several in one read', async () => {
    const { pipe, fromBrowser } = bare();
    const events: CdpEvent[] = [];
    pipe.onEvent((e) => events.push(e));
    const answer = pipe.send('Runtime.evaluate');
    const bytes = Buffer.from('{"id":1,"result":{"value":"Grüße"}}\0{"method":"Target.targetCreated","params":{"n":1}}\0{"method":"Fetch.requestPaused","params":{"n":2},"sessionId":"S"}\0', 'utf8');
    const cut = bytes.indexOf(Buffer.from('ü')) + 1; // between the two bytes of ü
    fromBrowser.write(bytes.subarray(0, cut));
    await FakeBrowser.settle();
    fromBrowser.write(bytes.subarray(cut, cut + 3));
    fromBrowser.write(bytes.subarray(cut + 3));
    assert.deepEqual(await answer, { value: 'Grüße' });
    await FakeBrowser.settle();
    assert.deepEqual(events, [
      { method: 'Target.targetCreated', params: { n: 1 } },
      { method: 'Fetch.requestPaused', params: { n: 2 }, sessionId: 'S' },
    ]);
  });

  it('rejects a command the browser answers with an error, naming the method and the cause', async () => {
    const browser = new FakeBrowser();
    browser.answer = (c) => (c.method === 'Fetch.enable' ? { error: { code: -32601, message: "'Fetch.enable' wasn't found" } } : { result: {} });
    const error = await browser.pipe.send('Fetch.enable', {}, 'S1').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof CdpError);
    assert.equal(error.method, 'Fetch.enable');
    assert.equal(error.code, -32601);
    assert.match(error.message, /^Fetch\.enable: 'Fetch\.enable' wasn't found$/);
    assert.deepEqual(await browser.pipe.send('Browser.getVersion'), {}, 'the pipe goes on');
  });

  it('fails every unanswered command when the browser goes away, and every later one at once', async () => {
    const browser = new FakeBrowser();
    browser.answer = () => 'none';
    let closes = 0;
    browser.pipe.onClose(() => closes++);
    const waiting = [browser.pipe.send('Page.navigate', { url: 'x' }, 'S1'), browser.pipe.send('Browser.getVersion')];
    browser.fromBrowser.end();
    for (const call of waiting) await assert.rejects(call, (e: unknown) => e instanceof CdpClosedError && /the browser closed the DevTools pipe/.test(e.message));
    await assert.rejects(browser.pipe.send('Fetch.enable'), CdpClosedError);
    assert.equal(browser.pipe.closed, true);
    assert.equal(closes, 1);
    let late = 0;
    browser.pipe.onClose(() => late++);
    assert.equal(late, 1, 'a listener added after the close is called at once');
  });

  it('reports what is not a DevTools message and keeps going; a throwing listener does not stop the others', async () => {
    const { pipe, fromBrowser, problems } = bare();
    const seen: string[] = [];
    pipe.onEvent(() => {
      throw new Error('boom');
    });
    pipe.onEvent((e) => seen.push(e.method));
    const answer = pipe.send('Browser.getVersion');
    fromBrowser.write('not json\0[1,2]\0{"id":99,"result":{}}\0{"what":1}\0{"method":"Target.attachedToTarget","params":{}}\0{"id":1,"result":{}}\0');
    assert.deepEqual(await answer, {});
    assert.deepEqual(seen, ['Target.attachedToTarget']);
    assert.equal(problems.length, 5, problems.join(' | '));
    assert.match(problems[0], /^not JSON: not json/);
    assert.match(problems[1], /not a JSON object/);
    assert.match(problems[2], /an answer to no command \(id 99\)/);
    assert.match(problems[3], /neither an answer nor an event/);
    assert.match(problems[4], /a listener of Target\.attachedToTarget failed: boom/);
  });

  it('a listener removed with its unsubscribe gets no more events', async () => {
    const { pipe, fromBrowser } = bare();
    const seen: string[] = [];
    const off = pipe.onEvent((e) => seen.push(e.method));
    fromBrowser.write('{"method":"A","params":{}}\0');
    await FakeBrowser.settle();
    off();
    fromBrowser.write('{"method":"B","params":{}}\0');
    await FakeBrowser.settle();
    assert.deepEqual(seen, ['A']);
  });
});
