/**
 * Integrated terminal environment: AWS_PROFILE and the region of the terminal profile's active session,
 * never persisted by VS Code, changed only when what a terminal would get changes.
 */
import type * as vscode from 'vscode';
import type { ActiveSession, PersistedState, Session } from './core/model';
import { profileOf } from './core/sessionService';

export function activeSessionOfProfile(
  state: PersistedState,
  profileName: string | undefined,
): { session: Session; active: ActiveSession; profile: string } | undefined {
  if (!profileName) return undefined;
  for (const session of state.sessions) {
    const active = state.active[session.id];
    if (active && active.status !== 'error' && profileOf(state, session).name === profileName) return { session, active, profile: profileName };
  }
  return undefined;
}

export class TerminalEnvironment {
  private applied = '';

  constructor(
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
    /** Folder of the `aws-sessions` shim, prepended to PATH so terminals can run the CLI. */
    private readonly binDir?: string,
  ) {
    // VS Code writes persistent collections to workspace storage as plain JSON: never persist.
    collection.persistent = false;
    this.prependPath();
  }

  private prependPath(): void {
    if (this.binDir) this.collection.prepend('PATH', `${this.binDir}${process.platform === 'win32' ? ';' : ':'}`);
  }

  update(state: PersistedState): void {
    const found = activeSessionOfProfile(state, state.terminalProfile);
    const wanted = found ? { AWS_PROFILE: found.profile, AWS_REGION: found.session.region, AWS_DEFAULT_REGION: found.session.region } : undefined;
    const key = JSON.stringify(wanted ?? null);
    if (key === this.applied) return; // no churn: terminals are flagged only on real changes
    this.applied = key;
    this.collection.clear();
    this.prependPath();
    if (!wanted || !found) {
      this.collection.description = 'AWS Sessions: the aws-sessions command';
      return;
    }
    for (const [name, value] of Object.entries(wanted)) this.collection.replace(name, value);
    this.collection.description = `AWS Sessions: profile "${found.profile}" (session "${found.session.alias}", ${found.session.region})`;
  }
}
