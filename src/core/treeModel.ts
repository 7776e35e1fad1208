/**
 * The sessions tree as plain data: grouping (pinned, by type and the type's own path, or flat by
 * recent use), filtering, parents for reveal. Built once per state change or filter keystroke;
 * the VS Code TreeDataProvider only maps these nodes to TreeItems.
 */
import { translated } from './l10n';
import type { ActiveSession, PersistedState, Session, SessionKind, SessionStatus } from './model';
import { sessionTypes } from './sessions/registry';
import type { SessionDescription, TreeFolder } from './sessions/sessionType';

export type ViewMode = 'grouped' | 'flat';
export type DisplayStatus = SessionStatus | 'expiring';

export interface GroupNode {
  readonly type: 'group';
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** 'pinned', a session kind, or what a folder a type adds stands for ('path' unless it says, e.g. 'ssoIntegration'). */
  readonly role: string;
  /** Codicon id: the type's icon for its group, the folder's (default 'folder'). */
  readonly icon: string;
}

export interface SessionNode {
  readonly type: 'session';
  readonly id: string;
  readonly session: Session;
  readonly profile: string;
  readonly status: DisplayStatus;
  readonly active?: ActiveSession;
  readonly pinned: boolean;
  readonly facts: SessionDescription;
  readonly typeLabel: string;
  /** False when the type refuses to delete it (e.g. a sync would bring it back). */
  readonly deletable: boolean;
  /** True when it holds an access key of its own (Rotate Access Key). */
  readonly accessKey?: boolean;
  /** Its type signs in at a SAML IdP. */
  readonly samlSignIn?: boolean;
}

export type ModelNode = GroupNode | SessionNode;

export interface TreeModel {
  readonly roots: readonly ModelNode[];
  children(node: ModelNode): readonly ModelNode[];
  parent(node: ModelNode): ModelNode | undefined;
  /** The node of a session (undefined when filtered out). */
  sessionNode(sessionId: string): SessionNode | undefined;
  readonly total: number;
  readonly shown: number;
}

export const EXPIRING_MS = 10 * 60 * 1000;

/** One collator for every sort: String#localeCompare builds one per call, which costs tens of ms for 3,000 rows. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function displayStatus(active: ActiveSession | undefined, now: number): DisplayStatus {
  if (!active) return 'inactive';
  if (active.status !== 'active' || !active.expiration) return active.status;
  const left = Date.parse(active.expiration) - now;
  if (left <= 0) return 'expired';
  return left < EXPIRING_MS ? 'expiring' : 'active';
}

/** When the next session's display status changes with time alone (to expiring, to expired); undefined: never. */
export function nextStatusChange(state: PersistedState, now: number): number | undefined {
  let next: number | undefined;
  for (const active of Object.values(state.active)) {
    if (active.status !== 'active' || !active.expiration) continue;
    const expiry = Date.parse(active.expiration);
    for (const at of [expiry - EXPIRING_MS, expiry]) if (at > now && (next === undefined || at < next)) next = at;
  }
  return next;
}

/** Lower-cased text a filter matches: alias, account name and id, role, profile, region. */
export function searchText(session: Session, profile: string, facts: SessionDescription, typeLabel: string): string {
  return [session.alias, profile, session.region, facts.accountId, facts.accountName, facts.roleArn, typeLabel, ...(facts.treePath ?? []).map((p) => p.label)]
    .filter(Boolean)
    .join('\u0000')
    .toLowerCase();
}

/** Every whitespace-separated token of the filter must appear somewhere in the session's text. */
export function filterTokens(filter: string): string[] {
  return filter.toLowerCase().split(/\s+/).filter(Boolean);
}

export interface BuildOptions {
  mode: ViewMode;
  filter?: string;
  now: number;
}

/** What a state's tree needs that no keystroke changes: per session its facts and search text, orders by rank. */
interface Entry {
  session: Session;
  profile: string;
  facts: SessionDescription;
  typeLabel: string;
  deletable: boolean;
  accessKey: boolean;
  samlSignIn: boolean;
  /** Lower-cased search text, made on the first filter. */
  text?: string;
}
interface Prepared {
  entries: Entry[];
  /** Indices of entries in alias order (the collator's), grouped (type, then alias) and flat (recent use, then alias). */
  byAlias: number[];
  grouped?: number[];
  flat?: number[];
  /** The last filter's matches (indices): a longer filter that starts with it only looks among them. */
  last?: { filter: string; matches: number[] };
}

/** States are frozen snapshots shared by every reader: what is derived from one is kept with it. */
const preparedOf = new WeakMap<PersistedState, Prepared>();
/** The alias order of the last state, reused while the aliases are the same (most changes are of active records). */
let lastAliasOrder: { key: string; order: number[] } | undefined;

function prepare(state: PersistedState, types: ReadonlyMap<string, ReturnType<typeof sessionTypes>[number]>): Prepared {
  const known = preparedOf.get(state);
  if (known) return known;
  const profileNames = new Map(state.profiles.map((p) => [p.id, p.name]));
  const entries = state.sessions.map((session): Entry => {
    const type = types.get(session.kind);
    const typeLabel = type ? translated(type.label) : session.kind;
    const facts = type?.describe?.(session, state) ?? {};
    const profile = profileNames.get(session.profileId) ?? 'default';
    return { session, profile, facts, typeLabel, deletable: !type?.deleteRefusal, accessKey: !!type?.longTermAccessKey, samlSignIn: !!type?.samlSignIn };
  });
  const key = entries.map((e) => e.session.alias).join('\u0000');
  let byAlias = lastAliasOrder?.key === key ? lastAliasOrder.order : undefined;
  if (!byAlias) {
    byAlias = entries.map((_, i) => i).sort((a, b) => collator.compare(entries[a].session.alias, entries[b].session.alias) || a - b);
    lastAliasOrder = { key, order: byAlias };
  }
  const prepared: Prepared = { entries, byAlias };
  if (Object.isFrozen(state)) preparedOf.set(state, prepared); // a state someone may still change is not kept
  return prepared;
}

