import type * as vscode from 'vscode';
import type { SecretVault } from '../core/ports';

/** SecretStorage behind the core's SecretVault; keys are namespaced by core/constants SecretKeys. */
export class VsCodeSecretVault implements SecretVault {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.storage.get(key));
  }

  store(key: string, value: string): Promise<void> {
    return Promise.resolve(this.storage.store(key, value));
  }

  delete(key: string): Promise<void> {
    return Promise.resolve(this.storage.delete(key));
  }
}
