/**
 * Adaptive pacing for the IAM Identity Center portal, which answers 429 TooManyRequestsException
 * above an undisclosed rate. Two knobs adapt together:
 * - the start rate (requests/s): grows while calls succeed (fast at first, then CUBIC-like growth
 *   back towards and past the rate of the last 429), and drops to 80 % of what the portal accepted
 *   over the last second of the busy period when 429s arrive (once per congestion event, not per 429). A lone 429 among successes is
 *   not one: two calls that left in turn but arrived close together (a delay on this machine or the
 *   way) meet a bucket of burst 1 even well below its rate; the call is retried at the pace, and the
 *   rate drops when a second 429 comes within the last {@link CONGESTION_SAMPLE} answers;
 * - the concurrency cap: calls in flight are kept near rate × latency (Little's law) plus headroom,
 *   so it grows with the rate and shrinks with it.
 * A Retry-After pauses every start until it has passed. High-priority waiters (the next page of the
 * account list, which feeds the rest) go first.
 *
 * Idle time (the pace had nothing to start) is nobody's evidence: a new busy period starts one call at a time
 * at the learnt rate (no burst of two for the time it was idle), CUBIC's clock stands still while idle (a
 * window that slept an hour does not come back at hundreds of calls/s), and the accepted rate a 429 is measured
 * against is that of the current busy period only (not a second that was mostly idle).
 */

export interface LimiterOptions {
  initialRate?: number;
  minRate?: number;
  maxRate?: number;
  maxConcurrency?: number;
  now?: () => number;
}

export interface LimiterStats {
  rate: number;
  concurrency: number;
  inFlight: number;
  throttled: number;
  decreases: number;
  peakRate: number;
}

interface Waiter {
  /** When it began to wait. */
  queuedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const BETA = 0.8;
const CUBIC_C = 0.4;
/** The most one success raises the rate by in CUBIC growth (requests/s). */
const MAX_STEP = 1;
const WINDOW_MS = 1000;
/** Answers looked at for congestion: two 429s among them are one; one alone is a jittered arrival. */
export const CONGESTION_SAMPLE = 10;

export class AdaptiveLimiter {
  private rate: number;
  private readonly minRate: number;
  private readonly maxRate: number;
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private inFlight = 0;
  private nextStartAt = 0;
  private pausedUntil = 0;
  private readonly high: Waiter[] = [];
  private readonly low: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;
  /** Set by the first 429: growth is then CUBIC around rMax instead of slow start. */
  private rMax: number | undefined;
  private lastDecreaseAt = -Infinity;
  /** Where CUBIC's clock starts: the last decrease, moved on by the idle time since. */
  private epochAt = -Infinity;
  private latencyMs = 100;
  /** When the current busy period began. */
  private busySince = -Infinity;
  /** Success times of the current busy period within WINDOW_MS. */
  private readonly successTimes: number[] = [];
  /** The last answers since the last decrease or idle spell: true for a 429. */
  private readonly answers: boolean[] = [];
  private readonly counters = { throttled: 0, decreases: 0, peakRate: 0 };

  constructor(options: LimiterOptions = {}) {
    this.rate = options.initialRate ?? 10;
    this.minRate = options.minRate ?? 0.5;
    this.maxRate = options.maxRate ?? 1000;
    this.maxConcurrency = options.maxConcurrency ?? 32;
    this.now = options.now ?? Date.now;
    this.counters.peakRate = this.rate;
  }

  stats(): LimiterStats {
    return { rate: this.rate, concurrency: this.concurrency(), inFlight: this.inFlight, ...this.counters };
  }

  /** Calls allowed in flight: rate × latency with 50 % headroom, at least 2. */
  private concurrency(): number {
    return Math.max(2, Math.min(this.maxConcurrency, Math.ceil((this.rate * this.latencyMs * 1.5) / 1000) + 1));
  }

  /** Wait for a slot. Every acquire must be followed by exactly one release. */
  acquire(options: { priority?: 'high' | 'normal'; signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { queuedAt: this.now(), resolve, reject, signal: options.signal };
      const queue = options.priority === 'high' ? this.high : this.low;
      if (options.signal) {
        waiter.onAbort = () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(options.signal!.reason);
        };
        options.signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queue.push(waiter);
      this.pump();
    });
  }

