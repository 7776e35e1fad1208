import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AdaptiveLimiter } from '../../../../src/core/sso/limiter';

/** A portal throttle as IAM Identity Center's (and the double's): a token bucket of `rps` per second, `burst` deep. */
function bucket(now: () => number, rps: number, burst = 1): () => 'ok' | 'throttled' {
  let tokens = burst;
  let at = now();
  return () => {
    tokens = Math.min(burst, tokens + ((now() - at) / 1000) * rps);
    at = now();
    if (tokens < 1) return 'throttled';
    tokens -= 1;
    return 'ok';
  };
}

describe('AdaptiveLimiter (portal pacing)', () => {
  it('grows while calls succeed, backs off once per congestion event on 429s, and caps calls in flight', async () => {
    const limiter = new AdaptiveLimiter({ initialRate: 100, maxConcurrency: 4 });
    for (let i = 0; i < 20; i++) {
      await limiter.acquire();
      limiter.release('ok', { latencyMs: 5 });
    }
    const grown = limiter.stats().rate;
    assert.ok(grown > 100, `slow start grows the rate (${grown})`);
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    limiter.release('throttled');
    limiter.release('throttled');
    const after = limiter.stats().rate;
    assert.ok(after <= grown * 0.8 + 1e-9, `two 429s cut the rate (${grown} → ${after})`);
    limiter.release('throttled'); // the same congestion event: no second cut
    assert.equal(limiter.stats().rate, after);
    assert.equal(limiter.stats().decreases, 1);
    assert.equal(limiter.stats().throttled, 3);

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
    await limiter.acquire(); // the next waits about a second
    const abort = new AbortController();
    const waiting = limiter.acquire({ signal: abort.signal });
    abort.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    limiter.release('ok');
    assert.equal(limiter.stats().inFlight, 0);
  });

  describe('after idle time, on a clock of its own', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] })));
    afterEach(() => clock.restore());

    /** One call: waits for its start (the fake clock moving), `latencyMs` on the wire, then the portal's answer. */
    async function call(limiter: AdaptiveLimiter, answer: () => 'ok' | 'throttled', latencyMs = 25): Promise<'ok' | 'throttled'> {
      let started = false;
      const go = limiter.acquire().then(() => (started = true));
      while (!started) await clock.tickAsync(1);
      await go;
      const outcome = answer();
      await clock.tickAsync(latencyMs);
      limiter.release(outcome, { latencyMs });
      return outcome;
    }

    it('a new busy period starts one call at a time: no burst of two for the time it was idle', async () => {
      const limiter = new AdaptiveLimiter({ initialRate: 10 });
      await call(limiter, () => 'ok');
      await clock.tickAsync(60_000);
      await limiter.acquire();
      let second = false;
      const next = limiter.acquire().then(() => (second = true));
      await clock.tickAsync(50);
      assert.equal(second, false, 'the second start of the busy period waits for the pace (100 ms at 10/s)');
      await clock.tickAsync(60);
      assert.equal(second, true);
      await next;
      limiter.release('ok');
      limiter.release('ok');
    });

    it('429s at the start of a busy period cut the learnt rate once, not down to what a mostly idle second accepted', async () => {
      const limiter = new AdaptiveLimiter({ initialRate: 20 });
      for (let i = 0; i < 10; i++) await call(limiter, () => 'ok');
      const learnt = limiter.stats().rate;
      await clock.tickAsync(30_000);
      await call(limiter, () => 'ok');
      await call(limiter, () => 'throttled');
      await call(limiter, () => 'throttled');
      assert.ok(limiter.stats().rate >= learnt * 0.8, `the rate after the 429 (${limiter.stats().rate}) ≥ 80 % of ${learnt}`);
      assert.equal(limiter.stats().decreases, 1);
    });

    it('CUBIC growth does not count idle time: an hour later the rate resumes near where it was, not at the maximum', async () => {
      const limiter = new AdaptiveLimiter({ initialRate: 20 });
      await call(limiter, () => 'ok');
      await call(limiter, () => 'throttled');
      await call(limiter, () => 'throttled');
      assert.equal(limiter.stats().decreases, 1);
      const cut = limiter.stats().rate;
      for (let i = 0; i < 5; i++) await call(limiter, () => 'ok');
      const before = limiter.stats().rate;
      await clock.tickAsync(3_600_000);
      await call(limiter, () => 'ok');
      const after = limiter.stats().rate;
      assert.ok(after < 21, `an hour idle moved the rate from ${before} to ${after} (cut to ${cut} from 20)`);
    });

    it('against a 20/s throttle of burst 1, the climb’s first congestion cuts to what the busy period accepted, not to a burst’s one success', async () => {
      const limiter = new AdaptiveLimiter({ initialRate: 10 });
      const answer = bucket(Date.now, 20);
      let rateAtThrottle = 0;
      for (let i = 0; i < 100 && limiter.stats().decreases === 0; i++) {
        rateAtThrottle = limiter.stats().rate;
        await call(limiter, answer);
      }
      assert.equal(limiter.stats().decreases, 1, 'the climb reached the throttle');
      const after = limiter.stats().rate;
      // 80 % of what the climb's last second accepted (~16/s); not 80 % of the one call a second accepted
      // when two calls left at once after idle (0.8/s).
      assert.ok(after >= 0.5 * rateAtThrottle, `cut from ${rateAtThrottle} to ${after}`);
    });

    it('an answer that took seconds (a stalled machine or portal) raises the rate one step, however far CUBIC’s clock ran', async () => {
      const limiter = new AdaptiveLimiter({ initialRate: 20 });
      await call(limiter, () => 'ok');
      await call(limiter, () => 'throttled');
      await call(limiter, () => 'throttled');
      const cut = limiter.stats().rate;
      const waiting = limiter.acquire(); // queued behind the stalled call: the limiter is busy, not idle
      await call(limiter, () => 'ok', 10_000);
      assert.ok(limiter.stats().rate <= cut + 1, `${cut} → ${limiter.stats().rate}`);
      await clock.tickAsync(1000);
      await waiting;
      limiter.release('ok');
    });

    it('a lone 429 among successes (two calls that arrived close together) is retried at the pace without cutting the rate', async () => {
      const limiter = new AdaptiveLimiter({ initialRate: 15 });
      for (let i = 0; i < 20; i++) await call(limiter, () => 'ok');
      const before = limiter.stats().rate;
      await call(limiter, () => 'throttled');
      assert.equal(limiter.stats().decreases, 0);
      assert.ok(limiter.stats().rate >= before, `${before} → ${limiter.stats().rate}`);
      for (let i = 0; i < 9; i++) await call(limiter, () => 'ok');
      await call(limiter, () => 'throttled');
      assert.equal(limiter.stats().decreases, 0, 'ten answers apart: two lone ones');
      await call(limiter, () => 'ok');
      await call(limiter, () => 'throttled');
      assert.equal(limiter.stats().decreases, 1, 'two within ten answers: congestion');
    });
  });
});
