/** How much of the session list a lookup walks: a frozen snapshot whose list counts each element read. */
import type { PersistedState } from '../../../src/core/model';
import { deepFreeze } from '../../../src/core/stateStore';

export interface CountingSnapshot {
  snapshot: PersistedState;
  reads(): number;
  reset(): void;
}

export function countingSnapshot(state: PersistedState): CountingSnapshot {
  deepFreeze(state);
  let reads = 0;
  const sessions = new Proxy(state.sessions, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { snapshot: { ...state, sessions }, reads: () => reads, reset: () => (reads = 0) };
}
