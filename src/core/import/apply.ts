/**
 * Applying an accepted import plan: sessions through the session service (keys into secret storage),
 * then, only when the user confirmed it, the static keys out of the files — after a backup, and only
 * if each file still holds exactly the bytes the preview was made from.
 */
import type { AwsFiles } from '../awsFiles/awsFiles';
import { errorMessage } from '../errors';
import type { Clock, Logger, StateStore } from '../ports';
import type { SessionEditor } from '../sessionEditor';
import type { ImportPlan, ImportSso } from './plan';
import { t } from '../l10n';

export interface ImportDeps {
  state: Pick<StateStore, 'read'>;
  editor: Pick<SessionEditor, 'save' | 'relocate'>;
  files: AwsFiles;
  clock: Clock;
  logger: Logger;
  /** Creates an IAM Identity Center integration; absent while the extension has none. */
  createIntegration?: (sso: ImportSso) => Promise<void>;
}

export interface ImportResult {
  created: Array<{ profile: string; alias: string; sessionId: string; kind: string }>;
  failed: Array<{ profile: string; error: string }>;
  integrations: Array<{ name: string; created: boolean; note?: string }>;
  /** Backups written (one per file changed). */
  backups: string[];
  keysRemoved: boolean;
  /** Why keys the user asked to remove stayed. */
  removalSkipped?: string;
}

/** `.aws-sessions-backup-20261122T100000Z` */
export function backupSuffix(now: number): string {
  return `.aws-sessions-backup-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** The named profile an imported IAM User session uses: its own, unless the file keeps keys under that name. */
export function importedProfileName(profile: string, keyFile: 'credentials' | 'config', keysRemoved: boolean): string {
  return keyFile === 'credentials' && !keysRemoved ? `${profile}-aws-sessions` : profile;
}

export async function applyImport(plan: ImportPlan, deps: ImportDeps, options: { removeKeys: boolean }): Promise<ImportResult> {
  const result: ImportResult = { created: [], failed: [], integrations: [], backups: [], keysRemoved: false };
  const state = await deps.state.read();
  const sessionByProfile = new Map<string, string>();
  for (const s of state.sessions) {
    const name = state.profiles.find((p) => p.id === s.profileId)?.name;
    if (name && !sessionByProfile.has(name)) sessionByProfile.set(name, s.id);
  }
  for (const item of plan.items) {
    try {
      if (item.kind === 'iamUser') {
        const keys = plan.secrets.get(item.profile);
        if (!keys) throw new Error(t('its keys are missing from the plan'));
        const profile = importedProfileName(item.profile, item.keyFile, options.removeKeys);
        const session = await deps.editor.save('iamUser', { alias: item.alias, profile, region: item.region, accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, mfaSerial: item.mfaSerial ?? '' });
        sessionByProfile.set(item.profile, session.id);
        result.created.push({ profile, alias: session.alias, sessionId: session.id, kind: 'iamUser' });
      } else if (item.kind === 'iamRoleChained') {
        const assumer = sessionByProfile.get(item.sourceProfile);
        if (!assumer) throw new Error(t('no session was made for its source_profile "{0}"', item.sourceProfile));
        const session = await deps.editor.save('iamRoleChained', {
          alias: item.alias,
          profile: item.profile,
          region: item.region,
          roleArn: item.roleArn,
          roleSessionName: item.roleSessionName ?? '',
          assumerSessionId: assumer,
          externalId: item.externalId ?? '',
          durationSeconds: item.durationSeconds ?? '',
          sourceIdentity: item.sourceIdentity ?? '',
        });
        sessionByProfile.set(item.profile, session.id);
        result.created.push({ profile: item.profile, alias: session.alias, sessionId: session.id, kind: 'iamRoleChained' });
      } else if (item.kind === 'ssoIntegration') {
        if (deps.createIntegration) {
          await deps.createIntegration(item);
          result.integrations.push({ name: item.name, created: true });
        } else {
          result.integrations.push({ name: item.name, created: false, note: t('IAM Identity Center integrations are not available in this version; add it by hand when they are.') });
        }
      }
    } catch (error) {
      const profile = item.kind === 'ssoIntegration' ? item.name : item.profile;
      result.failed.push({ profile, error: errorMessage(error) });
      deps.logger.warn(`Import of "${profile}" failed: ${errorMessage(error)}`);
    }
  }
  // The keys are in secret storage now; only then, and only if every IAM User session was made, they leave the files.
  if (options.removeKeys && plan.keyRemoval.length > 0) {
    const userFailed = result.failed.some((f) => plan.items.some((i) => i.kind === 'iamUser' && i.profile === f.profile));
    if (userFailed) result.removalSkipped = t('an IAM User session could not be created, so every key stays in the files');
    const suffix = backupSuffix(deps.clock.now());
    for (const change of userFailed ? [] : plan.keyRemoval) {
      const backup = `${change.path}${suffix}`;
      if (!(await deps.files.replaceIfUnchanged(change.file, change.before, change.after, backup))) {
        result.removalSkipped = t('{0} changed after the preview, so its keys stay (run Import again to remove them)', change.path);
        continue;
      }
      result.backups.push(backup);
      deps.logger.info(`Import: removed ${change.removed.length} line(s) of static keys from ${change.path}; backup at ${backup}.`);
    }
    result.keysRemoved = !result.removalSkipped;
    if (result.removalSkipped) {
      // The files keep their keys under the original names: the new sessions move to names of their own.
      for (const c of result.created) {
        const item = plan.items.find((i) => i.kind === 'iamUser' && i.profile === c.profile);
        if (item?.kind !== 'iamUser' || item.keyFile !== 'credentials' || result.backups.some((b) => b.startsWith(deps.files.credentialsPath))) continue;
        c.profile = importedProfileName(item.profile, 'credentials', false);
        await deps.editor.relocate(c.sessionId, { profileName: c.profile });
      }
    }
  }
  deps.logger.info(`Import: ${result.created.length} session(s) created, ${result.failed.length} failed.`);
  return result;
}
