/** A state of `count` sessions for the benchmarks: 50 profiles, one session in 100 active, 10 pinned. */
import type { PersistedState, Session } from '../src/core/model';
import { REGIONS } from '../src/core/regions';

export function makeState(count: number, now = Date.now()): PersistedState {
  const profiles = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, name: i === 0 ? 'default' : `team-${i}` }));
  const sessions: Session[] = Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    kind: 'iamUser',
    alias: `account-${String(i).padStart(4, '0')}-${['admin', 'reader', 'deploy'][i % 3]}`,
    profileId: profiles[i % profiles.length].id,
    region: REGIONS[i % REGIONS.length].code,
    mfaSerial: i % 2 ? `arn:aws:iam::${String(100000000000 + i)}:mfa/user${i}` : undefined,
  }));
  const active: PersistedState['active'] = {};
  for (let i = 0; i < count; i += 100) active[sessions[i].id] = { sessionId: sessions[i].id, status: 'active', expiration: new Date(now + 3600_000).toISOString() };
  return { version: 1, profiles, sessions, active, pinned: sessions.slice(0, 10).map((s) => s.id), lastUsed: {} };
}
