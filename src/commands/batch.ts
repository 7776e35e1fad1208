/**
 * Session commands on a multi-selection of the tree: VS Code passes (clicked row, selected rows) to a command of
 * a row's menu; when the clicked row is one of several selected sessions, Start, Stop, Change Region, Change
 * Profile, Pin, Unpin and Delete act on all of them through core/sessionBatch.ts — one progress notification
 * (cancellable), at most one prompt per shared sign-in, one summary of what failed and why.
 */
import * as vscode from 'vscode';
import type { Session } from '../core/model';
import type { Logger } from '../core/ports';
import type { SessionService } from '../core/sessionService';
import { batchSummary, runBatch, type BatchAction, type BatchResult } from '../core/sessionBatch';
import { dependentsOf } from '../core/sessionGraph';
import { sessionType } from '../core/sessions/registry';
import type { SsoAccess } from '../core/sso/ssoAccess';
import type { SsoService } from '../core/sso/ssoService';
import type { TreeNode } from '../tree/sessionTree';
import { pickProfile, pickRegion } from './pickers';
import type { Report } from './report';
import type { SessionArg } from './sessionArg';
import { guarded } from './table';

const { t } = vscode.l10n;

/** Most session names a confirmation lists before "and N more". */
const LISTED = 15;

export interface BatchCommandDeps {
  service: SessionService;
  report: Report;
  logger: Logger;
  showLog: () => void;
  /** The IAM Identity Center login the roles of an integration share. */
  access?: Pick<SsoAccess, 'accessToken'>;
  /** Profile names from the template for a selection of roles. */
  sso?: Pick<SsoService, 'planProfileNames'>;
}

/** The sessions of a multi-selection the clicked row belongs to; undefined for a single row (or no tree). */
export function selectedSessions(clicked: unknown, selected: unknown): Session[] | undefined {
  if (!Array.isArray(selected) || !clicked || typeof clicked !== 'object') return undefined;
  const nodes = (selected as unknown[]).filter((n): n is Extract<TreeNode, { type: 'session' }> => !!n && typeof n === 'object' && (n as TreeNode).type === 'session');
  if (nodes.length < 2 || !nodes.some((n) => n.id === (clicked as TreeNode).id)) return undefined;
  return nodes.map((n) => n.session);
}

/**
 * A command that acts on the whole selection when invoked from one of several selected rows, else as `single`
 * (which then does not get the selection VS Code passes second, as it is no argument of the command).
 */
export function orSelection<Rest extends unknown[]>(report: Report, what: string, single: (arg?: SessionArg, ...rest: Rest) => Promise<void>, many: (sessions: Session[], options?: { confirmed?: boolean }) => Promise<unknown>) {
  return async (arg?: SessionArg, ...rest: Rest | [readonly TreeNode[], { confirmed?: boolean }?]): Promise<void> => {
    const sessions = selectedSessions(arg, rest[0]);
    if (sessions) return void (await guarded(report, what, async () => many(sessions, rest[1] as { confirmed?: boolean } | undefined))());
    return single(arg, ...((Array.isArray(rest[0]) ? [] : rest) as Rest));
  };
}

/** "a", "b", … and 3 more. */
function listed(sessions: readonly Session[]): string {
  const names = sessions.slice(0, LISTED).map((s) => `"${s.alias}"`).join(', ');
  return sessions.length > LISTED ? t('{0} and {1} more', names, sessions.length - LISTED) : names;
}

