import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import type { MfaRequest, Prompter } from '../core/ports';
import type { YubiKeyOath } from '../core/yubikey';
import { askMfaCode } from './mfaPrompt';

/** Prompts the core needs, as VS Code input boxes that name the session. */
export class VsCodePrompter implements Prompter {
  /** `yubikey`: offers "Read from YubiKey" in the MFA prompt where ykman and a matching account are found. */
  constructor(private readonly yubikey?: YubiKeyOath) {}

  askMfaCode(request: MfaRequest): Promise<string | undefined> {
    return askMfaCode(request, this.yubikey);
  }
}

/** Fallback of the SAML sign-in: the user pastes the base64 SAMLResponse. */
export async function askSamlPaste(request: { sessionAlias: string }, reason: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('AWS Sessions: SAML sign-in for "{0}"', request.sessionAlias),
    prompt: vscode.l10n.t('The browser sign-in is not available: {0}. Paste the base64 SAMLResponse your IdP posts to AWS instead.', reason),
    ignoreFocusOut: true,
    password: true,
  });
}

/** A cancellable notification progress; cancelling aborts the signal. */
export function withCancellableProgress<T>(title: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      return run(controller.signal).finally(() => sub.dispose());
    }),
  );
}

/**
 * A cancellable notification progress for work that reports as it goes (a login, a sync): cancelling
 * aborts the signal with a CancelledError naming `what` (e.g. 'The sync of "acme"').
 */
export function withReportingProgress<T>(title: string, what: string, run: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort(new CancelledError(what)));
      return run((message) => progress.report({ message }), controller.signal).finally(() => sub.dispose());
    }),
  );
}
