/**
 * IAM Identity Center integrations: add, edit, sync accounts and roles into sessions, log out, delete.
 * Logging in, tokens and role credentials are `SsoAccess` (ssoAccess.ts), which the sessions use; this
 * service is built after them, because a sync, a logout and a delete stop the sessions they concern.
 */
import type { SsoIntegration } from '../model';
import type { Clock, Logger, SecretVault, StateStore } from '../ports';
import { dependentsOf } from '../sessionGraph';
import { clearCachedCredentials } from '../credentialCache';
import { validateIntegration, type IntegrationValues } from './integrationForm';
import { requireIntegration, type SsoAccess } from './ssoAccess';
import type { SsoPortal } from './portal';
import { readOrganisation, type SyncOptions } from './sync';
import { isSsoSessionOf, mergeBatch, roleKey, vanished } from './merge';
import { DEFAULT_PROFILE_TEMPLATE, ProfileNamer, profileIdFor, renderProfileName, takenProfileNames } from './profileNames';
import { newId } from '../ids';
import { t } from '../l10n';

export type { LoginState } from './ssoAccess';

export interface SsoServiceDeps {
  state: StateStore;
  secrets: SecretVault;
  portal: SsoPortal;
  clock: Clock;
  logger: Logger;
  /** Login and tokens of integrations. */
  access: SsoAccess;
  /** Stops a session (withdrawing its delivered credentials). */
  stopSession: (sessionId: string) => Promise<void>;
  /** Moves a session to another profile (an active one restarts there). */
  moveToProfile?: (sessionId: string, profileName: string) => Promise<void>;
  /** How new role sessions are named and placed: the template and default region settings, the names in the user's AWS files. */
  naming?: () => Promise<SyncNaming>;
  newId?: () => string;
}

export interface SyncNaming {
  template: string;
  /** `awsSessions.defaultRegion`; the SSO region when unset. */
  defaultRegion?: string;
  namesInFiles: readonly string[];
}

/** One synced role whose profile the template would change. */
export interface ProfileRename {
  sessionId: string;
  alias: string;
  from: string;
  to: string;
  active: boolean;
}

export interface SyncReport {
  accounts: number;
  added: number;
  removed: number;
  kept: number;
  /** Aliases of sessions that referred to a removed one (e.g. chained roles that lost their assumer). */
  orphaned: string[];
}

export class SsoService {
  private readonly newId: () => string;

  constructor(private readonly deps: SsoServiceDeps) {
    this.newId = deps.newId ?? newId;
  }

  async integration(id: string): Promise<SsoIntegration> {
    return requireIntegration(await this.deps.state.read(), id);
  }

  async addIntegration(values: IntegrationValues): Promise<SsoIntegration> {
    const clean = validateIntegration(values, await this.deps.state.read());
    const integration: SsoIntegration = { id: this.newId(), ...clean };
    await this.deps.state.update((s) => {
      validateIntegration(clean, s);
      (s.integrations ??= []).push(integration);
    });
    this.deps.logger.info(`Integration "${integration.alias}" added (${integration.startUrl}, ${integration.ssoRegion}).`);
    return integration;
  }

  /** Change alias, start URL or region; a new URL or region logs out (the token belongs to the old one). */
  async editIntegration(id: string, values: IntegrationValues): Promise<SsoIntegration> {
    const before = await this.integration(id);
    const clean = validateIntegration(values, await this.deps.state.read(), id);
    if (clean.startUrl !== before.startUrl || clean.ssoRegion !== before.ssoRegion) await this.logout(id, { remote: true });
    await this.deps.state.update((s) => {
      const i = s.integrations?.find((x) => x.id === id);
      if (!i) return;
      if (!clean.sessionRegion) delete i.sessionRegion;
      Object.assign(i, clean);
    });
    return this.integration(id);
  }

  /** Read every account and role and make the sessions match, batch by batch. */
  async sync(id: string, options: { interactive?: boolean; signal?: AbortSignal; onProgress?: (p: { done: number; listed: number }) => void } & Pick<SyncOptions, 'batchMs' | 'batchSize'> = {}): Promise<SyncReport> {
    const integration = await this.integration(id);
    const region = integration.ssoRegion;
    const naming = await this.deps.naming?.();
    const mergeOptions = { template: naming?.template, namesInFiles: naming?.namesInFiles, region: naming?.defaultRegion };
    let added = 0;
    const accounts = await this.deps.access.withToken(integration, options.interactive ?? false, t('Log in to sync its accounts.'), (token) =>
      readOrganisation(this.deps.portal, region, token, {
        signal: options.signal,
        batchMs: options.batchMs,
        batchSize: options.batchSize,
        onBatch: async (batch, progress) => {
          await this.deps.state.update((s) => {
            const current = s.integrations?.find((i) => i.id === id);
            if (current) added += mergeBatch(s, current, batch, this.newId, mergeOptions);
          });
          options.onProgress?.({ done: progress.done, listed: progress.listed });
        },
      }),
    );
    const seen = new Set(accounts.flatMap((a) => a.roles.map((r) => roleKey(a.accountId, r))));
    const gone = vanished(await this.deps.state.read(), id, seen);
    const goneIds = new Set(gone.map((s) => s.id));
    const before = await this.deps.state.read();
    for (const s of gone) if (before.active[s.id]) await this.deps.stopSession(s.id);
    let orphaned: string[] = [];
    let kept = 0;
    await this.deps.state.update((s) => {
      orphaned = dependentsOf(s.sessions, goneIds).map((d) => d.alias);
      s.sessions = s.sessions.filter((x) => !goneIds.has(x.id));
      for (const gid of goneIds) delete s.active[gid];
      kept = s.sessions.filter((x) => isSsoSessionOf(x, id)).length;
      const current = s.integrations?.find((i) => i.id === id);
      if (current) {
        current.lastSyncAt = new Date(this.deps.clock.now()).toISOString();
        current.accountCount = accounts.length;
      }
    });
    for (const gid of goneIds) await clearCachedCredentials(this.deps.secrets, gid);
    const report: SyncReport = { accounts: accounts.length, added, removed: gone.length, kept: kept - added, orphaned };
    this.deps.logger.info(
      `Integration "${integration.alias}": synced ${report.accounts} accounts; ${report.added} sessions added, ${report.removed} removed, ${report.kept} kept.` +
        (orphaned.length ? ` Sessions that lost their assumer: ${orphaned.join(', ')}.` : ''),
    );
    return report;
  }

