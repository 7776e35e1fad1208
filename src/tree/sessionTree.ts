/**
 * The sidebar tree. The grouping, filtering and parents come from core/treeModel.ts (plain data,
 * rebuilt on each state change or filter keystroke); this class maps nodes to TreeItems. No I/O and
 * no UI calls in getChildren.
 */
import * as vscode from 'vscode';
import type { PersistedState } from '../core/model';
import { buildTreeModel, changedRows, type DisplayStatus, type ModelNode, type SessionNode, type TreeModel, type ViewMode } from '../core/treeModel';
import { isSessionKind, sessionType } from '../core/sessions/registry';
import { formatRemaining } from '../core/time';
import { SsoTreeDecorations } from './ssoNodes';

const { t } = vscode.l10n;

export type TreeNode = ModelNode;

const statusIcons: Record<DisplayStatus, vscode.ThemeIcon> = {
  inactive: new vscode.ThemeIcon('circle-large-outline'),
  starting: new vscode.ThemeIcon('loading~spin'),
  active: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')),
  expiring: new vscode.ThemeIcon('watch', new vscode.ThemeColor('charts.yellow')),
  expired: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
};

/** A session's status in words (also the status bar's). */
export const statusWords = (status: DisplayStatus): string =>
  ({
    inactive: t('inactive'),
    starting: t('starting…'),
    active: t('active'),
    expiring: t('expiring soon'),
    expired: t('expired'),
    error: t('failed'),
  })[status];

/** Codicon ids (a type's, a folder's) → ThemeIcons, made once each. */
const themeIcons = new Map<string, vscode.ThemeIcon>();
function themeIcon(id: string): vscode.ThemeIcon {
  let icon = themeIcons.get(id);
  if (!icon) themeIcons.set(id, (icon = new vscode.ThemeIcon(id)));
  return icon;
}

/**
 * `session:<kind>:<status>` then flags of what the session has and allows; menus match with
 * `viewItem =~ /…/` on the flags, never on the kind (`undeletable`: its type refuses a delete).
 */
export function sessionContextValue(node: SessionNode): string {
  const status = node.status === 'expiring' ? 'active' : node.status;
  const flags = [node.pinned ? 'pinned' : 'unpinned'];
  if (node.facts.accountId) flags.push('account');
  if (node.facts.roleArn) flags.push('role');
  if (!node.deletable) flags.push('undeletable');
  if (node.accessKey) flags.push('accessKey');
  if (node.samlSignIn) flags.push('saml');
  return [`session:${node.session.kind}:${status}`, ...flags].join(':');
}

