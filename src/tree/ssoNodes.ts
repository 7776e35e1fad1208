/**
 * The IAM Identity Center part of the sessions tree: integration folders show whether the user is
 * logged in (in the description, icon and context value, so menus offer Log In or Log Out), account
 * folders their id. Login states are read asynchronously outside getChildren and kept here.
 */
import * as vscode from 'vscode';
import type { GroupNode } from '../core/treeModel';
import type { PersistedState } from '../core/model';
import type { LoginState, SsoAccess } from '../core/sso/ssoAccess';
import { integrationIdOfFolder, SSO_ACCOUNT_FOLDER, SSO_INTEGRATION_FOLDER } from '../core/sessions/awsSso';

const loginWords = (state: LoginState): string => ({ loggedIn: vscode.l10n.t('logged in'), expired: vscode.l10n.t('login expired'), loggedOut: vscode.l10n.t('logged out') })[state];

export class SsoTreeDecorations {
  private readonly states = new Map<string, LoginState>();
  private readonly syncing = new Map<string, string>();

  /** Returns true when something shown changed. */
  setLoginState(integrationId: string, state: LoginState): boolean {
    if (this.states.get(integrationId) === state) return false;
    this.states.set(integrationId, state);
    return true;
  }

  /** Progress text shown on the integration while it syncs (undefined when done). */
  setSyncing(integrationId: string, text: string | undefined): void {
    if (text === undefined) this.syncing.delete(integrationId);
    else this.syncing.set(integrationId, text);
  }

  loginState(integrationId: string): LoginState {
    return this.states.get(integrationId) ?? 'loggedOut';
  }

  /** Reads the login state of every integration; true when one shown changed. */
  async readLoginStates(access: Pick<SsoAccess, 'loginState'>, snapshot: PersistedState): Promise<boolean> {
    let changed = false;
    for (const integration of snapshot.integrations ?? []) {
      if (this.setLoginState(integration.id, await access.loginState(integration.id))) changed = true;
    }
    return changed;
  }

  /**
   * Folded by default: the integration and its accounts. An organisation may have thousands of
   * accounts, and every tree refresh re-sends the items of expanded folders: measured in the extension
   * host during a 1,000-account sync, an expanded integration cost up to 0.8 s of event loop per batch.
   */
  static folded(node: GroupNode): boolean {
    return node.role === SSO_ACCOUNT_FOLDER || node.role === SSO_INTEGRATION_FOLDER;
  }

  decorate(item: vscode.TreeItem, node: GroupNode): void {
    if (node.role === SSO_ACCOUNT_FOLDER) {
      item.contextValue = 'ssoAccount';
      return;
    }
    if (node.role !== SSO_INTEGRATION_FOLDER) return;
    const id = integrationIdOfFolder(node.id);
    if (!id) return;
    const state = this.loginState(id);
    const syncing = this.syncing.get(id);
    item.iconPath = new vscode.ThemeIcon(syncing ? 'sync~spin' : 'organization', state === 'loggedIn' ? undefined : new vscode.ThemeColor('disabledForeground'));
    item.description = [node.description, syncing ?? loginWords(state)].filter(Boolean).join(' · ');
    item.contextValue = `ssoIntegration:${state}${syncing ? ':syncing' : ''}`;
    item.tooltip = vscode.l10n.t('IAM Identity Center integration "{0}" — {1}', String(node.label), loginWords(state));
  }
}
