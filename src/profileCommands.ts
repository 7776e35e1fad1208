/** Commands for named profiles and the SAML assertion inspector (kept apart from commands.ts). */
import * as vscode from 'vscode';
import { Commands, DEFAULT_PROFILE_NAME } from './core/constants';
import type { NamedProfile } from './core/model';
import type { ProfileService } from './core/profiles';
import type { SessionService } from './core/sessionService';
import { analyzeSamlResponse, formatSamlAnalysis } from './core/saml/assertion';
import { rules } from './core/validation';
import type { TreeNode } from './tree/sessionTree';

export interface ProfileCommandDeps {
  service: SessionService;
  profiles: ProfileService;
  signInUrls: () => readonly string[];
  report(what: string, error: unknown): Promise<void>;
}

type ProfileArg = TreeNode | string | undefined;

async function resolveProfile(deps: ProfileCommandDeps, arg: ProfileArg, placeHolder: string): Promise<NamedProfile | undefined> {
  const state = await deps.service.state();
  if (arg && typeof arg === 'object' && arg.type === 'session') return state.profiles.find((p) => p.id === arg.session.profileId);
  if (typeof arg === 'string') return state.profiles.find((p) => p.id === arg || p.name === arg) ?? { id: arg, name: arg };
  const candidates = state.profiles.filter((p) => p.name !== DEFAULT_PROFILE_NAME);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('AWS Sessions: there is no profile besides "default", which cannot be renamed or deleted.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((p) => ({ label: p.name, description: `${state.sessions.filter((s) => s.profileId === p.id).length} session(s)`, profile: p })),
    { placeHolder },
  );
  return picked?.profile;
}

const askName = (title: string, value?: string) =>
  vscode.window.showInputBox({ title, value, prompt: 'Letters, digits and _ . @ + = , - (a valid section name of ~/.aws/config)', ignoreFocusOut: true, validateInput: (v) => rules.profileName(v.trim()) });

export function registerProfileCommands(deps: ProfileCommandDeps): vscode.Disposable[] {
  const handlers: Record<string, (...args: never[]) => unknown> = {
    [Commands.addProfile]: async (name?: string) => {
      try {
        const chosen = name ?? (await askName('AWS Sessions: new named profile'));
        if (chosen === undefined) return undefined;
        return await deps.profiles.create(chosen);
      } catch (error) {
        await deps.report('Add profile', error);
      }
    },
    [Commands.renameProfile]: async (arg?: ProfileArg, newName?: string) => {
      try {
        const profile = await resolveProfile(deps, arg, 'Profile to rename');
        if (!profile) return undefined;
        const chosen = newName ?? (await askName(`AWS Sessions: rename profile "${profile.name}"`, profile.name));
        if (chosen === undefined) return undefined;
        return await deps.profiles.rename(profile.id, chosen);
      } catch (error) {
        await deps.report('Rename profile', error);
      }
    },
    [Commands.deleteProfile]: async (arg?: ProfileArg, options?: { confirmed?: boolean }) => {
      try {
        const profile = await resolveProfile(deps, arg, 'Profile to delete');
        if (!profile) return;
        if (!options?.confirmed && profile.name !== DEFAULT_PROFILE_NAME) {
          const ok = await vscode.window.showWarningMessage(
            `Delete profile "${profile.name}"?`,
            { modal: true, detail: 'Its active session is stopped (its credentials leave the AWS files) and its sessions move to "default".' },
            'Delete',
          );
          if (ok !== 'Delete') return;
        }
        await deps.profiles.delete(profile.id);
      } catch (error) {
        await deps.report('Delete profile', error);
      }
    },
    [Commands.inspectSamlAssertion]: async (pasted?: string) => {
      const value =
        pasted ??
        (await vscode.window.showInputBox({
          title: 'AWS Sessions: inspect a SAML assertion',
          prompt: 'Paste the base64 SAMLResponse (from the browser developer tools, the POST to signin.aws.amazon.com/saml)',
          ignoreFocusOut: true,
          password: true,
        }));
      if (!value) return undefined;
      const text = formatSamlAnalysis(analyzeSamlResponse(value, { nowMs: Date.now(), signInUrls: deps.signInUrls() }));
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { preview: true });
      return text;
    },
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}
