import assert from 'node:assert/strict';
import { AdaptiveLimiter } from '../../../../src/core/sso/limiter';

describe('AdaptiveLimiter (portal pacing)', () => {
  it('grows while calls succeed, backs off once per congestion event on 429, and caps calls in flight', async () => {
    const limiter = new AdaptiveLimiter({ initialRate: 100, maxConcurrency: 4 });
    for (let i = 0; i < 20; i++) {
      await limiter.acquire();
      limiter.release('ok', { latencyMs: 5 });
    }
    const grown = limiter.stats().rate;
    assert.ok(grown > 100, `slow start grows the rate (${grown})`);
    await limiter.acquire();
    await limiter.acquire();
    limiter.release('throttled');
    const after = limiter.stats().rate;
    assert.ok(after <= grown * 0.8 + 1e-9, `a 429 cuts the rate (${grown} → ${after})`);
    limiter.release('throttled'); // the same congestion event: no second cut
    assert.equal(limiter.stats().rate, after);
    assert.equal(limiter.stats().decreases, 1);
    assert.equal(limiter.stats().throttled, 2);

    const held: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) held.push(limiter.acquire());
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(limiter.stats().inFlight <= 4, `in flight ${limiter.stats().inFlight} ≤ the cap`);
    for (let i = 0; i < 10; i++) limiter.release('ok', { latencyMs: 5 });
    await Promise.all(held);
    while (limiter.stats().inFlight > 0) limiter.release('ok');
  });

  it('honours Retry-After: no call starts before it has passed', async () => {
    const limiter = new AdaptiveLimiter({ initialRate: 1000 });
    await limiter.acquire();
    limiter.release('throttled', { retryAfterMs: 400 });
    const started = Date.now();
    await limiter.acquire();
    assert.ok(Date.now() - started >= 380, `waited ${Date.now() - started} ms`);
    limiter.release('ok');
  });

  it('a cancelled wait leaves the queue', async () => {
    const limiter = new AdaptiveLimiter({ initialRate: 1, maxConcurrency: 2 });
    await limiter.acquire();
    await limiter.acquire(); // one interval of catch-up after idle; the next waits about a second
    const abort = new AbortController();
    const waiting = limiter.acquire({ signal: abort.signal });
    abort.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    limiter.release('ok');
    limiter.release('ok');
    assert.equal(limiter.stats().inFlight, 0);
  });
});
