/** DisposableOwner: children go with their owner, the last registered first, and none is left behind. */
import assert from 'node:assert/strict';
import { DisposableOwner, disposeAll, toDisposable } from '../../../src/core/disposables';

class Owner extends DisposableOwner {
  own(name: string, log: string[], fail = false) {
    return this.register(
      toDisposable(() => {
        log.push(name);
        if (fail) throw new Error(`${name} failed`);
      }),
    );
  }
}

describe('DisposableOwner', () => {
  it('disposes its children once, the last registered first', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.own('a', log);
    owner.own('b', log);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['b', 'a']);
  });

  it('disposes at once what is registered after it was disposed', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.dispose();
    owner.own('late', log);
    assert.deepEqual(log, ['late']);
  });

  it('a failing child does not keep the others alive; the failure is rethrown after', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.own('a', log);
    owner.own('bad', log, true);
    owner.own('c', log);
    assert.throws(() => owner.dispose(), /bad failed/);
    assert.deepEqual(log, ['c', 'bad', 'a']);
  });

  it('disposeAll empties the list and reports every failure', () => {
    const log: string[] = [];
    const items = [toDisposable(() => log.push('x')), toDisposable(() => { throw new Error('one'); }), toDisposable(() => { throw new Error('two'); })];
    assert.throws(() => disposeAll(items), (e: unknown) => e instanceof AggregateError && e.errors.length === 2);
    assert.equal(items.length, 0);
    assert.deepEqual(log, ['x']);
  });
});
