/** The editor's side of an IAM Identity Center login: a cancellable notification that shows the device code while it waits. */
import * as vscode from 'vscode';
import type { SsoIntegration } from '../core/model';
import type { Logger } from '../core/ports';
import type { LoginUi } from '../core/sso/login';
import { withReportingProgress } from './prompter';

/** Runs `login` under a cancellable notification. */
export function runLogin(logger: Logger, integration: SsoIntegration, login: (ui: LoginUi) => Promise<void>): Promise<void> {
  return withReportingProgress(`AWS Sessions: logging in to "${integration.alias}"`, `The login to "${integration.alias}"`, (report, signal) =>
    login({
      signal,
      report,
      showDeviceCode: (auth) => {
        report(`confirm the code ${auth.userCode} in your browser (${auth.verificationUri})`);
        logger.info(`Integration "${integration.alias}": confirm the code ${auth.userCode} at ${auth.verificationUri}.`);
      },
      openUrl: async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
    }),
  );
}

/** The SsoAccess hook: a notification offering to log in, then the login under progress. */
export async function askToLogin(logger: Logger, integration: SsoIntegration, reason: string, login: (ui: LoginUi) => Promise<void>): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(`AWS Sessions: integration "${integration.alias}": ${reason}`, 'Log In');
  if (choice !== 'Log In') return false;
  await runLogin(logger, integration, login);
  return true;
}
