/** The sessions view: refresh, the log, filter, flat or grouped, reveal the active session. */
import * as vscode from 'vscode';
import { Commands, ContextKeys, SETTINGS_SECTION, Settings } from '../core/constants';
import type { StateStore } from '../core/ports';
import type { ViewMode } from '../core/treeModel';
import type { SessionTreeProvider, TreeNode } from '../tree/sessionTree';
import { activeSessionOfProfile } from '../core/sessionLookup';
import { inform } from './report';
import type { CommandTable } from './table';

export interface ViewCommandDeps {
  state: Pick<StateStore, 'read'>;
  tree: SessionTreeProvider;
  view: vscode.TreeView<TreeNode>;
  showLog: () => void;
  /** Re-reads the state and renders every view of it. */
  refresh: () => Promise<void>;
}

export function viewCommands(deps: ViewCommandDeps) {
  async function setMode(mode: ViewMode): Promise<void> {
    deps.tree.setMode(mode);
    await vscode.commands.executeCommand('setContext', ContextKeys.viewMode, mode);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.treeViewMode, mode, vscode.ConfigurationTarget.Global);
  }

  function describeFilter(): void {
    const model = deps.tree.current;
    deps.view.message = deps.tree.filter && model ? vscode.l10n.t('Filter "{0}": {1} of {2} sessions', deps.tree.filter, model.shown, model.total) : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, !!deps.tree.filter);
  }

  return {
    [Commands.refreshTree]: () => deps.refresh(),
    [Commands.showLog]: () => deps.showLog(),
    [Commands.filter]: async () => {
      const box = vscode.window.createInputBox();
      box.title = vscode.l10n.t('AWS Sessions: filter');
      box.placeholder = vscode.l10n.t('alias, account name or id, role, profile or region (all words must match)');
      box.value = deps.tree.filter;
      const before = deps.tree.filter;
      let accepted = false;
      box.onDidChangeValue((value) => {
        deps.tree.setFilter(value.trim());
        describeFilter();
      });
      box.onDidAccept(() => {
        accepted = true;
        box.hide();
      });
      box.onDidHide(() => {
        if (!accepted) deps.tree.setFilter(before);
        describeFilter();
        box.dispose();
      });
      box.show();
    },
    [Commands.clearFilter]: () => {
      deps.tree.setFilter('');
      describeFilter();
    },
    [Commands.viewFlat]: () => setMode('flat'),
    [Commands.viewGrouped]: () => setMode('grouped'),
    [Commands.revealActive]: async () => {
      const state = await deps.state.read();
      const found = activeSessionOfProfile(state, state.terminalProfile) ?? Object.values(state.active).map((a) => ({ session: state.sessions.find((s) => s.id === a.sessionId)! }))[0];
      const node = found?.session && deps.tree.nodeFor(found.session.id);
      if (!node) {
        inform(vscode.l10n.t('no active session to show.'));
        return;
      }
      await deps.view.reveal(node, { select: true, focus: true, expand: true });
    },
  } satisfies CommandTable;
}
