/**
 * The session API the extension, the IPC handlers and the CLI use: three parts built around one credential
 * resolver, which is what this class hides (the lifecycle and the editor share it; the editor restarts
 * through the lifecycle). Callers use the parts directly:
 * - `resolver`   credentialResolver.ts  single-flight credentials and what this process remembers of them
 * - `lifecycle`  sessionLifecycle.ts    start, stop, refresh (rotation), expiry
 * - `editor`     sessionEditor.ts       save, delete, test credentials, per-session settings
 * - `state`      the shared state they work on
 */
import type { DeliveryMode } from './model';
import type { StateStore } from './ports';
import type { CredentialsDelivery } from './delivery';
import { CredentialResolver, type CredentialResolverDeps } from './credentialResolver';
import { SessionLifecycle } from './sessionLifecycle';
import { SessionEditor } from './sessionEditor';
import { newId } from './ids';

export type { CredentialOptions } from './credentialResolver';
export type { TestResult } from './sessionEditor';

/** What the credential resolver needs (state, vault, STS, prompts, SAML, SSO, the cross-window lock), plus delivery. */
export interface SessionServiceDeps extends CredentialResolverDeps {
  delivery: CredentialsDelivery;
  newId?: () => string;
  /** Mode of sessions that have none of their own (the awsSessions.deliveryMode setting). */
  defaultDeliveryMode?: () => DeliveryMode;
  /** Removes what a deleted session keeps outside the state and the secrets (see SessionEditorDeps). */
  forgetLocalData?: (sessionId: string) => Promise<unknown>;
}

export class SessionService {
  readonly state: StateStore;
  readonly resolver: CredentialResolver;
  readonly lifecycle: SessionLifecycle;
  readonly editor: SessionEditor;

  constructor(deps: SessionServiceDeps) {
    this.state = deps.state;
    this.resolver = new CredentialResolver(deps);
    this.lifecycle = new SessionLifecycle({ ...deps, credentials: this.resolver });
    this.editor = new SessionEditor({ ...deps, newId: deps.newId ?? newId, credentials: this.resolver, lifecycle: this.lifecycle });
  }

  /** Stops the resolver following the shared state. */
  dispose(): void {
    this.resolver.dispose();
  }
}