function orderOf(p: Prepared, state: PersistedState, mode: ViewMode, kinds: readonly string[]): number[] {
  const ranks = () => {
    const rank = new Int32Array(p.entries.length);
    p.byAlias.forEach((i, r) => (rank[i] = r));
    return rank;
  };
  const all = () => p.entries.map((_, i) => i);
  if (mode === 'flat') {
    if (p.flat) return p.flat;
    const rank = ranks();
    const used = state.lastUsed ?? {};
    const time = p.entries.map((e) => Date.parse(used[e.session.id] ?? '') || 0);
    return (p.flat = all().sort((a, b) => time[b] - time[a] || rank[a] - rank[b]));
  }
  if (p.grouped) return p.grouped;
  const rank = ranks();
  const kind = p.entries.map((e) => kinds.indexOf(e.session.kind));
  return (p.grouped = all().sort((a, b) => kind[a] - kind[b] || rank[a] - rank[b]));
}

/** Indices of the entries the filter shows (undefined: all), narrowing the last filter's matches while typing on. */
function matching(p: Prepared, filter: string): Set<number> | undefined {
  const tokens = filterTokens(filter);
  if (tokens.length === 0) return undefined;
  const lower = filter.toLowerCase();
  const candidates = p.last && lower.startsWith(p.last.filter) ? p.last.matches : p.entries.map((_, i) => i);
  const textOf = (e: Entry) => (e.text ??= searchText(e.session, e.profile, e.facts, e.typeLabel));
  const matches = candidates.filter((i) => {
    const text = textOf(p.entries[i]);
    return tokens.every((t) => text.includes(t));
  });
  p.last = { filter: lower, matches };
  return new Set(matches);
}

export function buildTreeModel(state: PersistedState, options: BuildOptions): TreeModel {
  const pinned = new Set(state.pinned ?? []);
  const tokens = filterTokens(options.filter ?? '');
  const types = new Map(sessionTypes().map((t) => [t.kind, t]));
  const p = prepare(state, types);
  const shown = matching(p, options.filter ?? '');
  const node = (i: number): SessionNode => {
    const e = p.entries[i];
    const active = state.active[e.session.id];
    return { type: 'session', id: `session:${e.session.id}`, session: e.session, profile: e.profile, status: displayStatus(active, options.now), active, pinned: pinned.has(e.session.id), facts: e.facts, typeLabel: e.typeLabel, deletable: e.deletable, accessKey: e.accessKey, samlSignIn: e.samlSignIn };
  };
  const isShown = (i: number) => !shown || shown.has(i);
  const pinnedNodes = pinned.size ? p.byAlias.filter((i) => pinned.has(p.entries[i].session.id) && isShown(i)).map(node) : [];
  const rest = orderOf(p, state, options.mode, [...types.keys()])
    .filter((i) => isShown(i) && !pinned.has(p.entries[i].session.id))
    .map(node);
  const sessionNodes = [...pinnedNodes, ...rest];

  const children = new Map<string, ModelNode[]>();
  const parents = new Map<string, ModelNode>();
  const roots: ModelNode[] = [];
  const groups = new Map<string, GroupNode>();
  const add = (parent: ModelNode | undefined, child: ModelNode) => {
    if (!parent) roots.push(child);
    else {
      let list = children.get(parent.id);
      if (!list) children.set(parent.id, (list = []));
      list.push(child);
      parents.set(child.id, parent);
    }
  };
  const group = (parent: GroupNode | undefined, id: string, label: string, role: string, icon: string, description?: string): GroupNode => {
    let node = groups.get(id);
    if (!node) {
      node = { type: 'group', id, label, role, icon, description };
      groups.set(id, node);
      add(parent, node);
    }
    return node;
  };

  if (pinnedNodes.length > 0) {
    const pin = group(undefined, 'group:pinned', 'Pinned', 'pinned', 'pinned');
    // A pinned session shows in the Pinned group only, so every session has one node and one parent.
    for (const n of pinnedNodes) add(pin, n);
  }

  if (options.mode === 'flat') {
    for (const n of rest) add(undefined, n);
  } else {
    // A kind without a module comes only from a newer version's file: its group is a plain folder.
    const typeGroup = (kind: SessionKind) => group(undefined, `group:${kind}`, types.get(kind)?.label ?? kind, kind, types.get(kind)?.icon ?? 'folder');
    const folders = (parent: GroupNode, path: readonly TreeFolder[]) =>
      path.reduce<GroupNode>((p, folder) => group(p, `path:${folder.id}`, folder.label, folder.role ?? 'path', folder.icon ?? 'folder', folder.description), parent);
    for (const n of rest) add(folders(typeGroup(n.session.kind), n.facts.treePath ?? []), n);
    // Folders a type shows without sessions (an integration not synced yet, to log in and sync); not while filtering.
    if (tokens.length === 0) {
      for (const type of types.values()) for (const path of type.emptyTreePaths?.(state) ?? []) folders(typeGroup(type.kind), path);
    }
  }

  const index = new Map(sessionNodes.map((n) => [n.session.id, n]));
  return {
    roots,
    children: (node) => children.get(node.id) ?? [],
    parent: (node) => parents.get(node.id),
    sessionNode: (id) => index.get(id),
    total: state.sessions.length,
    shown: sessionNodes.length,
  };
}