  /**
   * Report how the call went. `latencyMs` is its round trip; `retryAfterMs` the 429's Retry-After.
   */
  release(outcome: 'ok' | 'throttled' | 'error', info: { latencyMs?: number; retryAfterMs?: number } = {}): void {
    this.inFlight -= 1;
    const now = this.now();
    if (info.latencyMs !== undefined && outcome === 'ok') this.latencyMs = this.latencyMs * 0.8 + info.latencyMs * 0.2;
    if (outcome !== 'error') {
      this.answers.push(outcome === 'throttled');
      if (this.answers.length > CONGESTION_SAMPLE) this.answers.shift();
    }
    if (outcome === 'ok') {
      this.successTimes.push(now);
      while (this.successTimes.length > 0 && this.successTimes[0] < now - WINDOW_MS) this.successTimes.shift();
      this.grow(now);
    } else if (outcome === 'throttled') {
      this.counters.throttled += 1;
      if (info.retryAfterMs !== undefined && info.retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + info.retryAfterMs);
      const congested = this.answers.filter(Boolean).length >= 2;
      // One decrease per congestion event: 429s of calls started before the last decrease are its echo.
      if (congested && now - this.lastDecreaseAt > Math.max(2 * this.latencyMs, 250)) {
        this.answers.length = 0;
        this.rMax = Math.min(this.rate, this.acceptedRate(now));
        this.rate = Math.max(this.minRate, this.rMax * BETA);
        this.lastDecreaseAt = now;
        this.epochAt = now;
        this.counters.decreases += 1;
        // Do not keep the old schedule: start the next call at the new pace.
        this.nextStartAt = Math.max(this.nextStartAt, now + 1000 / this.rate);
      }
    }
    this.pump();
  }

  /**
   * What the portal accepted lately: successes over the last window of this busy period. A busy period shorter
   * than three intervals tells nothing (it has just begun): the limiter's own rate.
   */
  private acceptedRate(now: number): number {
    while (this.successTimes.length > 0 && this.successTimes[0] < now - WINDOW_MS) this.successTimes.shift();
    const span = Math.min(WINDOW_MS, now - this.busySince);
    if (span < 3000 / this.rate || this.successTimes.length === 0) return this.rate;
    return (this.successTimes.length * 1000) / span;
  }

  private grow(now: number): void {
    if (this.rMax === undefined) {
      // Slow start: +0.5 req/s per success, so the rate roughly doubles every second early on
      // without overshooting a small portal quota by much.
      this.rate = Math.min(this.maxRate, this.rate + 0.5);
    } else {
      const t = (now - this.epochAt) / 1000;
      const k = Math.cbrt((this.rMax * (1 - BETA)) / CUBIC_C);
      const target = this.rMax + CUBIC_C * (t - k) ** 3;
      // One success is worth one step at most (as in slow start, about a doubling a second): seconds without
      // an answer (a machine or a portal that stalled) are no evidence that many times the rate would pass.
      this.rate = Math.min(this.maxRate, this.rate + MAX_STEP, Math.max(this.rate, this.minRate, target));
    }
    this.counters.peakRate = Math.max(this.counters.peakRate, this.rate);
  }

  private pump(): void {
    for (;;) {
      const queue = this.high.length > 0 ? this.high : this.low;
      if (queue.length === 0 || this.inFlight >= this.concurrency()) return;
      const now = this.now();
      const startAt = Math.max(this.nextStartAt, this.pausedUntil);
      if (startAt > now) {
        this.schedule(startAt - now);
        return;
      }
      const waiter = queue.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.inFlight += 1;
      const interval = 1000 / this.rate;
      // How long the pace had nothing to start (not a timer late on a busy machine: its waiter was there).
      const idle = waiter.queuedAt - this.nextStartAt;
      if (idle > interval && this.inFlight === 1) {
        // Idle for over an interval: a new busy period, at the learnt rate from now on.
        this.busySince = now;
        this.successTimes.length = 0;
        this.answers.length = 0;
        if (this.rMax !== undefined) this.epochAt += idle;
        this.nextStartAt = now + interval;
      } else {
        // Busy: a start late by a timer's delay is caught up on, one interval at most.
        this.nextStartAt = Math.max(this.nextStartAt, now - interval) + interval;
      }
      waiter.resolve();
    }
  }

  private schedule(delayMs: number): void {
    const at = this.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, Math.ceil(delayMs)));
  }
}
