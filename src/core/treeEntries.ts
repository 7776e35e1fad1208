/**
 * What the sessions tree derives from a state that no keystroke changes: per session its facts,
 * profile name and search text, and the orders (alias by the collator, type then alias, recent use).
 * Kept per frozen snapshot; a new snapshot reuses the last one's entries for sessions whose content is
 * the same, and keeps the alias order, inserting only new or renamed sessions (a start or stop at
 * 10,000 sessions compares, it does not describe or sort again).
 */
import { lazy } from './lazy';
import { translated } from './l10n';
import type { PersistedState, Session } from './model';
import type { SessionTypeModule, SessionDescription, TreeFolder } from './sessions/sessionType';
import type { SessionNode, TreeModel } from './treeModel';

export type TypeMap = ReadonlyMap<string, SessionTypeModule<Session>>;

export interface Entry {
  readonly session: Session;
  readonly profile: string;
  /** The type's description, made when first asked (the rows a view shows, a filter, folders). */
  readonly facts: SessionDescription;
  /** Folders of the grouped tree (its type's `describesFolders`); undefined without asking the facts otherwise. */
  readonly treePath: readonly TreeFolder[] | undefined;
  readonly typeLabel: string;
  readonly deletable: boolean;
  readonly accessKey: boolean;
  readonly samlSignIn: boolean;
  /** Lower-cased search text, made on the first filter. */
  text?: string;
  /** The tree node last made for it, reused while it shows the same (active record, status, pin). */
  node?: SessionNode;
}

export interface Prepared {
  readonly state: PersistedState;
  readonly entries: readonly Entry[];
  /** Entry index by session id. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Entry indices in alias order (the collator's, ties by position). */
  readonly byAlias: readonly number[];
  grouped?: readonly number[];
  flat?: readonly number[];
  /** The last filter's matches (lower-cased filter, entry indices, mask by index): a longer filter that starts with it looks only among them. */
  last?: { filter: string; matches: readonly number[]; mask: Uint8Array };
  /** The last model built of this state, reused while mode, matches and every status are the same. */
  built?: { mode: string; matches: readonly number[] | undefined; filtering: boolean; model: TreeModel };
  /** The state the entries describe their sessions from (see DescribeContext). */
  readonly context: DescribeContext;
}

/**
 * The state a session's facts are described from, shared by the entries of a line of snapshots with the same
 * profiles and integrations and moved on to the newest (so an entry made long ago keeps no old snapshot alive).
 */
interface DescribeContext {
  state: PersistedState;
}

/** A session's entry; its facts are made when first asked. */
class SessionEntry implements Entry {
  text?: string;
  node?: SessionNode;
  private described?: SessionDescription;
  readonly treePath: readonly TreeFolder[] | undefined;

  constructor(
    readonly session: Session,
    readonly profile: string,
    readonly typeLabel: string,
    private readonly type: SessionTypeModule<Session> | undefined,
    private readonly context: DescribeContext,
  ) {
    this.treePath = type?.describesFolders ? this.facts.treePath : undefined;
  }

  get facts(): SessionDescription {
    return (this.described ??= this.type?.describe?.(this.session, this.context.state) ?? {});
  }

  get deletable(): boolean {
    return !this.type?.deleteRefusal;
  }

  get accessKey(): boolean {
    return !!this.type?.longTermAccessKey;
  }

  get samlSignIn(): boolean {
    return !!this.type?.samlSignIn;
  }
}

/**
 * One collator for every sort: String#localeCompare builds one per call, which costs tens of ms for 3,000 rows.
 * Made on the first sort, not at load: making the first collator of a process loads ICU's collation data (≈ 10 ms),
 * which a window with no session never needs.
 */
const collator = lazy(() => new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }));

/** Frozen states are snapshots shared by every reader: what is derived from one is kept with it. */
const preparedOf = new WeakMap<PersistedState, Prepared>();
/** The last frozen state's entries, for the next snapshot to reuse. */
let lastPrepared: Prepared | undefined;

/** Deep equality of plain JSON data (sessions, active records, integrations). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let count = 0;
  for (const key in ra) {
    if (!Object.hasOwn(ra, key)) continue;
    count++;
    if (!Object.hasOwn(rb, key) || !sameValue(ra[key], rb[key])) return false;
  }
  for (const key in rb) if (Object.hasOwn(rb, key)) count--;
  return count === 0;
}

/** Lower-cased text a filter matches: alias, account name and id, role, profile, region, type, folders. */
export function sessionSearchText(session: Session, profile: string, facts: SessionDescription, typeLabel: string): string {
  return [session.alias, profile, session.region, facts.accountId, facts.accountName, facts.roleArn, typeLabel, ...(facts.treePath ?? []).map((p) => p.label)]
    .filter(Boolean)
    .join('\u0000')
    .toLowerCase();
}

/** The entry's search text, made once. */
export function searchText(e: Entry): string {
  e.text ??= sessionSearchText(e.session, e.profile, e.facts, e.typeLabel);
  return e.text;
}

function describe(session: Session, context: DescribeContext, types: TypeMap, labels: Map<string, string>, profileNames: ReadonlyMap<string, string>): Entry {
  const type = types.get(session.kind);
  let typeLabel = labels.get(session.kind);
  if (typeLabel === undefined) labels.set(session.kind, (typeLabel = type ? translated(type.label) : session.kind));
  const profile = profileNames.get(session.profileId) ?? 'default';
  return new SessionEntry(session, profile, typeLabel, type, context);
}

const byCollator = (entries: readonly Entry[]) => (a: number, b: number) => collator().compare(entries[a].session.alias, entries[b].session.alias) || a - b;