export function batchActions(deps: BatchCommandDeps) {
  const { service } = deps;

  /** One cancellable progress notification for the batch, then one summary. */
  async function run(title: string, sessions: readonly Session[], action: BatchAction): Promise<BatchResult> {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      const moved = new Set<string>();
      const step = (id: string, total: number, message: string) => {
        progress.report({ increment: moved.has(id) ? 0 : 100 / total, message });
        moved.add(id);
      };
      return runBatch(
        {
          state: service.state,
          lifecycle: service.lifecycle,
          editor: service.editor,
          resolver: service.resolver,
          logger: deps.logger,
          integrationLogin: deps.access ? (id, reason) => deps.access!.accessToken(id, { interactive: true, reason }) : undefined,
        },
        sessions.map((s) => s.id),
        action,
        {
          signal: controller.signal,
          // Each session moves the bar once: when its credentials are got (a start) or when it is finished.
          onCredentials: (got, total, s) => step(s.id, total, t('Credentials {0} of {1}: "{2}"', got, total, s.alias)),
          onProgress: (done, total, o) => step(o.id, total, t('{0} of {1}: "{2}"', done, total, o.alias)),
        },
      ).finally(() => sub.dispose());
    });
    showSummary(result);
    return result;
  }

  function showSummary(result: BatchResult): void {
    const { headline, problems } = batchSummary(result);
    if (problems.length === 0) {
      void vscode.window.showInformationMessage(t('AWS Sessions: {0}', headline));
      return;
    }
    for (const problem of problems) deps.logger.warn(`${result.action}: ${problem}`);
    const shown = problems.slice(0, 3).join(' · ');
    const more = problems.length > 3 ? ` ${t('({0} more causes in the log)', problems.length - 3)}` : '';
    const showLogButton = t('Show Log');
    void vscode.window.showWarningMessage(t('AWS Sessions: {0} Not done: {1}', headline, shown + more), showLogButton).then((choice) => {
      if (choice === showLogButton) deps.showLog();
    });
  }

  return {
    start: (sessions: Session[]) => run(t('AWS Sessions: starting {0} sessions', sessions.length), sessions, { kind: 'start' }),
    stop: (sessions: Session[]) => run(t('AWS Sessions: stopping {0} sessions', sessions.length), sessions, { kind: 'stop' }),
    pin: (pinned: boolean) => (sessions: Session[]) => run(pinned ? t('AWS Sessions: pinning {0} sessions', sessions.length) : t('AWS Sessions: unpinning {0} sessions', sessions.length), sessions, { kind: 'pin', pinned }),
    async delete(sessions: Session[], options?: { confirmed?: boolean }): Promise<BatchResult | undefined> {
      if (!options?.confirmed) {
        const state = await service.state.read();
        const ids = new Set(sessions.map((s) => s.id));
        const orphaned = dependentsOf(state.sessions, ids).filter((d) => !ids.has(d.id));
        const refused = sessions.filter((s) => sessionType(s.kind).deleteRefusal?.(s));
        const detail = [
          t('Their stored secrets are deleted too, and active ones are stopped first. This cannot be undone.'),
          ...(orphaned.length ? [t('These chained sessions use them to assume their roles and will not start until given another assumer (Edit): {0}.', listed(orphaned))] : []),
          ...(refused.length ? [t('Not deletable, left as they are: {0}.', listed(refused))] : []),
        ].join('\n\n');
        const del = t('Delete');
        const ok = await vscode.window.showWarningMessage(t('Delete these {0} sessions: {1}?', sessions.length, listed(sessions)), { modal: true, detail }, del);
        if (ok !== del) return undefined;
      }
      return run(t('AWS Sessions: deleting {0} sessions', sessions.length), sessions, { kind: 'delete' });
    },
    async region(sessions: Session[]): Promise<BatchResult | undefined> {
      const regions = new Set(sessions.map((s) => s.region));
      const region = await pickRegion(t('Region for {0} sessions: {1}', sessions.length, listed(sessions)), regions.size === 1 ? [...regions][0] : undefined);
      return region ? run(t('AWS Sessions: moving {0} sessions to {1}', sessions.length, region), sessions, { kind: 'relocate', region }) : undefined;
    },
    async profile(sessions: Session[]): Promise<BatchResult | undefined> {
      const roles = sessions.filter((s) => sessionType(s.kind).integrationOf?.(s));
      const template = { label: t('Names from the template'), detail: t('Each IAM Identity Center role gets the profile awsSessions.sso.profileNameTemplate makes ({0} of the {1} selected).', roles.length, sessions.length), id: 'template' as const };
      const one = { label: t('One named profile for all…'), detail: t('Only one session of a profile is active at a time: starting one stops the others.'), id: 'one' as const };
      const how = roles.length && deps.sso ? (await vscode.window.showQuickPick([template, one], { placeHolder: t('Named profiles for {0} sessions', sessions.length) }))?.id : 'one';
      if (how === 'one') {
        const name = await pickProfile(await service.state.read(), t('Named profile for {0} sessions: {1}', sessions.length, listed(sessions)));
        return name ? run(t('AWS Sessions: moving {0} sessions to profile "{1}"', sessions.length, name), sessions, { kind: 'relocate', profileName: name }) : undefined;
      }
      if (how !== 'template' || !deps.sso) return undefined;
      const profiles = new Map<string, string>();
      const byIntegration = new Map<string, Set<string>>();
      for (const s of roles) {
        const id = sessionType(s.kind).integrationOf!(s);
        byIntegration.set(id, (byIntegration.get(id) ?? new Set()).add(s.id));
      }
      for (const [integrationId, only] of byIntegration) for (const p of await deps.sso.planProfileNames(integrationId, only)) profiles.set(p.sessionId, p.to);
      return run(t('AWS Sessions: profile names of {0} sessions', roles.length), roles, { kind: 'relocate', profiles });
    },
  };
}
