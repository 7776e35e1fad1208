/**
 * Messages between the IAM Identity Center integration form page (the field-spec form,
 * `form/page.ts`) and its host. Imported by both sides. There is nothing to test before the
 * integration exists (the login does that), so `test` and its result are not part of it.
 */
import { parseFormMessage, type FormHostToPage, type FormInit, type FormPageToHost } from '../form/protocol';

export interface InitMessage extends FormInit {
  testable: false;
}

export type HostToPage = Exclude<FormHostToPage<InitMessage>, { type: 'testResult' }>;

export type PageToHost = Exclude<FormPageToHost, { type: 'test' }>;

/** A message from the page, or undefined: anything not in this protocol (`test` included) is refused. */
export function parseIntegrationMessage(raw: unknown): PageToHost | undefined {
  const message = parseFormMessage(raw);
  return message?.type === 'test' ? undefined : message;
}
