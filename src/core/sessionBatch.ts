/**
 * One action on many sessions at once (the tree's multi-selection, `aws-sessions start a b c`): start, stop,
 * move (profile and/or region), pin, delete. Shared by the editor and the CLI's handlers. Plain TypeScript.
 *
 * - Prompts come one at a time and at most once per thing the sessions share: before any start, the sign-in a
 *   group of sessions needs — an integration's IAM Identity Center login, the credentials of the session at the
 *   root of a chain (its MFA code, its IdP sign-in) — is got once, in turn; a group whose sign-in is refused or
 *   cancelled is not tried further (each of its sessions is reported with that cause).
 * - Sessions run `concurrency` at a time; sessions on one named profile run one after another (a start stops
 *   the other active session of its profile): the k-th session of each profile in round k. IAM Identity Center's
 *   GetRoleCredentials go through the portal's adaptive limiter, the one the sync uses, so a throttle is respected
 *   however many run.
 * - The starts of a round are one delivery group (deliveryBatch.ts): their credentials go to the AWS files in one
 *   write, and the state is written twice for all of them, however long apart their credentials came. A start that
 *   has handed its credentials to the group makes room for the next session to get its own.
 * - The result names each session's outcome; {@link batchSummary} turns it into one summary of what failed and why.
 */
import { CancelledError, UserFacingError, errorMessage } from './errors';
import type { PersistedState, Session } from './model';
import type { Logger, StateStore } from './ports';
import type { CredentialResolver } from './credentialResolver';
import type { DeliverySlot } from './deliveryBatch';
import type { SessionEditor } from './sessionEditor';
import type { SessionLifecycle } from './sessionLifecycle';
import { sessionType } from './sessions/registry';
import { integrationByRef, profileOf, sessionByRef } from './sessionLookup';
import { sessionSearchText } from './treeEntries';
import { filterTokens } from './treeFilter';
import { t, translated } from './l10n';

/** Sessions started (or moved) at once unless the caller says otherwise. */
export const DEFAULT_BATCH_CONCURRENCY = 8;

export type BatchAction =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'delete' }
  | { kind: 'pin'; pinned: boolean }
  /** One profile and/or region for all, or a profile per session id (`profiles`, e.g. from a name template). */
  | { kind: 'relocate'; profileName?: string; region?: string; profiles?: ReadonlyMap<string, string> };

export type BatchStatus = 'done' | 'unchanged' | 'failed' | 'cancelled';

export interface BatchOutcome {
  id: string;
  alias: string;
  status: BatchStatus;
  /** Why it failed or was not done, in words (failed, cancelled). */
  cause?: string;
  /** What to do about it. */
  fix?: string;
}

export interface BatchResult {
  action: BatchAction['kind'];
  outcomes: BatchOutcome[];
  /** The caller cancelled the batch (the sessions not yet begun are `cancelled`). */
  cancelled: boolean;
}

export interface BatchDeps {
  state: Pick<StateStore, 'read'>;
  lifecycle: Pick<SessionLifecycle, 'start' | 'stop' | 'deliveryGroup'>;
  editor: Pick<SessionEditor, 'delete' | 'setPinned' | 'relocate'>;
  resolver: Pick<CredentialResolver, 'credentials'>;
  /** Gets a valid login of an IAM Identity Center integration (asking the user when needed); absent: each start asks. */
  integrationLogin?: (integrationId: string, reason: string) => Promise<unknown>;
  logger: Logger;
}

export interface BatchOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** After each session: how many are finished, of how many, and the one just finished. */
  onProgress?: (done: number, total: number, outcome: BatchOutcome) => void;
  /**
   * A start's credentials are got and wait for its group's write (all of a round are written together, so without
   * this a progress would stand still until the write): how many so far, of how many, and whose.
   */
  onCredentials?: (got: number, total: number, session: { id: string; alias: string }) => void;
}

/** A sign-in several sessions share: got once before they start. */
interface SharedSignIn {
  key: string;
  label: string;
  acquire: () => Promise<unknown>;
}

