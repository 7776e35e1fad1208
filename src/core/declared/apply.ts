/**
 * Carry out a declared-sessions plan the user confirmed: integrations and IAM Identity Center roles
 * straight into the state (a sync creates those, and no form does), every other session through the
 * session editor (the same checks as the form, secrets none), each marked `declaredBy` the folder.
 * One failure does not stop the rest; each is reported with the session's name and the cause.
 */
import type { AwsSsoSession, DeclaredMark, PersistedState, SsoIntegration } from '../model';
import type { Logger, StateStore } from '../ports';
import type { SessionEditor } from '../sessionEditor';
import type { SsoService } from '../sso/ssoService';
import { validateIntegration } from '../sso/integrationForm';
import { findOrAddProfile } from '../sessionLookup';
import { errorMessage, UserFacingError } from '../errors';
import { formValuesOf, ssoRegionOf, type DeclaredPlan, type PlanItem, type PlanOptions } from './plan';
import type { DeclaredFile, DeclaredSession } from './file';
import { t } from '../l10n';

export interface DeclaredApplyDeps {
  state: StateStore;
  editor: Pick<SessionEditor, 'save'>;
  /** Edits an integration (a new portal or region logs it out first). */
  sso: Pick<SsoService, 'editIntegration'>;
  newId: () => string;
  logger: Logger;
}

export interface DeclaredApplyReport {
  added: string[];
  updated: string[];
  released: string[];
  failed: Array<{ alias: string; reason: string }>;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function applyDeclaredPlan(deps: DeclaredApplyDeps, plan: DeclaredPlan, file: DeclaredFile, options: PlanOptions = {}): Promise<DeclaredApplyReport> {
  const report: DeclaredApplyReport = { added: [], updated: [], released: [], failed: [] };
  const mark = (name: string): DeclaredMark => ({ folder: plan.folder, name });
  const run = async (item: PlanItem, work: () => Promise<void>) => {
    try {
      await work();
      (item.action === 'add' ? report.added : item.action === 'update' ? report.updated : report.released).push(item.alias);
    } catch (error) {
      report.failed.push({ alias: item.alias, reason: errorMessage(error) });
      deps.logger.warn(`Declared sessions of ${plan.folder}: "${item.alias}" not ${item.action === 'add' ? 'added' : item.action === 'update' ? 'updated' : 'released'}: ${errorMessage(error)}`);
    }
  };

  for (const item of plan.items) {
    if (item.what !== 'integration' || item.action === 'release') continue;
    const values = { alias: item.entry.alias, startUrl: item.entry.startUrl, ssoRegion: item.entry.region, sessionRegion: item.entry.sessionRegion };
    if (item.action === 'add') {
      await run(item, () =>
        deps.state
          .update((s) => {
            const integration: SsoIntegration = { id: deps.newId(), ...validateIntegration(values, s), declaredBy: mark(item.entry.alias) };
            (s.integrations ??= []).push(integration);
          })
          .then(() => undefined),
      );
    } else {
      await run(item, () => deps.sso.editIntegration(item.id, values).then(() => undefined));
    }
  }

  for (const item of plan.items) {
    if (item.what !== 'session' || item.action === 'release') continue;
    await run(item, async () => {
      const state = await deps.state.read();
      const entry = item.entry;
      const region = entry.type === 'sso' ? ssoRegionOf(entry, file, options) : (entry.region ?? '');
      const values = formValuesOf(entry, region, entry.type === 'chained' ? assumerIdOf(state, entry, plan.folder) : '');
      if (item.action === 'update') await deps.editor.save(item.kind, values, item.id);
      else if (entry.type === 'sso') await addSsoRole(deps, entry, region, mark(entry.alias), file);
      else await deps.editor.save(item.kind, values, undefined, { declaredBy: mark(entry.alias) });
    });
  }

  const released = new Map(plan.items.filter((i) => i.action === 'release').map((i) => [i.id, i]));
  if (released.size) {
    await deps.state.update((s) => {
      for (const x of [...s.sessions, ...(s.integrations ?? [])]) if (released.has(x.id) && x.declaredBy?.folder === plan.folder) delete x.declaredBy;
    });
    report.released.push(...[...released.values()].map((i) => i.alias));
  }
  deps.logger.info(
    `Declared sessions of ${plan.folder}: ${report.added.length} added, ${report.updated.length} updated, ${report.released.length} no longer declared (kept), ${report.failed.length} failed.`,
  );
  return report;
}

/** The assumer's id now: the session this folder declared under that name, else the user's session of that alias. */
function assumerIdOf(state: PersistedState, entry: DeclaredSession & { type: 'chained' }, folder: string): string {
  const declared = state.sessions.find((s) => s.declaredBy?.folder === folder && same(s.declaredBy.name, entry.assumer));
  const found = declared ?? state.sessions.find((s) => same(s.alias, entry.assumer));
  if (!found) throw new UserFacingError(t('Its assumer "{0}" was not added.', entry.assumer), t('Fix the assumer named above, then apply the project sessions again.'));
  return found.id;
}

/** An IAM Identity Center role as a sync would add it (the next sync fills in the account's name). */
async function addSsoRole(deps: DeclaredApplyDeps, entry: DeclaredSession & { type: 'sso' }, region: string, declaredBy: DeclaredMark, file: DeclaredFile): Promise<void> {
  const integrationEntry = file.integrations.find((i) => same(i.alias, entry.integration));
  await deps.state.update((s) => {
    const integration =
      (s.integrations ?? []).find((i) => i.declaredBy?.folder === declaredBy.folder && same(i.declaredBy.name, entry.integration)) ??
      (s.integrations ?? []).find((i) => !!integrationEntry && i.startUrl === integrationEntry.startUrl && i.ssoRegion === integrationEntry.region);
    if (!integration) throw new UserFacingError(t('Its integration "{0}" was not added.', entry.integration), t('Fix the integration named above, then apply the project sessions again.'));
    if (s.sessions.some((x) => same(x.alias, entry.alias))) throw new UserFacingError(t('Another session is named "{0}" now.', entry.alias), t('Rename one of them, then apply the project sessions again.'));
    const session: AwsSsoSession = {
      id: deps.newId(),
      kind: 'awsSso',
      alias: entry.alias,
      profileId: findOrAddProfile(s, entry.profile, deps.newId).id,
      region,
      integrationId: integration.id,
      accountId: entry.accountId,
      accountName: entry.accountId,
      roleName: entry.roleName,
      declaredBy,
    };
    s.sessions.push(session);
  });
}
