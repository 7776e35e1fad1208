/** The assumer graph of chained sessions: every chain must end at a session that exists, without a cycle. */
import type { Session } from '../model';
import { sessionType } from './registry';

/**
 * What is wrong with `candidate`'s chain of assumers among `sessions` (the candidate replaces the
 * stored session of the same id), or undefined when the chain is sound.
 */
export function assumerChainProblem(sessions: readonly Session[], candidate: Session): string | undefined {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  byId.set(candidate.id, candidate);
  const path: Session[] = [candidate];
  let current: Session = candidate;
  for (;;) {
    const next = sessionType(current.kind).dependsOn?.(current);
    if (next === undefined) return undefined;
    const found = byId.get(next);
    if (!found) {
      return current.id === candidate.id
        ? 'its assumer session no longer exists (it was deleted)'
        : `its chain is broken: "${current.alias}" needs an assumer session that no longer exists`;
    }
    if (path.some((s) => s.id === found.id)) {
      const names = [...path, found].map((s) => `"${s.alias}"`).join(' → ');
      return `its assumer sessions form a cycle (${names}); a chain must end at a session with its own credentials`;
    }
    path.push(found);
    current = found;
  }
}

/** The sessions whose chain of assumers passes through `id` (they need it to start), nearest first. */
export function dependentsOf(sessions: readonly Session[], id: string): Session[] {
  const found: Session[] = [];
  const reached = new Set([id]);
  for (let i = -1; i < found.length; i++) {
    const through = i < 0 ? id : found[i].id;
    for (const s of sessions) {
      if (!reached.has(s.id) && sessionType(s.kind).dependsOn?.(s) === through) {
        reached.add(s.id);
        found.push(s);
      }
    }
  }
  return found;
}
