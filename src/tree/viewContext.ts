/** The context keys the view's welcome content and the walkthrough read, from one snapshot of the state. */
import * as vscode from 'vscode';
import { ContextKeys } from '../core/constants';
import type { PersistedState } from '../core/model';

/**
 * Sets what the snapshot says (any session or integration, any active session), then `loaded`: the view
 * shows its empty-state text only once `loaded` is set, so the order keeps an existing user from ever
 * seeing "No AWS sessions yet".
 */
export async function setViewContext(snapshot: PersistedState): Promise<void> {
  const set = (key: string, value: boolean) => vscode.commands.executeCommand('setContext', key, value);
  await Promise.all([
    set(ContextKeys.hasSessions, snapshot.sessions.length > 0 || (snapshot.integrations?.length ?? 0) > 0),
    set(ContextKeys.hasActiveSession, Object.values(snapshot.active).some((active) => active.status === 'active')),
  ]);
  await set(ContextKeys.loaded, true);
}

/** The first read failed: the view says so (with the log a click away) instead of loading for ever. */
export async function setViewLoadFailed(): Promise<void> {
  await vscode.commands.executeCommand('setContext', ContextKeys.loadFailed, true);
}
