/**
 * The sessions tree as plain data: grouping (pinned, by type and the type's own path, or flat by
 * recent use), filtering, parents for reveal. Built once per state change or filter keystroke;
 * the VS Code TreeDataProvider only maps these nodes to TreeItems.
 */
import type { ActiveSession, PersistedState, Session, SessionStatus } from './model';
import { sessionTypes } from './sessions/registry';
import type { SessionDescription, TreeFolder } from './sessions/sessionType';
import { flatOrder, groupedOrder, prepare, sameValue, type Entry, type Prepared, type TypeMap } from './treeEntries';
import { filterTokens, matching } from './treeFilter';

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

export { filterTokens } from './treeFilter';

export interface BuildOptions {
  mode: ViewMode;
  filter?: string;
  now: number;
}

/** The registry's types by kind, and the kinds in order (made once: the registry does not change). */
let typeMap: { modules: ReturnType<typeof sessionTypes>; types: TypeMap; kinds: string[] } | undefined;
function typesOf(): { types: TypeMap; kinds: string[] } {
  const modules = sessionTypes();
  if (typeMap?.modules !== modules) {
    const types = new Map(modules.map((t) => [t.kind as string, t]));
    typeMap = { modules, types, kinds: [...types.keys()] };
  }
  return typeMap;
}

/** A shown session: what it shows now (status, active record, pin), and its entry's facts (described when first asked). */
class EntryNode implements SessionNode {
  readonly type = 'session' as const;
  readonly id: string;
  readonly session: Session;
  readonly profile: string;
  readonly typeLabel: string;
  readonly deletable: boolean;
  readonly accessKey: boolean;
  readonly samlSignIn: boolean;

  constructor(
    private readonly entry: Entry,
    readonly status: DisplayStatus,
    readonly active: ActiveSession | undefined,
    readonly pinned: boolean,
  ) {
    ({ session: this.session, profile: this.profile, typeLabel: this.typeLabel, deletable: this.deletable, accessKey: this.accessKey, samlSignIn: this.samlSignIn } = entry);
    this.id = `session:${entry.session.id}`;
  }

  get facts(): SessionDescription {
    return this.entry.facts;
  }
}

/** The entry's node; the one made last while it shows the same (entries live across snapshots, and so do their nodes). */
function sessionNode(e: Entry, active: ActiveSession | undefined, pinned: boolean, now: number): SessionNode {
  const status = active ? displayStatus(active, now) : 'inactive';
  const known = e.node;
  if (known && known.status === status && known.pinned === pinned && (known.active === active || sameValue(known.active, active))) return known;
  return (e.node = new EntryNode(e, status, active, pinned));
}

/** Per entry index: its active record and whether it is pinned (looked up from the few records, not per session). */
function activeAndPinned(p: Prepared, state: PersistedState): { active: (ActiveSession | undefined)[]; pinned: Uint8Array; anyPinned: boolean } {
  const active: (ActiveSession | undefined)[] = new Array(p.entries.length).fill(undefined);
  for (const id in state.active) {
    const i = p.indexOf.get(id);
    if (i !== undefined && Object.hasOwn(state.active, id)) active[i] = state.active[id];
  }
  const pinned = new Uint8Array(p.entries.length);
  let anyPinned = false;
  for (const id of state.pinned ?? []) {
    const i = p.indexOf.get(id);
    if (i !== undefined) anyPinned = !!(pinned[i] = 1);
  }
  return { active, pinned, anyPinned };
}

const samePath = (a: readonly TreeFolder[] | undefined, b: readonly TreeFolder[] | undefined): boolean =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((f, k) => f.id === b![k].id);

const NO_CHILDREN: readonly ModelNode[] = Object.freeze([]);

