/**
 * One IdP sign-in for every session behind the same sign-in URL: sessions started together wait for one
 * browser round trip, and a later start reuses the assertion while it stays valid (its NotOnOrAfter, less a
 * margin for the AssumeRoleWithSAML call). The assertion is a bearer credential for those few minutes, so
 * it stays in this process's memory only. What each sign-in offered (the Role/Provider pairs, not secret)
 * is kept per URL, so the editor can offer sessions for the roles that have none yet.
 */
import type { Clock } from '../ports';
import type { RolePair } from './assertion';
import { samlAssertion } from './lazyAssertion';
import type { SamlCapture, SamlCaptureRequest } from './capture';

/** An assertion is not handed out when it has less than this left. */
const REUSE_MARGIN_MS = 60_000;

interface Held {
  assertion: string;
  validUntilMs: number;
}

/** The URL as the same sign-in page: without a fragment or trailing slashes. */
const keyOf = (idpUrl: string) => idpUrl.trim().replace(/#.*$/, '').replace(/\/+$/, '');

export class SharedSamlCapture implements SamlCapture {
  private readonly held = new Map<string, Held>();
  private readonly flights = new Map<string, Promise<string>>();
  private readonly offered = new Map<string, RolePair[]>();

  constructor(
    private readonly inner: SamlCapture,
    private readonly clock: Clock,
  ) {}

  get signInUrls(): readonly string[] {
    return this.inner.signInUrls;
  }

  capture(request: SamlCaptureRequest): Promise<string> {
    const key = keyOf(request.idpUrl);
    const held = this.held.get(key);
    if (held && held.validUntilMs - this.clock.now() > REUSE_MARGIN_MS) return Promise.resolve(held.assertion);
    this.held.delete(key);
    const running = this.flights.get(key);
    if (running) return running;
    const flight = this.inner
      .capture(request)
      .then((assertion) => {
        this.remember(key, assertion);
        return assertion;
      })
      .finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }

  /** The Role/Provider pairs the last sign-in at this URL offered (empty before one). */
  offeredRoles(idpUrl: string): readonly RolePair[] {
    return this.offered.get(keyOf(idpUrl)) ?? [];
  }

  /** Forget the held assertions (e.g. the window closes; AWS refused one). */
  forget(idpUrl?: string): void {
    if (idpUrl === undefined) this.held.clear();
    else this.held.delete(keyOf(idpUrl));
  }

  private remember(key: string, assertion: string): void {
    const analysis = samlAssertion().analyzeSamlResponse(assertion, { nowMs: this.clock.now(), signInUrls: this.inner.signInUrls });
    this.offered.set(key, analysis.rolePairs);
    const until = analysis.notOnOrAfter ? Date.parse(analysis.notOnOrAfter) : NaN;
    if (Number.isFinite(until)) this.held.set(key, { assertion, validUntilMs: until });
  }
}