/** The session at the end of the chain of assumers (itself when it needs none); cycles stop where they close. */
function rootOf(state: PersistedState, session: Session): Session {
  const seen = new Set<string>();
  let current = session;
  for (;;) {
    seen.add(current.id);
    const next = sessionType(current.kind).dependsOn?.(current);
    const assumer = next ? state.sessions.find((s) => s.id === next) : undefined;
    if (!assumer || seen.has(assumer.id)) return current;
    current = assumer;
  }
}

/**
 * What starting `session` asks the user for, shared with every session of the same root: an integration's
 * login, or the root session's credentials when getting them asks (an MFA code, an IdP sign-in). Undefined: asks nothing.
 */
function sharedSignIn(deps: BatchDeps, state: PersistedState, session: Session): SharedSignIn | undefined {
  const root = rootOf(state, session);
  const type = sessionType(root.kind);
  const integrationId = type.integrationOf?.(root);
  if (integrationId) {
    if (!deps.integrationLogin) return undefined;
    const alias = state.integrations?.find((i) => i.id === integrationId)?.alias ?? integrationId;
    return { key: `integration:${integrationId}`, label: t('the IAM Identity Center login of "{0}"', alias), acquire: () => deps.integrationLogin!(integrationId, t('Log in to start the selected sessions.')) };
  }
  if (!type.refreshAsksUser?.(root)) return undefined;
  return { key: `session:${root.id}`, label: t('the credentials of "{0}"', root.alias), acquire: () => deps.resolver.credentials(root.id) };
}

/** The message without the `Session "alias": ` the summary shows anyway, and the fix apart. */
function describeFailure(alias: string, error: unknown): { cause: string; fix?: string } {
  const message = error instanceof UserFacingError ? error.message : errorMessage(error);
  const prefix = `Session "${alias}": `;
  return { cause: message.startsWith(prefix) ? message.slice(prefix.length) : message, fix: error instanceof UserFacingError ? error.fix : undefined };
}

/** Whether the action changes anything for the session as it is now. */
function needed(action: BatchAction, state: PersistedState, session: Session): boolean {
  const active = state.active[session.id];
  switch (action.kind) {
    case 'start':
      return active?.status !== 'active';
    case 'stop':
      return !!active;
    case 'pin':
      return (state.pinned ?? []).includes(session.id) !== action.pinned;
    case 'delete':
      return true;
    case 'relocate': {
      const profile = action.profiles?.get(session.id) ?? action.profileName;
      return (profile !== undefined && profile !== profileOf(state, session).name) || (action.region !== undefined && action.region !== session.region);
    }
  }
}

/** Whether doing the action to the session may start it (so may ask the user). */
function mayStart(action: BatchAction, state: PersistedState, session: Session): boolean {
  return action.kind === 'start' || (action.kind === 'relocate' && state.active[session.id]?.status === 'active');
}

/** The profile the session delivers to once the action is done: sessions on one profile run one after another. */
function laneOf(action: BatchAction, state: PersistedState, session: Session): string {
  const target = action.kind === 'relocate' ? (action.profiles?.get(session.id) ?? action.profileName) : undefined;
  return target !== undefined ? `name:${target}` : `name:${profileOf(state, session).name}`;
}