export function buildTreeModel(state: PersistedState, options: BuildOptions): TreeModel {
  const filtering = filterTokens(options.filter ?? '').length > 0;
  const { types, kinds } = typesOf();
  const p = prepare(state, types);
  const found = matching(p, options.filter ?? '');
  const built = p.built;
  // A keystroke that hides nothing more, or a tick that turns no icon: the same tree.
  if (built && built.mode === options.mode && built.matches === found?.matches && built.filtering === filtering && statusesHold(built.model, state, options.now)) return built.model;
  const shown = found?.mask;
  const entries = p.entries;
  const { active, pinned, anyPinned } = activeAndPinned(p, state);
  /** Session nodes of this model by entry index (undefined: not shown). */
  const nodes: (SessionNode | undefined)[] = new Array(entries.length).fill(undefined);
  const node = (i: number): SessionNode => (nodes[i] = sessionNode(entries[i], active[i], pinned[i] === 1, options.now));

  const children = new Map<string, ModelNode[]>();
  const parents = new Map<string, GroupNode>();
  const roots: ModelNode[] = [];
  const groups = new Map<string, GroupNode>();
  const add = (parent: GroupNode | undefined, child: ModelNode) => {
    if (!parent) roots.push(child);
    else {
      let list = children.get(parent.id);
      if (!list) children.set(parent.id, (list = []));
      list.push(child);
    }
  };
  const group = (parent: GroupNode | undefined, id: string, label: string, role: string, icon: string, description?: string): GroupNode => {
    let g = groups.get(id);
    if (!g) {
      g = { type: 'group', id, label, role, icon, description };
      groups.set(id, g);
      if (parent) parents.set(id, parent);
      add(parent, g);
    }
    return g;
  };

  let shownCount = 0;
  let pinGroup: GroupNode | undefined;
  if (anyPinned) {
    for (const i of p.byAlias) {
      if ((shown && !shown[i]) || !pinned[i]) continue;
      pinGroup ??= group(undefined, 'group:pinned', 'Pinned', 'pinned', 'pinned');
      // A pinned session shows in the Pinned group only, so every session has one node and one parent.
      add(pinGroup, node(i));
      shownCount++;
    }
  }
  /** The group each shown, unpinned session sits in (grouped view), by entry index. */
  const home: (GroupNode | undefined)[] = new Array(entries.length).fill(undefined);
  if (options.mode === 'flat') {
    for (const i of flatOrder(p)) {
      if ((shown && !shown[i]) || pinned[i]) continue;
      roots.push(node(i));
      shownCount++;
    }
  } else {
    // A kind without a module comes only from a newer version's file: its group is a plain folder.
    const typeGroup = (kind: string) => group(undefined, `group:${kind}`, types.get(kind)?.label ?? kind, kind, types.get(kind)?.icon ?? 'folder');
    const folders = (parent: GroupNode, path: readonly TreeFolder[]) =>
      path.reduce<GroupNode>((g, folder) => group(g, `path:${folder.id}`, folder.label, folder.role ?? 'path', folder.icon ?? 'folder', folder.description), parent);
    let lastKind: string | undefined;
    let lastPath: readonly TreeFolder[] | undefined;
    let parent: GroupNode | undefined;
    let list: ModelNode[] = [];
    for (const i of groupedOrder(p, kinds)) {
      if ((shown && !shown[i]) || pinned[i]) continue;
      const e = entries[i];
      const path = e.treePath;
      // Neighbours mostly share a folder (sorted by type, then alias): look it up again only when it changes.
      if (!parent || lastKind !== e.session.kind || (lastPath !== path && !samePath(lastPath, path))) {
        parent = folders(typeGroup(e.session.kind), path ?? []);
        const known = children.get(parent.id);
        if (!known) children.set(parent.id, (list = []));
        else list = known;
      }
      lastKind = e.session.kind;
      lastPath = path;
      home[i] = parent;
      list.push(node(i));
      shownCount++;
    }
    // Folders a type shows without sessions (an integration not synced yet, to log in and sync); not while filtering.
    if (!filtering) {
      for (const type of types.values()) for (const path of type.emptyTreePaths?.(state) ?? []) folders(typeGroup(type.kind), path);
    }
  }

  const indexOf = p.indexOf;
  const shownNode = (id: string) => {
    const i = indexOf.get(id);
    return i === undefined ? undefined : nodes[i];
  };
  const model: TreeModel = {
    roots,
    children: (n) => (n.type === 'group' ? (children.get(n.id) ?? NO_CHILDREN) : NO_CHILDREN),
    parent: (n) => {
      if (n.type === 'group') return parents.get(n.id);
      const mine = shownNode(n.session.id);
      if (!mine || mine.id !== n.id) return undefined;
      return mine.pinned ? pinGroup : home[indexOf.get(n.session.id)!];
    },
    sessionNode: shownNode,
    total: state.sessions.length,
    shown: shownCount,
  };
  p.built = { mode: options.mode, matches: found?.matches, filtering, model };
  return model;
}

/** True when every shown session with an active record still has the status its node shows at `now`. */
function statusesHold(model: TreeModel, state: PersistedState, now: number): boolean {
  for (const id in state.active) {
    const node = model.sessionNode(id);
    if (node && node.status !== displayStatus(node.active, now)) return false;
  }
  return true;
}

/** More changed rows than this re-render as a whole tree (VS Code finds each row's top changed ancestor in quadratic time). */
export const MAX_ROW_REFRESH = 200;

/**
 * The session rows to re-render when `after` shows the same rows as `before` (the same groups, and the
 * same sessions in the same places; only a row's status, expiry or profile name changed), else
 * undefined: the tree's shape changed and it re-renders whole. Re-rendering rows alone keeps every
 * other row's handle in VS Code valid: a whole-tree refresh drops them all until the view asks again,
 * and a menu command chosen from a row in that gap (a rotation elsewhere, say) gets no row at all.
 */
export function changedRows(before: TreeModel, after: TreeModel): SessionNode[] | undefined {
  const rows: SessionNode[] = [];
  const same = (was: readonly ModelNode[], now: readonly ModelNode[]): boolean => {
    if (was.length !== now.length) return false;
    for (let i = 0; i < was.length; i++) {
      const a = was[i];
      const b = now[i];
      if (a === b) continue;
      if (a.id !== b.id) return false;
      if (a.type === 'group') {
        if (b.type !== 'group' || a.label !== b.label || a.description !== b.description || a.icon !== b.icon || a.role !== b.role) return false;
        if (!same(before.children(a), after.children(b))) return false;
      } else {
        if (b.type !== 'session' || a.pinned !== b.pinned || (a.session !== b.session && !sameValue(a.session, b.session))) return false;
        if (rows.push(b) > MAX_ROW_REFRESH) return false;
      }
    }
    return true;
  };
  return same(before.roots, after.roots) ? rows : undefined;
}
