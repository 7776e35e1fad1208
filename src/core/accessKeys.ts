/**
 * Access keys of IAM User sessions, for the editor and the CLI: Rotate Access Key by session name, and the age
 * reminder (`awsSessions.accessKeyMaxAgeDays`): each session's key age from iam:ListAccessKeys, asked at most once a
 * day per session and only when someone asks (activation), never on a timer.
 */
import { canRotateAccessKey, rotateAccessKey, type RotationResult } from './accessKeyRotation';
import type { IamGateway } from './aws/iam';
import type { StsGateway } from './aws/sts';
import { SessionError } from './errors';
import { t } from './l10n';
import { readLongTermKey } from './longTermKeys';
import type { Session } from './model';
import type { Clock, Logger, SecretVault, StateStore } from './ports';
import { sessionByRef } from './sessionLookup';

const DAY_MS = 24 * 60 * 60 * 1000;

/** When each session's key age was last asked (epoch ms); the editor keeps it in its global state. */
export interface CheckTimes {
  get(sessionId: string): number | undefined;
  set(sessionId: string, atMs: number): Promise<void>;
}

export interface AgedKey {
  sessionId: string;
  alias: string;
  accessKeyId: string;
  ageDays: number;
}

export interface AccessKeysDeps {
  state: StateStore;
  secrets: SecretVault;
  iam: IamGateway;
  sts: StsGateway;
  clock: Clock;
  logger: Logger;
  checks: CheckTimes;
  verifyDelayMs?: number;
}

export class AccessKeys {
  constructor(private readonly deps: AccessKeysDeps) {}

  /** The session by id or alias, if its type has a key to rotate. */
  async rotatable(ref: string): Promise<Session> {
    const session = sessionByRef(await this.deps.state.read(), ref);
    if (!session) throw new SessionError(ref, t('no such session.'), t('See the sessions with: aws-sessions list'));
    return session;
  }

  async rotate(ref: string, onStep?: (step: string) => void): Promise<RotationResult & { alias: string }> {
    const session = await this.rotatable(ref);
    const result = await rotateAccessKey(session, { ...this.deps, onStep });
    await this.deps.checks.set(session.id, this.deps.clock.now());
    return { ...result, alias: session.alias };
  }

  /**
   * Keys older than `maxAgeDays` (0: off). Sessions asked less than a day ago are skipped; a failed ask is logged
   * and asked again the next day.
   */
  async staleKeys(maxAgeDays: number): Promise<AgedKey[]> {
    if (!(maxAgeDays > 0)) return [];
    const now = this.deps.clock.now();
    const stale: AgedKey[] = [];
    for (const session of (await this.deps.state.read()).sessions) {
      if (!canRotateAccessKey(session)) continue;
      const last = this.deps.checks.get(session.id);
      if (last !== undefined && now - last < DAY_MS && last <= now) continue;
      await this.deps.checks.set(session.id, now);
      const key = await readLongTermKey(this.deps.secrets, session.id);
      if (!key) continue;
      try {
        const keys = await this.deps.iam.listAccessKeys({ credentials: key, region: session.region });
        const created = keys.find((k) => k.accessKeyId === key.accessKeyId)?.created;
        if (!created) continue;
        const ageDays = Math.floor((now - created.getTime()) / DAY_MS);
        if (ageDays > maxAgeDays) stale.push({ sessionId: session.id, alias: session.alias, accessKeyId: key.accessKeyId, ageDays });
      } catch (error) {
        this.deps.logger.warn(`Session "${session.alias}": could not read the age of its access key (${error instanceof Error ? error.message : String(error)}); asking again tomorrow.`);
      }
    }
    return stale;
  }
}

/** The reminder's words for one key. */
export function agedKeyMessage(key: AgedKey, maxAgeDays: number): string {
  return t('Session "{0}": its access key {1} is {2} days old (the reminder is set to {3} days in awsSessions.accessKeyMaxAgeDays). Rotate it to replace it with a new key.', key.alias, key.accessKeyId, key.ageDays, maxAgeDays);
}
