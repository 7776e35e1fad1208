import * as vscode from 'vscode';
import type { Prompter } from '../core/ports';
import { rules } from '../core/validation';

/** Prompts the core needs, as VS Code input boxes that name the session. */
export class VsCodePrompter implements Prompter {
  async askMfaCode(request: { sessionAlias: string; mfaSerial: string }): Promise<string | undefined> {
    const code = await vscode.window.showInputBox({
      title: `AWS Sessions: MFA code for "${request.sessionAlias}"`,
      prompt: `Enter the 6-digit code of MFA device ${request.mfaSerial}`,
      placeHolder: '123456',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? undefined : rules.mfaCode(value.trim())),
    });
    const trimmed = code?.trim();
    return trimmed ? trimmed : undefined;
  }
}
