/** Named profiles: add, rename, delete. */
import * as vscode from 'vscode';
import { Commands, DEFAULT_PROFILE_NAME } from '../core/constants';
import type { NamedProfile } from '../core/model';
import type { StateStore } from '../core/ports';
import type { ProfileService } from '../core/profiles';
import { rules } from '../core/validation';
import type { TreeNode } from '../tree/sessionTree';
import { inform, type Report } from './report';
import { guarded, type CommandTable } from './table';

const { t } = vscode.l10n;

export interface ProfileCommandDeps {
  state: Pick<StateStore, 'read'>;
  profiles: ProfileService;
  report: Report;
}

type ProfileArg = TreeNode | string | undefined;

async function resolveProfile(deps: ProfileCommandDeps, arg: ProfileArg, placeHolder: string): Promise<NamedProfile | undefined> {
  const state = await deps.state.read();
  if (arg && typeof arg === 'object' && arg.type === 'session') return state.profiles.find((p) => p.id === arg.session.profileId);
  if (typeof arg === 'string') return state.profiles.find((p) => p.id === arg || p.name === arg) ?? { id: arg, name: arg };
  const candidates = state.profiles.filter((p) => p.name !== DEFAULT_PROFILE_NAME);
  if (candidates.length === 0) {
    inform(t('there is no profile besides "default", which cannot be renamed or deleted.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((p) => ({ label: p.name, description: t('{0} session(s)', state.sessions.filter((s) => s.profileId === p.id).length), profile: p })),
    { placeHolder },
  );
  return picked?.profile;
}

const askName = (title: string, value?: string) =>
  vscode.window.showInputBox({ title, value, prompt: t('Letters, digits and _ . @ + = , - (a valid section name of ~/.aws/config)'), ignoreFocusOut: true, validateInput: (v) => rules.profileName(v.trim()) });

export function profileCommands(deps: ProfileCommandDeps) {
  return {
    [Commands.addProfile]: guarded(deps.report, t('Add profile'), async (name?: string) => {
      const chosen = name ?? (await askName(t('AWS Sessions: new named profile')));
      if (chosen === undefined) return undefined;
      return deps.profiles.create(chosen);
    }),
    [Commands.renameProfile]: guarded(deps.report, t('Rename profile'), async (arg?: ProfileArg, newName?: string) => {
      const profile = await resolveProfile(deps, arg, t('Profile to rename'));
      if (!profile) return undefined;
      const chosen = newName ?? (await askName(t('AWS Sessions: rename profile "{0}"', profile.name), profile.name));
      if (chosen === undefined) return undefined;
      return deps.profiles.rename(profile.id, chosen);
    }),
    [Commands.deleteProfile]: guarded(deps.report, t('Delete profile'), async (arg?: ProfileArg, options?: { confirmed?: boolean }) => {
      const profile = await resolveProfile(deps, arg, t('Profile to delete'));
      if (!profile) return;
      if (!options?.confirmed && profile.name !== DEFAULT_PROFILE_NAME) {
        const ok = await vscode.window.showWarningMessage(
          t('Delete profile "{0}"?', profile.name),
          { modal: true, detail: t('Its active session is stopped (its credentials leave the AWS files) and its sessions move to "default".') },
          t('Delete'),
        );
        if (ok !== t('Delete')) return;
      }
      await deps.profiles.delete(profile.id);
    }),
  } satisfies CommandTable;
}