/** Run the action on the sessions (ids, in order); never throws for one session's failure. */
export async function runBatch(deps: BatchDeps, ids: readonly string[], action: BatchAction, options: BatchOptions = {}): Promise<BatchResult> {
  const state = await deps.state.read();
  const unique = [...new Set(ids)];
  const outcomes = new Map<string, BatchOutcome>();
  const todo: Session[] = [];
  for (const id of unique) {
    const session = state.sessions.find((s) => s.id === id);
    if (!session) outcomes.set(id, { id, alias: id, status: 'failed', cause: t('it no longer exists'), fix: t('It may have been deleted in another window.') });
    else if (!needed(action, state, session)) outcomes.set(id, { id, alias: session.alias, status: 'unchanged' });
    else todo.push(session);
  }
  let finished = outcomes.size;
  const settle = (outcome: BatchOutcome) => {
    outcomes.set(outcome.id, outcome);
    options.onProgress?.(++finished, unique.length, outcome);
  };
  const refused = new Map<string, { cause: string; fix?: string; cancelled: boolean }>();

  // The sign-ins the sessions share, one after another (two prompts at once would replace each other).
  const signIns = new Map<string, SharedSignIn>();
  const signInOf = new Map<string, string>();
  for (const session of todo) {
    if (!mayStart(action, state, session)) continue;
    const shared = sharedSignIn(deps, state, session);
    if (!shared) continue;
    signIns.set(shared.key, shared);
    signInOf.set(session.id, shared.key);
  }
  for (const shared of signIns.values()) {
    if (options.signal?.aborted) break;
    try {
      await shared.acquire();
    } catch (error) {
      const cancelled = error instanceof CancelledError;
      const { cause, fix } = describeFailure('', error);
      deps.logger.warn(`Batch ${action.kind}: ${shared.label} failed (${cause}); its sessions are not tried.`);
      refused.set(shared.key, { cause: t('{0} failed: {1}', shared.label, cause), fix, cancelled });
    }
  }

  // Rounds: the k-th session of each profile in round k, so sessions on one profile run one after another.
  const rounds: Session[][] = [];
  const depth = new Map<string, number>();
  for (const session of todo) {
    const lane = laneOf(action, state, session);
    const k = depth.get(lane) ?? 0;
    depth.set(lane, k + 1);
    (rounds[k] ??= []).push(session);
  }
  const runOne = async (session: Session, slot: DeliverySlot | undefined): Promise<void> => {
    const base = { id: session.id, alias: session.alias };
    try {
      if (options.signal?.aborted) return settle({ ...base, status: 'cancelled', cause: t('the batch was cancelled before it began') });
      const refusal = refused.get(signInOf.get(session.id) ?? '');
      if (refusal) return settle({ ...base, status: refusal.cancelled ? 'cancelled' : 'failed', cause: refusal.cause, fix: refusal.fix });
      await act(deps, action, session, slot);
      settle({ ...base, status: 'done' });
    } catch (error) {
      const { cause, fix } = describeFailure(session.alias, error);
      deps.logger.warn(`Batch ${action.kind}: "${session.alias}" failed: ${cause}`);
      settle({ ...base, status: error instanceof CancelledError ? 'cancelled' : 'failed', cause, fix });
    } finally {
      slot?.release(); // the group waits for nothing more of it
    }
  };
  let got = 0;
  for (const round of rounds) {
    const slots: Array<DeliverySlot | undefined> = action.kind === 'start' ? deps.lifecycle.deliveryGroup(round.length) : round.map(() => undefined);
    // A slot that tells the progress when its credentials are handed to the group (before the group may be written).
    const told = (session: Session, slot: DeliverySlot | undefined): DeliverySlot | undefined =>
      slot && {
        ...slot,
        deliver: (item) => {
          options.onCredentials?.(++got, todo.length, { id: session.id, alias: session.alias });
          return slot.deliver(item);
        },
      };
    const queue = round.map((session, i) => ({ session, slot: told(session, slots[i]) }));
    const running: Promise<void>[] = [];
    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? DEFAULT_BATCH_CONCURRENCY, queue.length)) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const one = runOne(next.session, next.slot);
        running.push(one);
        // Its credentials handed to the group (or it ended): the next session gets its own meanwhile.
        await (next.slot ? Promise.race([one, next.slot.handedOver]) : one);
      }
    });
    await Promise.all(workers);
    await Promise.all(running);
  }
  const ordered = unique.map((id) => outcomes.get(id)!);
  const count = (s: BatchStatus) => ordered.filter((o) => o.status === s).length;
  deps.logger.info(`Batch ${action.kind} of ${ordered.length} session(s): ${count('done')} done, ${count('unchanged')} unchanged, ${count('failed')} failed, ${count('cancelled')} cancelled.`);
  return { action: action.kind, outcomes: ordered, cancelled: !!options.signal?.aborted };
}

