/** The editor's side of an IAM Identity Center login: a cancellable notification that shows the device code while it waits. */
import * as vscode from 'vscode';
import type { SsoIntegration } from '../core/model';
import type { Logger } from '../core/ports';
import type { LoginUi } from '../core/sso/login';
import type { SsoAccess } from '../core/sso/ssoAccess';
import type { SsoService } from '../core/sso/ssoService';
import type { IntegrationHandlers } from '../core/ipc/integrationHandlers';
import { withReportingProgress } from './prompter';

/** Runs `login` under a cancellable notification. */
export function runLogin(logger: Logger, integration: SsoIntegration, login: (ui: LoginUi) => Promise<void>): Promise<void> {
  return withReportingProgress(vscode.l10n.t('AWS Sessions: logging in to "{0}"', integration.alias), vscode.l10n.t('The login to "{0}"', integration.alias), (report, signal) =>
    login({
      signal,
      report,
      showDeviceCode: (auth) => {
        report(vscode.l10n.t('confirm the code {0} in your browser ({1})', auth.userCode, auth.verificationUri));
        logger.info(`Integration "${integration.alias}": confirm the code ${auth.userCode} at ${auth.verificationUri}.`);
      },
      openUrl: async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
    }),
  );
}

/** The SsoAccess hook: a notification offering to log in, then the login under progress. */
export async function askToLogin(logger: Logger, integration: SsoIntegration, reason: string, login: (ui: LoginUi) => Promise<void>): Promise<boolean> {
  const logIn = vscode.l10n.t('Log In');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('AWS Sessions: integration "{0}": {1}', integration.alias, reason), logIn);
  if (choice !== logIn) return false;
  await runLogin(logger, integration, login);
  return true;
}

/** The CLI's `integration` subcommands in this window: the login runs here, as the editor's own login does. */
export function cliIntegrations(logger: Logger, sso: SsoService, access: SsoAccess): IntegrationHandlers {
  return {
    sso,
    loginState: (id) => access.loginState(id),
    login: (integration) => runLogin(logger, integration, (ui) => access.login(integration.id, ui)),
  };
}
