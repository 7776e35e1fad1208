/**
 * Adaptive pacing for the IAM Identity Center portal, which answers 429 TooManyRequestsException
 * above an undisclosed rate. Two knobs adapt together:
 * - the start rate (requests/s): grows while calls succeed (fast at first, then CUBIC-like growth
 *   back towards and past the rate of the last 429), and drops to 80 % of what the portal actually
 *   accepted over the last second when a 429 arrives (once per congestion event, not per 429);
 * - the concurrency cap: calls in flight are kept near rate × latency (Little's law) plus headroom,
 *   so it grows with the rate and shrinks with it.
 * A Retry-After pauses every start until it has passed. High-priority waiters (the next page of the
 * account list, which feeds the rest) go first.
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
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const BETA = 0.8;
const CUBIC_C = 0.4;
const WINDOW_MS = 1000;

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
  private latencyMs = 100;
  private readonly successTimes: number[] = [];
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
      const waiter: Waiter = { resolve, reject, signal: options.signal };
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
    if (outcome === 'ok') {
      this.successTimes.push(now);
      while (this.successTimes.length > 0 && this.successTimes[0] < now - WINDOW_MS) this.successTimes.shift();
      this.grow(now);
    } else if (outcome === 'throttled') {
      this.counters.throttled += 1;
      if (info.retryAfterMs !== undefined && info.retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + info.retryAfterMs);
      // One decrease per congestion event: 429s of calls started before the last decrease are its echo.
      if (now - this.lastDecreaseAt > Math.max(2 * this.latencyMs, 250)) {
        while (this.successTimes.length > 0 && this.successTimes[0] < now - WINDOW_MS) this.successTimes.shift();
        const accepted = this.successTimes.length * (1000 / WINDOW_MS);
        this.rMax = accepted > 0 ? Math.min(this.rate, accepted) : this.rate;
        this.rate = Math.max(this.minRate, this.rMax * BETA);
        this.lastDecreaseAt = now;
        this.counters.decreases += 1;
        // Do not keep the old schedule: start the next call at the new pace.
        this.nextStartAt = Math.max(this.nextStartAt, now + 1000 / this.rate);
      }
    }
    this.pump();
  }

  private grow(now: number): void {
    if (this.rMax === undefined) {
      // Slow start: +0.5 req/s per success, so the rate roughly doubles every second early on
      // without overshooting a small portal quota by much.
      this.rate = Math.min(this.maxRate, this.rate + 0.5);
    } else {
      const t = (now - this.lastDecreaseAt) / 1000;
      const k = Math.cbrt((this.rMax * (1 - BETA)) / CUBIC_C);
      const target = this.rMax + CUBIC_C * (t - k) ** 3;
      this.rate = Math.min(this.maxRate, Math.max(this.rate, Math.max(this.minRate, target)));
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
      // No credit for idle time: at most one interval of catch-up.
      this.nextStartAt = Math.max(this.nextStartAt, now - 1000 / this.rate) + 1000 / this.rate;
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
