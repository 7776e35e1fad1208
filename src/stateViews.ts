/**
 * The views of the shared state: the sessions tree, the status bar, the terminal environment, the
 * view's context keys (tree/viewContext.ts) and the login state of IAM Identity Center integrations. They render on every
 * change of the state (this window's or another's), of the settings, and of a login.
 */
import * as vscode from 'vscode';
import { ContextKeys, SESSIONS_VIEW_ID, SETTINGS_SECTION, Settings } from './core/constants';
import type { CredentialResolver } from './core/credentialResolver';
import { DisposableOwner, toDisposable } from './core/disposables';
import type { PersistedState } from './core/model';
import { nextStatusChange } from './core/treeModel';
import type { StateStore } from './core/ports';
import type { SsoAccess } from './core/sso/ssoAccess';
import { SessionTreeProvider, type TreeNode } from './tree/sessionTree';
import { setViewContext } from './tree/viewContext';
import { StatusBar } from './statusBar';
import { TerminalEnvironment } from './terminal';

export interface StateViewsDeps {
  state: StateStore;
  /** Credentials the terminal may inject (no prompt, no AWS call). */
  resolver: Pick<CredentialResolver, 'currentCredentials'>;
  ssoAccess: Pick<SsoAccess, 'loginState' | 'onDidChangeLogin'>;
  terminalCollection: vscode.GlobalEnvironmentVariableCollection;
  /** Folder of the CLI shim, put on the terminals' PATH. */
  binDir: string;
  /** The credentials endpoint's variables of a session, for terminals with `terminal.delivery` = `endpoint`. */
  endpointVariables?: (sessionId: string) => Promise<Record<string, string>>;
  /** The account ids a folder's project file expects per profile, and when they change (the status bar checks them). */
  declaredExpected?: { of: (folder: vscode.WorkspaceFolder) => Readonly<Record<string, readonly string[]>>; onDidChange: vscode.Event<void> };
}

export class StateViews extends DisposableOwner {
  readonly tree: SessionTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  private readonly statusBar: StatusBar;
  private readonly terminal: TerminalEnvironment;
  private ticker?: NodeJS.Timeout;

  constructor(private readonly deps: StateViewsDeps) {
    super();
    const mode = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.treeViewMode) === 'flat' ? 'flat' : 'grouped';
    this.tree = this.register(new SessionTreeProvider(mode));
    this.view = this.register(vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true, canSelectMany: true }));
    this.statusBar = this.register(new StatusBar(Date.now, deps.declaredExpected?.of));
    if (deps.declaredExpected) this.register(deps.declaredExpected.onDidChange(() => void this.refresh()));
    this.terminal = this.register(new TerminalEnvironment(deps.terminalCollection, { credentialsFor: (id) => deps.resolver.currentCredentials(id), binDir: deps.binDir, endpointVariables: deps.endpointVariables }));
    // Icons turn "expiring" and "expired" with time, not only with state changes: a timer for the next such moment only.
    this.register(toDisposable(() => clearTimeout(this.ticker)));
    void vscode.commands.executeCommand('setContext', ContextKeys.viewMode, mode);

    this.register(deps.state.onDidChange((snapshot) => this.render(snapshot)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS_SECTION)) void this.refresh();
      }),
    );
    this.register(deps.ssoAccess.onDidChangeLogin(() => void deps.state.read().then((snapshot) => this.showLoginStates(snapshot))));
  }

  /** Reads the state and renders it. */
  async refresh(): Promise<void> {
    this.render(await this.deps.state.read());
  }

  private render(snapshot: PersistedState): void {
    this.tree.update(snapshot);
    this.tickAtNextChange(snapshot);
    this.statusBar.update(snapshot);
    void this.terminal.update(snapshot);
    void setViewContext(snapshot);
    void this.showLoginStates(snapshot);
  }

  /** Rebuild the tree when a session turns expiring or expired (no timer while none can). */
  private tickAtNextChange(snapshot: PersistedState): void {
    clearTimeout(this.ticker);
    const at = nextStatusChange(snapshot, Date.now());
    if (at === undefined) return void (this.ticker = undefined);
    // setTimeout waits at most 2^31-1 ms: a longer wait wakes once on the way and waits again.
    this.ticker = setTimeout(() => {
      this.tree.tick();
      this.tickAtNextChange(snapshot);
    }, Math.min(at - Date.now() + 5, 2 ** 31 - 1));
  }

  private async showLoginStates(snapshot: PersistedState): Promise<void> {
    if (await this.tree.sso.readLoginStates(this.deps.ssoAccess, snapshot)) this.tree.refresh();
  }
}
