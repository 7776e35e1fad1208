/** Quick picks shared by commands: sessions (grouped by type, showing profile, region, state), profiles, regions. */
import * as vscode from 'vscode';
import { translated } from '../core/l10n';
import type { PersistedState, Session } from '../core/model';
import { REGIONS } from '../core/regions';
import { displayStatus } from '../core/treeModel';
import { sessionTypes } from '../core/sessions/registry';
import { profileOf } from '../core/sessionLookup';
import { rules } from '../core/validation';
import { inform } from './report';

const stateIcons: Record<string, string> = {
  inactive: '$(circle-large-outline)',
  starting: '$(loading~spin)',
  active: '$(pass-filled)',
  expiring: '$(watch)',
  expired: '$(warning)',
  error: '$(error)',
};

interface SessionPick extends vscode.QuickPickItem {
  session?: Session;
}

export function sessionPickItems(state: PersistedState, candidates: readonly Session[], now = Date.now()): SessionPick[] {
  const items: SessionPick[] = [];
  for (const type of sessionTypes()) {
    const ofType = candidates.filter((s) => s.kind === type.kind).sort((a, b) => a.alias.localeCompare(b.alias));
    if (ofType.length === 0) continue;
    items.push({ label: translated(type.label), kind: vscode.QuickPickItemKind.Separator });
    for (const s of ofType) {
      const status = displayStatus(state.active[s.id], now);
      const facts = type.describe?.(s, state) ?? {};
      items.push({
        label: `${stateIcons[status] ?? ''} ${s.alias}`,
        description: `${profileOf(state, s).name} · ${s.region} · ${status}`,
        detail: [facts.accountName, facts.accountId, facts.roleArn].filter(Boolean).join(' · ') || undefined,
        session: s,
      });
    }
  }
  return items;
}

export async function pickSession(state: PersistedState, candidates: readonly Session[], placeHolder: string): Promise<Session | undefined> {
  if (candidates.length === 0) {
    inform(vscode.l10n.t('no session fits. Add one with "AWS Sessions: Add Session".'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(sessionPickItems(state, candidates), { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.session;
}

/** Existing profiles, plus "New profile…" which asks for a validated name. */
export async function pickProfile(state: PersistedState, placeHolder: string, current?: string): Promise<string | undefined> {
  const NEW = `$(add) ${vscode.l10n.t('New profile…')}`;
  const items: vscode.QuickPickItem[] = [
    ...state.profiles
      .map((p) => p.name)
      .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
      .map((name) => ({ label: name, description: name === current ? vscode.l10n.t('current') : undefined })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: NEW },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder });
  if (!picked) return undefined;
  if (picked.label !== NEW) return picked.label;
  return vscode.window.showInputBox({
    title: vscode.l10n.t('AWS Sessions: new named profile'),
    prompt: vscode.l10n.t('Name of the profile in ~/.aws/config and ~/.aws/credentials'),
    validateInput: (v) => rules.profileName(v.trim()) ?? (state.profiles.some((p) => p.name === v.trim()) ? vscode.l10n.t('that profile exists: pick it from the list') : undefined),
  }).then((v) => v?.trim() || undefined);
}

export async function pickRegion(placeHolder: string, current?: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    REGIONS.map((r) => ({ label: r.code, description: r.code === current ? vscode.l10n.t('{0} — current', r.name) : r.name, detail: r.partition === 'aws' ? undefined : r.partition })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.label;
}