/**
 * The alias order of `entries`: the last order kept for sessions whose alias stayed (when their order by
 * position is kept too), new and renamed ones inserted by binary search; otherwise sorted anew.
 */
function aliasOrder(entries: readonly Entry[], prev: Prepared | undefined, prevIndex: Int32Array, sameAlias: Uint8Array): number[] {
  const compare = byCollator(entries);
  const fresh: number[] = [];
  for (let i = 0; i < entries.length; i++) if (!sameAlias[i]) fresh.push(i);
  if (!prev || fresh.length * 8 > entries.length) return entries.map((_, i) => i).sort(compare);
  const newIndex = new Int32Array(prev.entries.length).fill(-1);
  for (let i = 0; i < entries.length; i++) if (sameAlias[i]) newIndex[prevIndex[i]] = i;
  const kept: number[] = [];
  let last = -1;
  for (const old of prev.byAlias) {
    const i = newIndex[old];
    if (i < 0) continue;
    if (i < last && compare(last, i) > 0) return entries.map((_, j) => j).sort(compare); // reordered in the file: ties break differently
    kept.push((last = i));
  }
  if (fresh.length === 0) return kept;
  fresh.sort(compare);
  const order: number[] = [];
  let from = 0;
  for (const f of fresh) {
    let lo = from;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(kept[mid], f) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (; from < lo; from++) order.push(kept[from]);
    order.push(f);
  }
  for (; from < kept.length; from++) order.push(kept[from]);
  return order;
}

/** The entries of `state`: kept with a frozen state, reusing the last frozen state's where nothing they show changed. */
export function prepare(state: PersistedState, types: TypeMap): Prepared {
  const known = preparedOf.get(state);
  if (known) return known;
  const frozen = Object.isFrozen(state) && Object.isFrozen(state.sessions);
  // A state someone may still change is neither kept nor compared with (everything made fresh).
  const prev = frozen ? lastPrepared : undefined;
  const profileNames = new Map(state.profiles.map((p) => [p.id, p.name]));
  const labels = new Map<string, string>();
  // Descriptions read the session, the profiles, the integrations and the alias of the session it depends on.
  const context = !!prev && sameValue(prev.state.profiles, state.profiles) && sameValue(prev.state.integrations, state.integrations);
  // Entries kept from the last snapshot describe from this one now (the same profiles and integrations: the same facts).
  const describeFrom: DescribeContext = context ? prev!.context : { state };
  describeFrom.state = state;
  const sessions = state.sessions;
  const n = sessions.length;
  const prevIndex = new Int32Array(n).fill(-1);
  const sameAlias = new Uint8Array(n);
  let samePositions = !!prev && prev.entries.length === n;
  if (prev) {
    for (let i = 0; i < n; i++) {
      const id = sessions[i].id;
      const at = prev.entries[i]?.session.id === id ? i : (prev.indexOf.get(id) ?? -1);
      if (at !== i) samePositions = false;
      prevIndex[i] = at;
      if (at >= 0 && prev.entries[at].session.alias === sessions[i].alias) sameAlias[i] = 1;
    }
  }
  const indexOf = samePositions ? prev!.indexOf : new Map(sessions.map((s, i) => [s.id, i]));
  const entries = sessions.map((session, i): Entry => {
    const at = prevIndex[i];
    if (context && at >= 0) {
      const old = prev!.entries[at];
      if (old.session === session || sameValue(old.session, session)) {
        const dependency = types.get(session.kind)?.dependsOn?.(session);
        if (dependency === undefined) return old;
        const now = indexOf.get(dependency);
        const then = prev!.indexOf.get(dependency);
        if ((now === undefined ? undefined : sessions[now].alias) === (then === undefined ? undefined : prev!.entries[then].session.alias)) return old;
      }
    }
    return describe(session, describeFrom, types, labels, profileNames);
  });
  const prepared: Prepared = { state, entries, indexOf, byAlias: aliasOrder(entries, prev, prevIndex, sameAlias), context: describeFrom };
  if (frozen) {
    preparedOf.set(state, prepared);
    lastPrepared = prepared;
  }
  return prepared;
}

/** Entries in grouped order: by the type's place in `kinds` (unknown kinds first), then alias. */
export function groupedOrder(p: Prepared, kinds: readonly string[]): readonly number[] {
  if (p.grouped) return p.grouped;
  const buckets = new Map<number, number[]>();
  for (const i of p.byAlias) {
    const k = kinds.indexOf(p.entries[i].session.kind);
    let list = buckets.get(k);
    if (!list) buckets.set(k, (list = []));
    list.push(i);
  }
  return (p.grouped = [...buckets.keys()].sort((a, b) => a - b).flatMap((k) => buckets.get(k)!));
}

/** Entries by recent use (most recent first), then alias. */
export function flatOrder(p: Prepared): readonly number[] {
  if (p.flat) return p.flat;
  const time = new Float64Array(p.entries.length);
  const used: number[] = [];
  for (const [id, at] of Object.entries(p.state.lastUsed ?? {})) {
    const i = p.indexOf.get(id);
    const ms = Date.parse(at ?? '') || 0;
    if (i === undefined || ms === 0) continue;
    time[i] = ms;
    used.push(i);
  }
  if (used.length === 0) return (p.flat = p.byAlias);
  const rank = new Int32Array(p.entries.length);
  p.byAlias.forEach((i, r) => (rank[i] = r));
  used.sort((a, b) => time[b] - time[a] || rank[a] - rank[b]);
  // Never used (0) between the used and the ones dated before 1970.
  const later = used.filter((i) => time[i] > 0);
  const earlier = used.filter((i) => time[i] < 0);
  return (p.flat = [...later, ...p.byAlias.filter((i) => time[i] === 0), ...earlier]);
}
