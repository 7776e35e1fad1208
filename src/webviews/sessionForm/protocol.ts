/**
 * Messages between the session form page (the field-spec form, `form/page.ts`) and its host.
 * Imported by both sides. It has every form message, "Test credentials" included.
 */
import type { SessionKind } from '../../core/model';
import { parseFormMessage, type FormHostToPage, type FormInit, type FormPageToHost } from '../form/protocol';

export interface InitMessage extends FormInit {
  kind: SessionKind;
}

export type HostToPage = FormHostToPage<InitMessage>;

export type PageToHost = FormPageToHost;

/** Validate a message from the page against the schema; anything else is rejected (undefined). */
export function parsePageMessage(raw: unknown): PageToHost | undefined {
  return parseFormMessage(raw);
}
