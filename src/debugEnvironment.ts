/**
 * Debug sessions get what terminals get: a provider for every debug type adds the folder's profile and region
 * (or the credentials endpoint's variables with `terminal.delivery` = `endpoint`; the credentials themselves
 * only with `terminal.injectCredentials`) to the `env` of each launch configuration, unless the configuration
 * sets them itself (in `env` or its `envFile`). Attach configurations are left alone (no process is started).
 *
 * Tasks: VS Code lets a provider resolve only tasks of its own type, so shell/process tasks are not rewritten;
 * they run in integrated terminals, which get the terminal environment collection (`terminal.ts`) already.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { mergeLaunchEnv, dotenvNames } from './core/launchEnv';
import type { StateStore } from './core/ports';
import { environmentSettings, pinnedProfile, sessionEnvironment, type TerminalEnvironmentOptions } from './terminal';

export interface DebugEnvironmentDeps extends Pick<TerminalEnvironmentOptions, 'credentialsFor' | 'endpointVariables'> {
  state: Pick<StateStore, 'read'>;
}

export class DebugEnvironmentProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly deps: DebugEnvironmentDeps) {}

  /** Registered for every debug type ('*'); the returned Disposable goes to the extension's subscriptions. */
  static register(deps: DebugEnvironmentDeps): vscode.Disposable {
    return vscode.debug.registerDebugConfigurationProvider('*', new DebugEnvironmentProvider(deps));
  }

  // After variable substitution, so `envFile: "${workspaceFolder}/.env"` is a path that can be read.
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    if (config.request !== 'launch') return config;
    const state = await this.deps.state.read();
    const pinned = folder ? pinnedProfile(folder) : undefined;
    const { env } = await sessionEnvironment(state, pinned ?? state.terminalProfile, environmentSettings(), this.deps);
    // A folder that pins a profile gets that profile, active or not (as its terminals do).
    const ours = pinned && Object.keys(env).length === 0 ? { AWS_PROFILE: pinned } : env;
    if (Object.keys(ours).length === 0) return config;
    const merged = mergeLaunchEnv(config.env, await envFileNames(config.envFile), ours);
    return merged ? { ...config, env: merged } : config;
  }
}

/** Names an `envFile` defines; none when it is absent or unreadable (the debugger reports that itself). */
async function envFileNames(envFile: unknown): Promise<string[]> {
  if (typeof envFile !== 'string' || !envFile) return [];
  try {
    return dotenvNames(await readFile(envFile, 'utf8'));
  } catch {
    return [];
  }
}
