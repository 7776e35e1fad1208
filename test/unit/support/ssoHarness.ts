/** The core's IAM Identity Center pieces wired to the local AWS double, with in-memory editor fakes. */
import { SessionService } from '../../../src/core/sessionService';
import { SdkOidcGateway } from '../../../src/core/sso/oidc';
import { SsoPortal } from '../../../src/core/sso/portal';
import { SsoService, type SsoServiceDeps } from '../../../src/core/sso/ssoService';
import { SsoAccess, type SsoAccessDeps } from '../../../src/core/sso/ssoAccess';
import type { LoginUi } from '../../../src/core/sso/login';
import type { DeviceAuthorization } from '../../../src/core/sso/oidc';
import { systemClock } from '../../../src/core/ports';
import { startLocalAws, type LocalAws, type SsoSettings } from '../../double';
import { FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from './fakes';

export interface SsoHarness {
  aws: LocalAws;
  secrets: MemorySecretVault;
  state: MemoryStateStore;
  delivery: MemoryDelivery;
  logger: RecordingLogger;
  sessions: SessionService;
  /** Login, tokens and role credentials. */
  access: SsoAccess;
  /** Integrations: add, sync, log out, delete. */
  sso: SsoService;
  portal: SsoPortal;
  /** Device codes shown to the "user". */
  shown: DeviceAuthorization[];
  /** Interactive logins the service asked for (reasons). */
  loginRequests: string[];
  /** A LoginUi that approves device codes in the double and follows PKCE redirects like a browser. */
  ui(options?: { approve?: boolean; signal?: AbortSignal }): LoginUi;
  close(): Promise<void>;
}

export async function ssoHarness(settings: Partial<SsoSettings> = {}, accessDeps: Partial<SsoAccessDeps> = {}, serviceDeps: Partial<SsoServiceDeps> = {}): Promise<SsoHarness> {
  const aws = await startLocalAws({ sso: { pollIntervalSeconds: 1, ...settings } });
  const secrets = new MemorySecretVault();
  const state = new MemoryStateStore();
  const delivery = new MemoryDelivery();
  const logger = new RecordingLogger();
  const shown: DeviceAuthorization[] = [];
  const loginRequests: string[] = [];
  const portal = new SsoPortal({ endpoint: () => aws.endpoint });
  const ui = (options: { approve?: boolean; signal?: AbortSignal } = {}): LoginUi => ({
    signal: options.signal ?? new AbortController().signal,
    report: () => undefined,
    showDeviceCode: (auth) => {
      shown.push(auth);
      if (options.approve !== false) aws.sso.decide(auth.userCode, true);
    },
    openUrl: async (url) => {
      if (url.includes('/authorize')) {
        // A browser: the portal redirects to the loopback, which answers.
        const res = await fetch(url, { redirect: 'follow' });
        await res.text();
      }
      return true;
    },
  });
  // The order of the extension: access to the portal, the sessions (which get role credentials from it), the integrations (which stop sessions).
  const access = new SsoAccess({
    state,
    secrets,
    oidc: new SdkOidcGateway({ endpoint: () => aws.endpoint }),
    portal,
    clock: systemClock,
    logger,
    loginFlow: () => 'device',
    sleep: (ms, signal) => new Promise((resolve, reject) => {
      const t = setTimeout(resolve, Math.min(ms, 1100));
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      });
    }),
    interactiveLogin: async (integration, reason, login) => {
      loginRequests.push(reason);
      await login(ui());
      return true;
    },
    ...accessDeps,
  });
  const sessions = new SessionService({
    state,
    secrets,
    sts: new FakeSts(systemClock),
    prompter: new ScriptedPrompter(),
    clock: systemClock,
    logger,
    delivery,
    sso: access,
  });
  const sso = new SsoService({
    state,
    secrets,
    portal,
    clock: systemClock,
    logger,
    access,
    stopSession: (id) => sessions.lifecycle.stop(id),
    moveToProfile: (id, profileName) => sessions.editor.relocate(id, { profileName }),
    ...serviceDeps,
  });
  return {
    aws,
    secrets,
    state,
    delivery,
    logger,
    sessions,
    access,
    sso,
    portal,
    shown,
    loginRequests,
    ui,
    close: () => {
      portal.dispose();
      return aws.close();
    },
  };
}
