/**
 * Integrated terminal environment: AWS_PROFILE and the region of the terminal profile's active session,
 * per workspace folder where a folder pins its own profile, optionally the credentials themselves; or, with
 * `terminal.delivery` = `endpoint`, the credentials endpoint's URL and token instead of the profile.
 * Never persisted by VS Code; changed only when what a terminal would get changes.
 */
import * as vscode from 'vscode';
import type { ActiveSession, AwsCredentials, PersistedState, Session } from './core/model';
import { activeSessionOfProfile, profileOf } from './core/sessionLookup';
import { SETTINGS_SECTION, Settings, type TerminalDelivery } from './core/constants';
import { DisposableOwner } from './core/disposables';

/** The profile a folder pins for its terminals (its folder or workspace value), undefined when none. */
export function pinnedProfile(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  if (!folder) return undefined;
  const pinned = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect<string>(Settings.terminalProfile);
  return (pinned?.workspaceFolderValue ?? pinned?.workspaceValue) || undefined;
}

/** The profile a folder's terminals use: the one it pins, else the window's terminal profile. */
export function folderTerminalProfile(state: PersistedState, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  return pinnedProfile(folder) ?? state.terminalProfile;
}

type Env = Record<string, string>;

/** What a process of the workspace gets: the settings that decide it, read once per render or launch. */
export interface EnvironmentSettings {
  inject: boolean;
  delivery: TerminalDelivery;
}

export function environmentSettings(): EnvironmentSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    inject: config.get<boolean>(Settings.terminalInjectCredentials) === true,
    delivery: config.get<string>(Settings.terminalDelivery) === 'endpoint' ? 'endpoint' : 'profile',
  };
}

/**
 * The AWS variables for the active session of a profile: the profile and region; or the credentials endpoint's
 * variables (delivery `endpoint`); with `inject`, also the credentials. Empty when no session of the profile is active.
 */
export async function sessionEnvironment(
  state: PersistedState,
  profileName: string | undefined,
  settings: EnvironmentSettings,
  options: Pick<TerminalEnvironmentOptions, 'credentialsFor' | 'endpointVariables'>,
): Promise<{ env: Env; description?: string }> {
  const found = activeSessionOfProfile(state, profileName);
  if (!found) return { env: {} };
  const region = { AWS_REGION: found.session.region, AWS_DEFAULT_REGION: found.session.region };
  if (settings.delivery === 'endpoint' && options.endpointVariables) {
    // The token lives only in non-persistent places: the terminals' collection, a launched process's environment.
    const variables = await options.endpointVariables(found.session.id).catch(() => undefined);
    if (variables) return { env: { ...variables, ...region }, description: vscode.l10n.t('AWS Sessions: credentials endpoint of session "{0}" (profile "{1}", {2})', found.session.alias, found.profile, found.session.region) };
    // The endpoint could not listen (the endpoint logged why): the profile still works.
  }
  const env: Env = { AWS_PROFILE: found.profile, ...region };
  if (settings.inject) {
    const credentials = await options.credentialsFor(found.session.id);
    if (credentials) {
      env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    }
  }
  return { env, description: vscode.l10n.t('AWS Sessions: profile "{0}" (session "{1}", {2})', found.profile, found.session.alias, found.session.region) };
}

export interface TerminalEnvironmentOptions {
  /** Credentials of an active session without prompting (undefined when not at hand). */
  credentialsFor: (sessionId: string) => Promise<AwsCredentials | undefined>;
  /** Folder of the `aws-sessions` shim, prepended to PATH so terminals can run the CLI. */
  binDir?: string;
  /** The credentials endpoint's variables of a session (`terminal.delivery` = `endpoint`); starts the endpoint. */
  endpointVariables?: (sessionId: string) => Promise<Env>;
}

export class TerminalEnvironment extends DisposableOwner implements vscode.Disposable {
  private readonly applied = new Map<string, string>();
  private state: PersistedState | undefined;
  private generation = 0;

  constructor(
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
    private readonly options: TerminalEnvironmentOptions,
  ) {
    super();
    // VS Code writes persistent collections to workspace storage as plain JSON: never persist.
    collection.persistent = false;
    this.prependPath();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.terminal`)) void this.render();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.render()));
  }

  private prependPath(): void {
    if (this.options.binDir) this.collection.prepend('PATH', `${this.options.binDir}${process.platform === 'win32' ? ';' : ':'}`);
  }

  update(state: PersistedState): Promise<void> {
    this.state = state;
    return this.render();
  }

  private async render(): Promise<void> {
    const state = this.state;
    if (!state) return;
    const generation = ++this.generation;
    const settings = environmentSettings();
    const wanted: Array<{ key: string; target: vscode.EnvironmentVariableCollection; env: Env; description?: string }> = [];
    const global = await sessionEnvironment(state, state.terminalProfile, settings, this.options);
    wanted.push({ key: 'global', target: this.collection, ...global });
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const profile = pinnedProfile(folder);
      const scoped = this.collection.getScoped({ workspaceFolder: folder });
      // A folder that pins a profile gets exactly that profile, active or not: no silent fallback to another account.
      const result = profile ? await sessionEnvironment(state, profile, settings, this.options) : { env: {} };
      if (profile && Object.keys(result.env).length === 0) result.env = { AWS_PROFILE: profile };
      wanted.push({ key: `folder:${folder.uri.toString()}`, target: scoped, ...result, description: result.description ?? (profile ? vscode.l10n.t('AWS Sessions: folder profile "{0}"', profile) : undefined) });
    }
    if (generation !== this.generation) return; // a newer render is on its way
    const signatures = wanted.map(({ key, env, description }) => [key, JSON.stringify([env, description ?? ''])] as const);
    if (signatures.length === this.applied.size && signatures.every(([key, sig]) => this.applied.get(key) === sig)) return; // no churn
    // VS Code applies mutators in insertion order, and a folder's scoped value must come after the
    // global one to win: rewrite all, global first.
    this.applied.clear();
    this.collection.clear();
    this.prependPath();
    for (const [index, { target, env, description }] of wanted.entries()) {
      this.applied.set(signatures[index][0], signatures[index][1]);
      for (const [name, value] of Object.entries(env)) target.replace(name, value);
      target.description = description;
    }
  }
}