  /**
   * What re-applying the profile name template to every role of the integration would change (a
   * preview: nothing is written). Names stay unique against the user's files and the other sessions.
   * `only`: just these sessions (a selection); the integration's other roles keep their names.
   */
  async planProfileNames(id: string, only?: ReadonlySet<string>): Promise<ProfileRename[]> {
    const integration = await this.integration(id);
    const naming = await this.deps.naming?.();
    const state = await this.deps.state.read();
    const own = state.sessions.filter((s) => isSsoSessionOf(s, id)).filter((s) => !only || only.has(s.id)).sort((a, b) => roleKey(a.accountId, a.roleName).localeCompare(roleKey(b.accountId, b.roleName)));
    const namer = new ProfileNamer(takenProfileNames(state, naming?.namesInFiles ?? [], new Set(own.map((s) => s.id))));
    const names = new Map(state.profiles.map((p) => [p.id, p.name]));
    const template = naming?.template ?? DEFAULT_PROFILE_TEMPLATE;
    const plan: ProfileRename[] = [];
    for (const s of own) {
      const values = { accountName: s.accountName ?? s.accountId, accountId: s.accountId, roleName: s.roleName, integration: integration.alias, region: s.region };
      const to = namer.claim(renderProfileName(template, values), s.accountId);
      const from = names.get(s.profileId) ?? '';
      if (to !== from) plan.push({ sessionId: s.id, alias: s.alias, from, to, active: state.active[s.id]?.status === 'active' });
    }
    return plan;
  }

  /** Applies a plan of `planProfileNames`: inactive sessions in one update, active ones moved (and restarted) one by one. */
  async applyProfileNames(plan: readonly ProfileRename[]): Promise<{ moved: number; failed: Array<{ alias: string; reason: string }> }> {
    const inactive = new Map(plan.filter((p) => !p.active).map((p) => [p.sessionId, p.to]));
    let moved = 0;
    await this.deps.state.update((s) => {
      for (const session of s.sessions) {
        const to = inactive.get(session.id);
        if (to === undefined || s.active[session.id]?.status === 'active') continue;
        session.profileId = profileIdFor(s, to, this.newId);
        moved += 1;
      }
    });
    const failed: Array<{ alias: string; reason: string }> = [];
    for (const p of plan.filter((x) => x.active)) {
      try {
        if (!this.deps.moveToProfile) throw new Error(t('moving an active session is not available here'));
        await this.deps.moveToProfile(p.sessionId, p.to);
        moved += 1;
      } catch (error) {
        failed.push({ alias: p.alias, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    this.deps.logger.info(`Profile names: ${moved} session(s) moved to their template name${failed.length ? `, ${failed.length} not: ${failed.map((f) => `"${f.alias}" (${f.reason})`).join('; ')}` : ''}.`);
    return { moved, failed };
  }

  /** Portal Logout, tokens deleted, the integration's sessions stopped and their cached credentials dropped. */
  async logout(id: string, options: { remote?: boolean } = {}): Promise<void> {
    const integration = await this.integration(id);
    await this.deps.access.logout(integration, options);
    const state = await this.deps.state.read();
    const own = state.sessions.filter((s) => isSsoSessionOf(s, id));
    for (const s of own) if (state.active[s.id]) await this.deps.stopSession(s.id);
    for (const s of own) await clearCachedCredentials(this.deps.secrets, s.id);
    this.deps.logger.info(`Integration "${integration.alias}": logged out; its ${own.length} sessions are kept, inactive.`);
  }

  /** Log out, then remove the integration, its sessions and every secret of both. */
  async deleteIntegration(id: string): Promise<{ removed: number; orphaned: string[] }> {
    const integration = await this.integration(id);
    await this.logout(id);
    const state = await this.deps.state.read();
    const ids = new Set(state.sessions.filter((s) => isSsoSessionOf(s, id)).map((s) => s.id));
    let orphaned: string[] = [];
    await this.deps.state.update((s) => {
      orphaned = dependentsOf(s.sessions, ids).map((d) => d.alias);
      s.sessions = s.sessions.filter((x) => !ids.has(x.id));
      for (const sid of ids) delete s.active[sid];
      s.integrations = (s.integrations ?? []).filter((i) => i.id !== id);
    });
    // Integration-derived sessions store only cached role credentials.
    for (const sid of ids) await clearCachedCredentials(this.deps.secrets, sid);
    await this.deps.access.forget(id);
    this.deps.logger.info(`Integration "${integration.alias}" deleted with its ${ids.size} sessions.`);
    return { removed: ids.size, orphaned };
  }
}
