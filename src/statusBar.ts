/** One status bar item: the terminal's profile, its session alias and time left. */
import * as vscode from 'vscode';
import { Commands } from './core/constants';
import type { PersistedState } from './core/model';
import { formatRemaining } from './core/time';
import { displayStatus } from './core/treeModel';
import { activeSessionOfProfile } from './terminal';
import { statusWords } from './tree/sessionTree';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: PersistedState | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.item = vscode.window.createStatusBarItem('awsSessions.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('AWS Sessions');
    this.item.command = Commands.statusBarClick;
    this.timer = setInterval(() => this.render(), 15_000);
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
      const left = active.expiration ? formatRemaining(Date.parse(active.expiration) - this.now()) : '';
      const icon = status === 'starting' ? '$(loading~spin)' : status === 'error' || status === 'expired' ? '$(warning)' : '$(cloud)';
      this.item.text = `${icon} ${profile} · ${session.alias}${left && status !== 'starting' ? ` · ${left}` : ''}`;
      this.item.tooltip = vscode.l10n.t('AWS Sessions: terminals use profile "{0}" from session "{1}" ({2}), {3}. Click to switch, start or stop.', profile, session.alias, session.region, active.error ? `${statusWords(status)}: ${active.error}` : statusWords(status));
      if (status === 'expired' || status === 'error') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      else if (status === 'expiring') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
