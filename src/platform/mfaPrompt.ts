/**
 * The MFA prompt: an input box for the 6-digit code which, where ykman is installed and the YubiKey
 * holds the session's OATH account, gets a "Read from YubiKey" button. Reading shows "Touch your
 * YubiKey" while the key waits for a touch; closing the box cancels it. The code is never logged.
 */
import * as vscode from 'vscode';
import type { MfaRequest } from '../core/ports';
import { rules } from '../core/validation';
import { CancelledError, errorMessage } from '../core/errors';
import type { YubiKeyOath } from '../core/yubikey';

export async function askMfaCode(request: MfaRequest, yubikey?: YubiKeyOath): Promise<string | undefined> {
  const { t } = vscode.l10n;
  const title = t('AWS Sessions: MFA code for "{0}"', request.sessionAlias);
  const prompt = t('Enter the 6-digit code of MFA device {0}', request.mfaSerial);
  const check = (value: string) => (value.trim() === '' ? undefined : rules.mfaCode(value.trim()));
  // Without ykman the plain input box; the box with a button only where a YubiKey may answer.
  if (!yubikey?.installed()) {
    // A ykman another user could have planted is not run; say so, or the missing button is a mystery.
    const refused = yubikey?.refusedText();
    const code = (await vscode.window.showInputBox({ title, prompt: refused ? `${prompt}. ${refused}` : prompt, placeHolder: '123456', ignoreFocusOut: true, validateInput: check }))?.trim();
    return code ? code : undefined;
  }
  const box = vscode.window.createInputBox();
  box.title = title;
  box.prompt = prompt;
  box.placeholder = '123456';
  box.ignoreFocusOut = true;
  const closed = new AbortController();
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (code: string | undefined) => {
      if (done) return;
      done = true;
      closed.abort();
      resolve(code);
      box.dispose();
    };
    box.onDidChangeValue((value) => (box.validationMessage = check(value)));
    box.onDidAccept(() => {
      const value = box.value.trim();
      if (value && !rules.mfaCode(value)) finish(value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
    // Offered once the key answers (ykman lists its accounts); the box is usable meanwhile.
    void yubikey.accountFor(request.mfaSerial, request.oathAccount, closed.signal).then((account) => {
      if (!account || done) return;
      const read: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('key'), tooltip: t('Read from YubiKey ({0})', account) };
      box.buttons = [read];
      box.onDidTriggerButton(async () => {
        box.busy = true;
        box.validationMessage = undefined;
        box.prompt = t('Reading the code of "{0}" from your YubiKey…', account);
        try {
          finish(await yubikey.code(account, { signal: closed.signal, onTouch: () => (box.prompt = t('Touch your YubiKey (it blinks) to read the code of "{0}".', account)) }));
        } catch (error) {
          if (error instanceof CancelledError || done) return;
          box.validationMessage = errorMessage(error);
          box.prompt = prompt;
        } finally {
          box.busy = false;
        }
      });
    });
  });
}
