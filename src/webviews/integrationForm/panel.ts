/**
 * The IAM Identity Center integration form: alias, AWS access portal URL, SSO region, run by the
 * field-spec form with its own protocol (no `test`). On success it hands the new integration to
 * `onAdded` (which logs in and syncs). One panel per integration (or for a new one).
 */
import type * as vscode from 'vscode';
import { t } from '../../core/l10n';
import type { SsoIntegration } from '../../core/model';
import { REGIONS } from '../../core/regions';
import type { FormValues } from '../../core/sessions/sessionType';
import type { Logger } from '../../core/ports';
import type { SsoService } from '../../core/sso/ssoService';
import { INTEGRATION_FIELDS } from '../../core/sso/integrationForm';
import type { PageSpec } from '../host';
import { FORM_PAGE, FormPanel, type FormController } from '../form/panel';
import { parseIntegrationMessage, type InitMessage, type PageToHost } from './protocol';

export interface IntegrationFormContext {
  extensionUri: vscode.Uri;
  sso: SsoService;
  logger: Logger;
  defaultRegion: () => string;
  onAdded: (integration: SsoIntegration) => void;
}

// l10n-ignore: the name is the page's in the log
const SPEC: PageSpec<PageToHost> = { viewType: 'awsSessions.integrationForm', name: 'Integration form', page: FORM_PAGE, parse: parseIntegrationMessage };

export class IntegrationFormPanel implements FormController {
  static show(ctx: IntegrationFormContext, integrationId?: string): void {
    const key = `integrationForm:${integrationId ?? 'new'}`;
    const title = integrationId ? t('Edit IAM Identity Center integration') : t('New IAM Identity Center integration');
    FormPanel.show(SPEC, { key, title, extensionUri: ctx.extensionUri, logger: ctx.logger }, () => new IntegrationFormPanel(ctx, integrationId));
  }

  private constructor(
    private readonly ctx: IntegrationFormContext,
    private readonly integrationId: string | undefined,
  ) {}

  async submit(form: FormValues, close: () => void): Promise<void> {
    const values = { alias: form.alias ?? '', startUrl: form.startUrl ?? '', ssoRegion: form.ssoRegion ?? '', sessionRegion: form.sessionRegion ?? '' };
    if (this.integrationId) {
      await this.ctx.sso.editIntegration(this.integrationId, values);
      close();
    } else {
      const integration = await this.ctx.sso.addIntegration(values);
      close();
      this.ctx.onAdded(integration);
    }
  }

  async init(): Promise<InitMessage> {
    const existing = this.integrationId ? await this.ctx.sso.integration(this.integrationId).catch(() => undefined) : undefined;
    return {
      type: 'init',
      mode: existing ? 'edit' : 'create',
      title: existing ? t('Edit IAM Identity Center integration "{0}"', existing.alias) : t('New IAM Identity Center integration'),
      fields: [...INTEGRATION_FIELDS],
      values: existing ? { alias: existing.alias, startUrl: existing.startUrl, ssoRegion: existing.ssoRegion, sessionRegion: existing.sessionRegion ?? '' } : { ssoRegion: this.ctx.defaultRegion(), sessionRegion: '' },
      storedSecrets: [],
      profiles: [],
      regions: REGIONS.map((r) => ({ code: r.code, name: r.name })),
      sessions: [],
      submitLabel: existing ? t('Save changes') : t('Add integration'),
      testable: false,
    };
  }
}
