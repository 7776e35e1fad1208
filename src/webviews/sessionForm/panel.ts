/** The session form: one panel per session (or per new session and prefill), run by the field-spec form. */
import * as vscode from 'vscode';
import { DEFAULT_PROFILE_NAME } from '../../core/constants';
import { t, translated } from '../../core/l10n';
import type { Session, SessionKind } from '../../core/model';
import { REGIONS } from '../../core/regions';
import type { SessionService } from '../../core/sessionService';
import { profileOf } from '../../core/sessionLookup';
import { sessionType } from '../../core/sessions/registry';
import { DELIVERY_FIELD, type FormValues } from '../../core/sessions/sessionType';
import type { Logger } from '../../core/ports';
import type { PageSpec } from '../host';
import { FORM_PAGE, FormPanel, type FormController } from '../form/panel';
import { parsePageMessage, type InitMessage, type PageToHost } from './protocol';

export interface FormContext {
  extensionUri: vscode.Uri;
  service: SessionService;
  logger: Logger;
  defaultRegion: () => string;
}

// l10n-ignore: the name is the page's in the log
const SPEC: PageSpec<PageToHost> = { viewType: 'awsSessions.sessionForm', name: 'Session form', page: FORM_PAGE, parse: parsePageMessage };

export class SessionFormPanel implements FormController {
  /** `prefill`: initial values of a new session (e.g. "Create chained session" from a session). */
  static show(ctx: FormContext, kind: SessionKind, sessionId?: string, prefill?: Record<string, string>): void {
    const key = `sessionForm:${sessionId ?? `new:${kind}${prefill ? `:${JSON.stringify(prefill)}` : ''}`}`;
    const title = sessionId ? t('Edit session') : t('New {0} session', translated(sessionType(kind).label));
    FormPanel.show(SPEC, { key, title, extensionUri: ctx.extensionUri, logger: ctx.logger }, () => new SessionFormPanel(ctx, kind, sessionId, prefill));
  }

  private constructor(
    private readonly ctx: FormContext,
    private readonly kind: SessionKind,
    private readonly sessionId: string | undefined,
    private readonly prefill: Record<string, string> = {},
  ) {}

  async submit(values: FormValues, close: () => void): Promise<void> {
    const saved = await this.ctx.service.editor.save(this.kind, values, this.sessionId);
    void vscode.window.showInformationMessage(this.sessionId ? t('AWS Sessions: session "{0}" saved.', saved.alias) : t('AWS Sessions: session "{0}" created.', saved.alias));
    close();
  }

  async test(values: FormValues): Promise<string> {
    const result = await this.ctx.service.editor.testCredentials(this.kind, values, this.sessionId);
    return result.expiration ? t('Credentials work: {0} (valid until {1})', result.arn, result.expiration) : t('Credentials work: {0}', result.arn);
  }

  async init(): Promise<InitMessage> {
    const type = sessionType(this.kind);
    const state = await this.ctx.service.state.read();
    let values: Record<string, string> = { profile: DEFAULT_PROFILE_NAME, region: this.ctx.defaultRegion(), ...this.prefill };
    let stored: string[] = [];
    let session: Session | undefined;
    if (this.sessionId) {
      session = state.sessions.find((s) => s.id === this.sessionId);
      if (session) {
        values = { ...type.toForm(session), profile: profileOf(state, session).name, deliveryMode: session.deliveryMode ?? 'default' };
        stored = [...(await this.ctx.service.editor.storedSecrets(session.id, type.secretFields))];
      }
    }
    return {
      type: 'init',
      mode: session ? 'edit' : 'create',
      kind: this.kind,
      title: session ? t('Edit {0} session "{1}"', translated(type.label), session.alias) : t('New {0} session', translated(type.label)),
      fields: [...type.fields, DELIVERY_FIELD],
      values,
      storedSecrets: stored,
      profiles: state.profiles.map((p) => p.name),
      regions: REGIONS.map((r) => ({ code: r.code, name: r.name })),
      sessions: state.sessions
        .filter((s) => s.id !== this.sessionId)
        .map((s) => ({ id: s.id, label: `${s.alias} (${translated(sessionType(s.kind).label)}, ${profileOf(state, s).name})` })),
    };
  }
}
