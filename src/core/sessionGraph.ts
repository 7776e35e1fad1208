/** The assumer graph of chained sessions: every chain must end at a session that exists, without a cycle. */
import type { Session } from './model';
import { sessionType } from './sessions/registry';
import { t } from './l10n';

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
        ? t('its assumer session no longer exists (it was deleted)')
        : t('its chain is broken: "{0}" needs an assumer session that no longer exists', current.alias);
    }
    if (path.some((s) => s.id === found.id)) {
      const names = [...path, found].map((s) => `"${s.alias}"`).join(' → ');
      return t('its assumer sessions form a cycle ({0}); a chain must end at a session with its own credentials', names);
    }
    path.push(found);
    current = found;
  }
}

/**
 * The sessions whose chain of assumers passes through `ids` (one id, or several being removed together):
 * they need it to start. Nearest first; the given sessions themselves are never listed.
 */
export function dependentsOf(sessions: readonly Session[], ids: string | ReadonlySet<string>): Session[] {
  const reached = new Set(typeof ids === 'string' ? [ids] : ids);
  const found: Session[] = [];
  for (let frontier = [...reached]; frontier.length > 0; ) {
    const next: Session[] = sessions.filter((s) => !reached.has(s.id) && frontier.includes(sessionType(s.kind).dependsOn?.(s) ?? ''));
    for (const s of next) reached.add(s.id);
    found.push(...next);
    frontier = next.map((s) => s.id);
  }
  return found;
}
