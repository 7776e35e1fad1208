/**
 * The small interfaces through which the core reaches what the editor provides.
 * src/extension.ts wires VS Code implementations; tests use in-memory fakes.
 */
import type { PersistedState } from './model';

export interface Disposable {
  dispose(): void;
}

/** A namespaced wrapper over VS Code SecretStorage. */
export interface SecretVault {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Non-secret persisted state, shared by every window. The states it gives (read, update, onDidChange) are
 * read-only snapshots, frozen and shared by every reader: change the state only inside `update`.
 */
export interface StateStore {
  read(): Promise<PersistedState>;
  /** Read-modify-write under a lock shared by every window and the CLI. */
  update(mutate: (state: PersistedState) => PersistedState | void): Promise<PersistedState>;
  onDidChange(listener: (state: PersistedState) => void): Disposable;
}

export interface MfaRequest {
  sessionAlias: string;
  mfaSerial: string;
  oathAccount?: string;
}

export interface Prompter {
  /** Ask for an MFA code; undefined when the user cancels. `oathAccount`: the YubiKey OATH account the user named for it. */
  askMfaCode(request: MfaRequest): Promise<string | undefined>;
}

export interface Clock {
  now(): number;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
