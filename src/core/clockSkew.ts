/**
 * How far this machine's clock is from AWS's, measured from the `Date` header of AWS's answers (the
 * doctor's check and every STS call use the same thresholds and words). Credentials carry their expiry in
 * AWS's time; `toLocal` converts it to this machine's time, so rotation, the tree, the status bar and
 * credential_process follow the lifetime AWS sees even when the local clock is hours off.
 */
import type { Clock, Logger } from './ports';
import { t } from './l10n';

/** Beyond this the doctor warns that the clock drifts. */
export const SKEW_WARN_MS = 60_000;
/** Beyond this AWS refuses signatures of tools that do not correct the clock; the user is told. */
export const SKEW_ERROR_MS = 300_000;
/** The `Date` header has one-second resolution and the answer travels: below this, no measurable skew. */
const SKEW_NOISE_MS = 2_000;

export type SkewSeverity = 'ok' | 'warning' | 'error';

/** Local time minus AWS's time, in ms, from the `Date` header of an answer received at `localNow`. */
export function measureSkew(awsDate: Date, localNow: number): number {
  return localNow - awsDate.getTime();
}

export function skewSeverity(skewMs: number): SkewSeverity {
  const size = Math.abs(skewMs);
  return size >= SKEW_ERROR_MS ? 'error' : size >= SKEW_WARN_MS ? 'warning' : 'ok';
}

/** "This machine's clock is 7200 s ahead of STS (2 h 0 min)." */
export function describeSkew(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const minutes = Math.floor(seconds / 60);
  const human = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  const extra = seconds >= 120 ? ` (${human})` : '';
  return skewMs >= 0 ? t('This machine\'s clock is {0} s ahead of STS{1}.', seconds, extra) : t('This machine\'s clock is {0} s behind STS{1}.', seconds, extra);
}

export interface ClockSkewDeps {
  clock: Clock;
  logger?: Logger;
  /** Tell the user (once, when the skew first exceeds SKEW_ERROR_MS). */
  notify?(message: string): void;
}

/** The last measured skew, shared by every AWS client of this process. */
export class ClockSkew {
  private offsetMs = 0;
  private measured = false;
  private told = false;

  constructor(private readonly deps: ClockSkewDeps) {}

  get clock(): Clock {
    return this.deps.clock;
  }

  /** Local time minus AWS's time (0 until measured, or when within the header's resolution). */
  get skewMs(): number {
    return this.offsetMs;
  }

  /** Whether an answer from AWS has been seen. */
  get known(): boolean {
    return this.measured;
  }

  /** Record the `Date` header of an answer from AWS (any status), received now. */
  observe(dateHeader: string | undefined): void {
    const date = dateHeader ? new Date(dateHeader) : undefined;
    if (!date || Number.isNaN(date.getTime())) return;
    const skew = measureSkew(date, this.deps.clock.now());
    const previous = this.offsetMs;
    this.offsetMs = Math.abs(skew) < SKEW_NOISE_MS ? 0 : skew;
    this.measured = true;
    if (Math.abs(this.offsetMs - previous) >= SKEW_WARN_MS) this.deps.logger?.info(`Clock: ${describeSkew(this.offsetMs)} Credential expiry times are converted to this machine's time.`);
    const severity = skewSeverity(skew);
    if (severity === 'error' && !this.told) {
      this.told = true;
      const message = t('{0} Refreshes follow AWS\'s time, but the AWS CLI and other tools may fail with "Signature expired" and show wrong expiry times. Sync this machine\'s clock (NTP).', describeSkew(skew));
      this.deps.logger?.warn(`Clock: ${message}`);
      this.deps.notify?.(message);
    } else if (severity === 'ok' && this.told) {
      this.told = false;
      this.deps.logger?.info(`Clock: back in sync with STS. ${describeSkew(skew)}`);
    }
  }

  /** An instant in AWS's time as this machine's clock shows it. */
  toLocal(awsTime: Date): Date {
    return new Date(awsTime.getTime() + this.offsetMs);
  }

  /** AWS's time now, as far as measured. */
  awsNow(): number {
    return this.deps.clock.now() - this.offsetMs;
  }
}
