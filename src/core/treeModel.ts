/**
 * The sessions tree as plain data: grouping (pinned, by type and the type's own path, or flat by
 * recent use), filtering, parents for reveal. Built once per state change or filter keystroke;
 * the VS Code TreeDataProvider only maps these nodes to TreeItems.
 */
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

/** Lower-cased text a filter matches: alias, account name and id, role, profile, region. */
function searchText(session: Session, profile: string, facts: SessionDescription, typeLabel: string): string {
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

export function buildTreeModel(state: PersistedState, options: BuildOptions): TreeModel {
  const profileNames = new Map(state.profiles.map((p) => [p.id, p.name]));
  const defaultName = 'default';
  const pinned = new Set(state.pinned ?? []);
  const tokens = filterTokens(options.filter ?? '');
  const types = new Map(sessionTypes().map((t) => [t.kind, t]));

  const sessionNodes: SessionNode[] = [];
  for (const session of state.sessions) {
    const type = types.get(session.kind);
    const typeLabel = type?.label ?? session.kind;
    const facts = type?.describe?.(session, state) ?? {};
    const profile = profileNames.get(session.profileId) ?? defaultName;
    if (tokens.length > 0) {
      const text = searchText(session, profile, facts, typeLabel);
      if (!tokens.every((t) => text.includes(t))) continue;
    }
    const active = state.active[session.id];
    sessionNodes.push({
      type: 'session',
      id: `session:${session.id}`,
      session,
      profile,
      status: displayStatus(active, options.now),
      active,
      pinned: pinned.has(session.id),
      facts,
      typeLabel,
      deletable: !type?.deleteRefusal,
      accessKey: !!type?.longTermAccessKey,
    });
  }

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

  const byAlias = (a: SessionNode, b: SessionNode) => collator.compare(a.session.alias, b.session.alias);
  const pinnedNodes = sessionNodes.filter((n) => n.pinned).sort(byAlias);
  if (pinnedNodes.length > 0) {
    const pin = group(undefined, 'group:pinned', 'Pinned', 'pinned', 'pinned');
    // A pinned session shows in the Pinned group only, so every session has one node and one parent.
    for (const n of pinnedNodes) add(pin, n);
  }
  const rest = sessionNodes.filter((n) => !n.pinned);

  if (options.mode === 'flat') {
    const used = state.lastUsed ?? {};
    const time = (n: SessionNode) => Date.parse(used[n.session.id] ?? '') || 0;
    rest.sort((a, b) => time(b) - time(a) || byAlias(a, b));
    for (const n of rest) add(undefined, n);
  } else {
    const order = [...types.keys()];
    rest.sort((a, b) => order.indexOf(a.session.kind) - order.indexOf(b.session.kind) || byAlias(a, b));
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
