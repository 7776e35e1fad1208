/**
 * The guard before long commands, on the terminal shell-integration API: when a command matching
 * awsSessions.guard.longCommands starts, check the folder's expected accounts (a modal warning naming both
 * accounts) and refresh the profile's credentials when they expire within awsSessions.guard.minimumMinutes.
 * It acts as the command starts: the shell is never stopped, and a tool that read the file already keeps
 * what it read. Decisions are core/guard.ts; this file only listens and tells.
 */
import * as vscode from 'vscode';
import { DEFAULT_PROFILE_NAME, SETTINGS_SECTION, Settings } from './core/constants';
import { DisposableOwner } from './core/disposables';
import { errorMessage } from './core/errors';
import { checkAccount, DEFAULT_GUARD_MINIMUM_MINUTES, describeAccountCheck, expectedAccountsFor, guardDecision, longCommandPatterns, matchLongCommand } from './core/guard';
import type { DeliveryMode } from './core/model';
import type { Clock, Logger, StateStore } from './core/ports';
import type { SessionLifecycle } from './core/sessionLifecycle';
import { folderTerminalProfile } from './terminal';

export interface CommandGuardDeps {
  state: Pick<StateStore, 'read'>;
  lifecycle: Pick<SessionLifecycle, 'refresh'>;
  clock: Clock;
  logger: Logger;
  defaultDeliveryMode: () => DeliveryMode;
  /** Profile → expected accounts from the folder's .vscode/aws-sessions.json (trusted workspaces only). */
  declaredExpected?: (folder: vscode.WorkspaceFolder) => Readonly<Record<string, readonly string[]>>;
}

/** The workspace folder a terminal command runs in: its working folder, else the terminal's, else the only folder. */
function folderOf(terminal: vscode.Terminal, cwd: vscode.Uri | undefined): vscode.WorkspaceFolder | undefined {
  const options = terminal.creationOptions as vscode.TerminalOptions;
  const candidates = [cwd, terminal.shellIntegration?.cwd, typeof options.cwd === 'string' ? vscode.Uri.file(options.cwd) : options.cwd];
  for (const uri of candidates) {
    const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
    if (folder) return folder;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length === 1 ? folders[0] : undefined;
}

export class CommandGuard extends DisposableOwner {
  constructor(private readonly deps: CommandGuardDeps) {
    super();
    this.register(
      vscode.window.onDidStartTerminalShellExecution((event) => {
        void this.onStart(event.terminal, event.execution).catch((error) => deps.logger.error(`Command guard: ${errorMessage(error)}`));
      }),
    );
  }

  private async onStart(terminal: vscode.Terminal, execution: vscode.TerminalShellExecution): Promise<void> {
    const line = execution.commandLine.value;
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const match = matchLongCommand(line, longCommandPatterns(config.get<unknown>(Settings.guardLongCommands)));
    if (!match) return;
    const folder = folderOf(terminal, execution.cwd);
    const state = await this.deps.state.read();
    // A terminal without AWS_PROFILE from us uses the AWS CLI's default profile.
    const profile = match.profile ?? folderTerminalProfile(state, folder) ?? DEFAULT_PROFILE_NAME;
    const command = line.length > 80 ? `${line.slice(0, 77)}…` : line;
    this.deps.logger.info(`Command guard: "${command}" (${match.pattern}) started on profile "${profile}".`);

    if (folder) {
      const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).get<unknown>(Settings.terminalExpectedAccountIds);
      const check = checkAccount(state, profile, expectedAccountsFor(setting, profile, this.deps.declaredExpected?.(folder)));
      if (check.verdict !== 'ok') {
        const reason = describeAccountCheck(check, folder.name);
        this.deps.logger.warn(`Command guard: ${reason}`);
        if (check.verdict === 'wrong') {
          // Credentials of the wrong account are not refreshed for the command.
          await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" started on the wrong AWS account.', command), {
            modal: true,
            detail: vscode.l10n.t("{0}\n\nAWS Sessions cannot stop a command in the shell: press Ctrl+C in the terminal to stop it, then switch the folder's profile (awsSessions.terminal.profile) or fix awsSessions.terminal.expectedAccountIds.", reason),
          });
          return;
        }
        void vscode.window.showWarningMessage(vscode.l10n.t('AWS Sessions: {0}', reason));
      }
    }

    const minimumMinutes = config.get<number>(Settings.guardMinimumMinutes) ?? DEFAULT_GUARD_MINIMUM_MINUTES;
    const decision = guardDecision({ state, profileName: profile, nowMs: this.deps.clock.now(), minimumMinutes, deliveryModeOf: (s) => s.deliveryMode ?? this.deps.defaultDeliveryMode() });
    if (decision.action === 'none') {
      this.deps.logger.info(`Command guard: nothing to do (${decision.reason}).`);
      return;
    }
    if (decision.action === 'cannot') {
      void vscode.window.showWarningMessage(vscode.l10n.t('AWS Sessions: "{0}" started, but {1}', command, decision.reason));
      return;
    }
    this.deps.logger.info(`Command guard: session "${decision.alias}" has ${decision.minutesLeft} minutes left (< ${minimumMinutes}); refreshing it for "${command}".`);
    try {
      const fresh = await this.deps.lifecycle.refresh(decision.sessionId);
      if (!fresh) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('AWS Sessions: could not refresh session "{0}" for "{1}": another window is refreshing it or it was stopped. Its credentials have {2} minutes left; check the session in the AWS Sessions view.', decision.alias, command, decision.minutesLeft),
        );
        return;
      }
      const minutes = fresh.expiration ? Math.floor((fresh.expiration.getTime() - this.deps.clock.now()) / 60_000) : undefined;
      const tool = match.pattern.split(' ')[0];
      vscode.window.setStatusBarMessage(
        minutes !== undefined ? vscode.l10n.t('$(check) AWS Sessions: refreshed "{0}" for {1} ({2} min)', decision.alias, tool, minutes) : vscode.l10n.t('$(check) AWS Sessions: refreshed "{0}" for {1}', decision.alias, tool),
        10_000,
      );
    } catch (error) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('AWS Sessions: could not refresh session "{0}" for "{1}" ({2}). Its credentials have {3} minutes left: the command may fail when they expire.', decision.alias, command, errorMessage(error), decision.minutesLeft),
      );
    }
  }
}
