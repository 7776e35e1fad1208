/**
 * One status bar item: the terminal's profile, its session alias and time left; the error colour with
 * the reason when a workspace folder's terminal profile is in an account the folder does not expect.
 */
import * as vscode from 'vscode';
import { Commands, SETTINGS_SECTION, Settings } from './core/constants';
import { checkAccount, describeAccountCheck, expectedAccountsFor, type AccountCheck } from './core/guard';
import type { PersistedState } from './core/model';
import { formatRemaining, untilRemainingChanges } from './core/time';
import { displayStatus } from './core/treeModel';
import { activeSessionOfProfile } from './core/sessionLookup';
import { folderTerminalProfile } from './terminal';
import { statusWords } from './tree/sessionTree';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: PersistedState | undefined;
  /** Only while the item shows a countdown: when its text changes next. */
  private timer?: NodeJS.Timeout;

  /**
   * @param declaredExpected profile → account ids a folder's project file (`.vscode/aws-sessions.json`) expects,
   * checked together with the folder's `terminal.expectedAccountIds` setting.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly declaredExpected: (folder: vscode.WorkspaceFolder) => Readonly<Record<string, readonly string[]>> = () => ({}),
  ) {
    this.item = vscode.window.createStatusBarItem('awsSessions.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('AWS Sessions');
    this.item.command = Commands.statusBarClick;
  }

  /** What the item shows now (for tests): undefined while hidden. */
  get shown(): { text: string; tooltip: string; background?: string } | undefined {
    if (!this.visible) return undefined;
    return { text: this.item.text, tooltip: String(this.item.tooltip ?? ''), background: this.item.backgroundColor?.id };
  }

  private visible = false;

  update(state: PersistedState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const state = this.state;
    if (!state || state.sessions.length === 0) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const found = activeSessionOfProfile(state, state.terminalProfile) ?? activeSessionOfProfile(state, state.terminalProfile, true);
    this.item.backgroundColor = undefined;
    if (!found) {
      this.item.text = `$(cloud) ${vscode.l10n.t('AWS: no session')}`;
      this.item.tooltip = vscode.l10n.t('AWS Sessions: no active session for the terminal. Click to start one.');
    } else {
      const { session, active, profile } = found;
      const status = displayStatus(active, this.now());
      const ms = active.expiration ? Date.parse(active.expiration) - this.now() : 0;
      const left = active.expiration ? formatRemaining(ms) : '';
      const icon = status === 'starting' ? '$(loading~spin)' : status === 'error' || status === 'expired' ? '$(warning)' : '$(cloud)';
      this.item.text = `${icon} ${profile} · ${session.alias}${left && status !== 'starting' ? ` · ${left}` : ''}`;
      this.item.tooltip = vscode.l10n.t('AWS Sessions: terminals use profile "{0}" from session "{1}" ({2}), {3}. Click to switch, start or stop.', profile, session.alias, session.region, active.error ? `${statusWords(status)}: ${active.error}` : statusWords(status));
      if (status === 'expired' || status === 'error') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      else if (status === 'expiring') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      const wait = status === 'starting' ? undefined : untilRemainingChanges(ms);
      if (wait !== undefined) this.timer = setTimeout(() => this.render(), wait);
    }
    this.showAccountChecks(state);
    this.item.show();
    this.visible = true;
  }

  /**
   * Folders that expect accounts (awsSessions.terminal.expectedAccountIds, or the project file's expectedAccountIds for
   * the folder's profile) whose terminal profile resolves elsewhere: error colour and why.
   */
  private showAccountChecks(state: PersistedState): void {
    const problems: Array<{ check: AccountCheck; reason: string }> = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const profile = folderTerminalProfile(state, folder);
      if (!profile) continue;
      const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).get<unknown>(Settings.terminalExpectedAccountIds);
      const expected = expectedAccountsFor(setting, profile, this.declaredExpected(folder));
      const check = expected.length > 0 ? checkAccount(state, profile, expected) : undefined;
      if (check && check.verdict !== 'ok') problems.push({ check, reason: describeAccountCheck(check, folder.name) });
    }
    if (problems.length === 0) return;
    const wrong = problems.some((p) => p.check.verdict === 'wrong');
    this.item.text = `${wrong ? '$(error)' : '$(warning)'} ${this.item.text.replace(/^\$\([^)]*\) /, '')} · ${wrong ? vscode.l10n.t('wrong account') : vscode.l10n.t('account unknown')}`;
    this.item.tooltip = `${problems.map((p) => p.reason).join('\n')}\n\n${String(this.item.tooltip ?? '')}`;
    this.item.backgroundColor = new vscode.ThemeColor(wrong ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
  }
}
