/**
 * The host side of the field-spec form: the page asks for its `init`, submits or tests values, or
 * cancels. A `FormController` (one per form webview) says what the form shows and what saving and
 * testing do; this panel runs the exchange the same way for every form.
 */
import type * as vscode from 'vscode';
import { CancelledError, errorMessage, ValidationError } from '../../core/errors';
import { l10nBundle, t } from '../../core/l10n';
import { translatedField } from '../../core/validation';
import type { Logger } from '../../core/ports';
import type { FormValues } from '../../core/sessions/sessionType';
import { HostedPanel, revealPanel, type PageSpec } from '../host';
import type { FormHostToPage, FormInit, FormPageToHost } from './protocol';

/** The bundle of `form/page.ts`, shared by every form webview. */
export const FORM_PAGE = 'form';

export interface FormController {
  init(): Promise<FormInit>;
  /** Saves the values and then `close`s the form (and may act after); a ValidationError marks the fields. */
  submit(values: FormValues, close: () => void): Promise<void>;
  /** Tests the values: what works, in words. Only forms whose protocol has `test` are asked. */
  test?(values: FormValues): Promise<string>;
}

export interface FormPlace {
  /** One form per key: showing the same key again reveals it. */
  key: string;
  title: string;
  extensionUri: vscode.Uri;
  logger: Logger;
}

export class FormPanel<In extends FormPageToHost> extends HostedPanel<In, FormHostToPage> {
  /** Reveals the form open under `place.key`, or opens one run by `controller()`. */
  static show<In extends FormPageToHost>(spec: PageSpec<In>, place: FormPlace, controller: () => FormController): void {
    if (revealPanel(place.key) instanceof FormPanel) return;
    new FormPanel(spec, place, controller()).render();
  }

  private constructor(
    spec: PageSpec<In>,
    place: FormPlace,
    private readonly controller: FormController,
  ) {
    super(spec, place.key, place.title, place.logger, { extensionUri: place.extensionUri, stylesheet: 'form.css' });
  }

  protected async receive(received: In): Promise<void> {
    const message: FormPageToHost = received;
    switch (message.type) {
      case 'ready':
        const init = await this.controller.init();
        this.post({ ...init, fields: init.fields.map(translatedField), l10n: l10nBundle() });
        return;
      case 'cancel':
        this.close();
        return;
      case 'submit':
        this.post({ type: 'busy', busy: true, label: t('Saving…') });
        try {
          await this.controller.submit(message.values, () => this.close());
        } catch (error) {
          this.postProblems(error);
          this.post({ type: 'busy', busy: false });
        }
        return;
      case 'test':
        return this.test(message.values);
    }
  }

  private async test(values: FormValues): Promise<void> {
    if (!this.controller.test) return;
    this.post({ type: 'busy', busy: true, label: t('Testing credentials…') });
    try {
      const result = await this.controller.test(values);
      this.post({ type: 'problems', problems: [] });
      this.post({ type: 'testResult', ok: true, message: result });
    } catch (error) {
      if (error instanceof ValidationError) this.postProblems(error);
      this.post({ type: 'testResult', ok: false, message: error instanceof CancelledError ? t('Test cancelled.') : errorMessage(error) });
    } finally {
      this.post({ type: 'busy', busy: false });
    }
  }

  /** The fields a ValidationError names, or the failure in words. */
  private postProblems(error: unknown): void {
    if (error instanceof ValidationError) this.post({ type: 'problems', problems: [...error.problems] });
    else this.post({ type: 'problems', problems: [], message: errorMessage(error) });
  }
}