export class SessionTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: PersistedState | undefined;
  private model: TreeModel | undefined;
  /**
   * The node VS Code holds for each row it was given: a row re-rendered alone keeps the object it was
   * first given (VS Code finds the row by it), and is drawn from the current model's node of that id.
   */
  private readonly held = new Map<string, TreeNode>();
  private filterText = '';
  /** Integration and account folders of IAM Identity Center (login state, sync progress). */
  readonly sso = new SsoTreeDecorations();

  constructor(
    private mode: ViewMode = 'grouped',
    private readonly now: () => number = Date.now,
  ) {}

  get filter(): string {
    return this.filterText;
  }

  get viewMode(): ViewMode {
    return this.mode;
  }

  get current(): TreeModel | undefined {
    return this.model;
  }

  /** Replace the snapshot and refresh the view. */
  update(state: PersistedState): void {
    this.state = state;
    this.rebuild();
  }

  setFilter(text: string): void {
    if (text === this.filterText) return;
    this.filterText = text;
    this.rebuild();
  }

  setMode(mode: ViewMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.rebuild();
  }

  /** Re-render after a change outside the state (login state of an integration). */
  refresh(): void {
    this.held.clear();
    this.changed.fire(undefined);
  }

  /** Re-render time-dependent parts (icons turning "expiring", time left in tooltips). */
  tick(): void {
    this.rebuild();
  }

  /** A new model; only the rows whose look changed re-render when the tree keeps its shape. */
  private rebuild(): void {
    if (!this.state) return;
    const before = this.model;
    const after = buildTreeModel(this.state, { mode: this.mode, filter: this.filterText, now: this.now() });
    this.model = after;
    if (after === before) return;
    const rows = before && changedRows(before, after);
    if (!rows) return this.refresh();
    const held = rows.flatMap((row) => this.held.get(row.id) ?? []);
    if (held.length) this.changed.fire(held);
  }

  /** The node a row shows now: the current model's node of the row VS Code holds. */
  private latest<T extends TreeNode>(element: T): T | SessionNode {
    return (element.type === 'session' && this.model?.sessionNode(element.session.id)) || element;
  }

  /** The row of a session (the object VS Code holds for it, for reveal); undefined when filtered out. */
  nodeFor(sessionId: string): SessionNode | undefined {
    const node = this.model?.sessionNode(sessionId);
    return node && ((this.held.get(node.id) as SessionNode | undefined) ?? node);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    const model = this.model;
    if (!model) return [];
    const children = [...(element ? model.children(element) : model.roots)];
    for (const child of children) this.held.set(child.id, child);
    return children;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.model?.parent(element);
  }

  getTreeItem(row: TreeNode): vscode.TreeItem {
    const element = this.latest(row);
    if (element.type === 'group') {
      const folded = (element.role === 'path' || SsoTreeDecorations.folded(element)) && !this.filterText;
      const item = new vscode.TreeItem(element.label, folded ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.id = element.id;
      item.description = element.description;
      item.iconPath = themeIcon(element.icon);
      item.contextValue = `group:${element.role}`;
      this.sso.decorate(item, element);
      return item;
    }
    const { session, active, facts, profile, status } = element;
    const label = this.mode === 'grouped' && !element.pinned && facts.shortLabel ? facts.shortLabel : session.alias;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = `${profile} · ${session.region}`;
    item.iconPath = statusIcons[status];
    item.contextValue = sessionContextValue(element);
    // The tooltip comes on hover (resolveTreeItem): VS Code asks for the item of every row of an expanded group.
    item.accessibilityInformation = { label: t('{0}, {1}, profile {2}, {3}, {4}', session.alias, element.typeLabel, profile, session.region, statusWords(status)) };
    return item;
  }

  /** A session's tooltip, made when the pointer rests on its row (the first one formats a date: ICU's data loads then). */
  resolveTreeItem(item: vscode.TreeItem, row: TreeNode): vscode.TreeItem {
    const element = this.latest(row);
    if (element.type !== 'session' || item.tooltip !== undefined) return item;
    item.tooltip = this.sessionTooltip(element);
    return item;
  }

  private sessionTooltip(element: SessionNode): vscode.MarkdownString {
    const { session, active, facts, profile, status } = element;
    const lines = [`**${escape(session.alias)}** — ${element.typeLabel} — ${statusWords(status)}`, ''];
    if (facts.accountId) lines.push(t('Account: {0}', `${facts.accountName ? `${escape(facts.accountName)} ` : ''}\`${facts.accountId}\``));
    if (facts.roleArn) lines.push(t('Role: {0}', `\`${facts.roleArn}\``));
    lines.push(t('Profile: {0}', `\`${profile}\``), t('Region: {0}', `\`${session.region}\``), t('Delivery: {0}', deliveryLabel(active?.delivery?.kind)));
    const type = isSessionKind(session.kind) ? sessionType(session.kind) : undefined;
    for (const detail of (this.state && type?.details?.(session, this.state)) || []) lines.push(escape(detail));
    if (active?.expiration) lines.push(t('Expires: {0} ({1})', new Date(active.expiration).toLocaleString(), formatRemaining(Date.parse(active.expiration) - this.now())));
    if (active?.error) lines.push('', `$(error) ${escape(active.error)}`);
    return new vscode.MarkdownString(lines.join('  \n'), true);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function deliveryLabel(kind: unknown): string {
  if (kind === 'credentialsFile') return t('credentials file');
  if (kind === 'credentialProcess') return 'credential_process';
  return typeof kind === 'string' ? kind : t('not started');
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
