/**
 * The sidebar tree: a group per session type, then sessions. Reads a snapshot of the shared state;
 * no UI calls and no I/O inside getChildren.
 */
import * as vscode from 'vscode';
import type { PersistedState, Session, SessionKind, SessionStatus } from '../core/model';
import { sessionTypes } from '../core/sessions/registry';
import { profileOf } from '../core/sessionService';
import { formatRemaining } from '../core/time';

export type TreeNode = { type: 'group'; kind: SessionKind; label: string } | { type: 'session'; session: Session };

const statusIcons: Record<SessionStatus | 'expiring', vscode.ThemeIcon> = {
  inactive: new vscode.ThemeIcon('circle-large-outline'),
  starting: new vscode.ThemeIcon('loading~spin'),
  active: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')),
  expiring: new vscode.ThemeIcon('watch', new vscode.ThemeColor('charts.yellow')),
  expired: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
};

const EXPIRING_MS = 10 * 60 * 1000;

export class SessionTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot: PersistedState | undefined;
  private groups = new Map<SessionKind, TreeNode>();
  private nodes = new Map<string, TreeNode>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Replace the snapshot and refresh the view. */
  update(state: PersistedState): void {
    this.snapshot = state;
    const nodes = new Map<string, TreeNode>();
    for (const session of state.sessions) {
      // Keep node objects stable where the session is unchanged, so expansion and selection survive.
      const old = this.nodes.get(session.id);
      nodes.set(session.id, old && old.type === 'session' && JSON.stringify(old.session) === JSON.stringify(session) ? old : { type: 'session', session });
    }
    this.nodes = nodes;
    this.changed.fire(undefined);
  }

  nodeFor(sessionId: string): TreeNode | undefined {
    return this.nodes.get(sessionId);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    const state = this.snapshot;
    if (!state) return [];
    if (!element) {
      return sessionTypes()
        .filter((t) => state.sessions.some((s) => s.kind === t.kind))
        .map((t) => this.group(t.kind, t.label));
    }
    if (element.type === 'group') {
      return state.sessions
        .filter((s) => s.kind === element.kind)
        .sort((a, b) => a.alias.localeCompare(b.alias))
        .map((s) => this.nodes.get(s.id)!);
    }
    return [];
  }

  getParent(element: TreeNode): TreeNode | undefined {
    if (element.type === 'group') return undefined;
    const type = sessionTypes().find((t) => t.kind === element.session.kind);
    return type ? this.group(type.kind, type.label) : undefined;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    if (element.type === 'group') {
      const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${element.kind}`;
      item.contextValue = `group:${element.kind}`;
      return item;
    }
    const state = this.snapshot!;
    const session = element.session;
    const active = state.active[session.id];
    const profile = profileOf(state, session);
    const status = effectiveStatus(active?.status ?? 'inactive', active?.expiration, this.now());
    const item = new vscode.TreeItem(session.alias, vscode.TreeItemCollapsibleState.None);
    item.id = `session:${session.id}`;
    item.description = `${profile.name} · ${session.region}`;
    item.iconPath = statusIcons[status];
    item.contextValue = `session:${session.kind}:${status === 'expiring' ? 'active' : status}`;
    const lines = [
      `**${session.alias}** — ${sessionTypes().find((t) => t.kind === session.kind)?.label ?? session.kind}`,
      '',
      `Profile: \`${profile.name}\``,
      `Region: \`${session.region}\``,
      `State: ${status}`,
    ];
    if (session.kind === 'iamUser' && session.mfaSerial) lines.push(`MFA: \`${session.mfaSerial}\``);
    if (active?.expiration) lines.push(`Expires: ${new Date(active.expiration).toLocaleString()} (${formatRemaining(Date.parse(active.expiration) - this.now())})`);
    if (active?.error) lines.push('', `$(error) ${active.error}`);
    item.tooltip = new vscode.MarkdownString(lines.join('  \n'), true);
    item.accessibilityInformation = { label: `${session.alias}, ${profile.name}, ${session.region}, ${status}` };
    return item;
  }

  private group(kind: SessionKind, label: string): TreeNode {
    let node = this.groups.get(kind);
    if (!node) {
      node = { type: 'group', kind, label };
      this.groups.set(kind, node);
    }
    return node;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function effectiveStatus(status: SessionStatus, expiration: string | undefined, now: number): SessionStatus | 'expiring' {
  if (status !== 'active' || !expiration) return status;
  const left = Date.parse(expiration) - now;
  if (left <= 0) return 'expired';
  return left < EXPIRING_MS ? 'expiring' : 'active';
}