async function act(deps: BatchDeps, action: BatchAction, session: Session, slot: DeliverySlot | undefined): Promise<void> {
  switch (action.kind) {
    case 'start':
      return deps.lifecycle.start(session.id, slot);
    case 'stop':
      return deps.lifecycle.stop(session.id);
    case 'pin':
      return deps.editor.setPinned(session.id, action.pinned);
    case 'delete': {
      const refusal = sessionType(session.kind).deleteRefusal?.(session);
      if (refusal) throw new UserFacingError(refusal);
      await deps.editor.delete(session.id);
      return;
    }
    case 'relocate':
      return deps.editor.relocate(session.id, { profileName: action.profiles?.get(session.id) ?? action.profileName, region: action.region });
  }
}

/** Whether any session failed or was cancelled. */
export function batchFailed(result: BatchResult): boolean {
  return result.outcomes.some((o) => o.status === 'failed' || o.status === 'cancelled');
}

/**
 * One summary: a headline (how many were done, of how many) and one line per cause of failure naming the
 * sessions it concerns, the cause and the fix.
 */
export function batchSummary(result: BatchResult): { headline: string; problems: string[] } {
  const total = result.outcomes.length;
  const done = result.outcomes.filter((o) => o.status === 'done' || o.status === 'unchanged').length;
  const headline = (
    {
      start: () => t('{0} of {1} sessions started.', done, total),
      stop: () => t('{0} of {1} sessions stopped.', done, total),
      delete: () => t('{0} of {1} sessions deleted.', done, total),
      pin: () => t('{0} of {1} sessions pinned or unpinned.', done, total),
      relocate: () => t('{0} of {1} sessions moved.', done, total),
    } as const
  )[result.action]();
  const byCause = new Map<string, { aliases: string[]; cause: string; fix?: string }>();
  for (const o of result.outcomes) {
    if (o.status !== 'failed' && o.status !== 'cancelled') continue;
    const key = `${o.cause ?? ''}\u0000${o.fix ?? ''}`;
    const entry = byCause.get(key) ?? { aliases: [], cause: o.cause ?? t('unknown cause'), fix: o.fix };
    entry.aliases.push(`"${o.alias}"`);
    byCause.set(key, entry);
  }
  const problems = [...byCause.values()].map((e) => (e.fix ? t('{0}: {1} {2}', e.aliases.join(', '), e.cause, e.fix) : t('{0}: {1}', e.aliases.join(', '), e.cause)));
  return { headline, problems };
}

/** What names the sessions of a batch: ids or aliases, every session of an integration, a filter (as the tree's). */
export interface BatchSelection {
  names?: readonly string[];
  allOf?: string;
  filter?: string;
}

/** The sessions a selection names, in order, each once; an unknown name or integration is an error naming it. */
export function selectSessions(state: PersistedState, selection: BatchSelection): Session[] {
  const chosen = new Map<string, Session>();
  for (const name of selection.names ?? []) {
    const found = sessionByRef(state, name);
    if (!found) throw new UserFacingError(t('No session named or with id "{0}".', name), t('See the list of sessions: aws-sessions list.'));
    chosen.set(found.id, found);
  }
  if (selection.allOf !== undefined) {
    const integration = integrationByRef(state, selection.allOf);
    if (!integration) throw new UserFacingError(t('No IAM Identity Center integration named or with id "{0}".', selection.allOf));
    for (const s of state.sessions) if (sessionType(s.kind).integrationOf?.(s) === integration.id) chosen.set(s.id, s);
  }
  if (selection.filter !== undefined) {
    const tokens = filterTokens(selection.filter);
    // A filter of blanks matches every session (as the tree's): never what a batch (a delete) means.
    if (tokens.length === 0) throw new UserFacingError(t('The filter "{0}" has no word to match, so it would take in every session.', selection.filter), t('Give at least one word, or name the sessions.'));
    for (const s of state.sessions) {
      const type = sessionType(s.kind);
      const text = sessionSearchText(s, profileOf(state, s).name, type.describe?.(s, state) ?? {}, translated(type.label));
      if (tokens.every((token) => text.includes(token))) chosen.set(s.id, s);
    }
  }
  return [...chosen.values()];
}
