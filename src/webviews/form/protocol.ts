/**
 * The field-spec form: one page (`page.ts`) renders any form the host describes by `FieldSpec`s and
 * checks it with the core's rules. Each form webview (sessionForm, integrationForm) narrows these
 * messages to its own protocol. No message from the host ever carries a stored secret: only which
 * secrets are stored.
 */
import type { FieldProblem } from '../../core/errors';
import type { L10nBundle } from '../../core/l10n';
import type { FieldSpec, FormValues } from '../../core/sessions/sessionType';
import { exactly, isRecord, MAX_VALUE_LENGTH, typeOf } from '../protocol';

export interface FormInit {
  type: 'init';
  mode: 'create' | 'edit';
  title: string;
  fields: FieldSpec[];
  /** Non-secret values of what is edited (or defaults). */
  values: FormValues;
  /** Names of secret fields that are stored: the page shows "stored", never a value. */
  storedSecrets: string[];
  /** Suggestions of `profile` fields. */
  profiles: string[];
  /** Choices of `region` fields. */
  regions: Array<{ code: string; name: string }>;
  /** Choices of `session` fields. */
  sessions: Array<{ id: string; label: string }>;
  /** Text of the submit button (default "Create session" / "Save changes"). */
  submitLabel?: string;
  /** Whether "Test credentials" is offered (default true). */
  testable?: boolean;
  /** The translations of the page's texts (the editor's language; absent in English). The page fetches nothing. */
  l10n?: L10nBundle;
}

export type FormProblems = { type: 'problems'; problems: FieldProblem[]; message?: string };
export type FormBusy = { type: 'busy'; busy: boolean; label?: string };
/** Outcome of "Test credentials": the caller identity ARN, or the exact failure. */
export type FormTestResult = { type: 'testResult'; ok: boolean; message: string };

export type FormHostToPage<Init extends FormInit = FormInit> = Init | FormProblems | FormBusy | FormTestResult;

export type FormPageToHost = { type: 'ready' } | { type: 'submit'; values: FormValues } | { type: 'test'; values: FormValues } | { type: 'cancel' };

const MAX_FIELDS = 32;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Field values from a page: at most 32 fields with plain names, each a string of at most 4,096 characters. */
function formValues(raw: unknown): FormValues | undefined {
  if (!isRecord(raw)) return undefined;
  const entries = Object.entries(raw);
  if (entries.length > MAX_FIELDS) return undefined;
  const clean: FormValues = Object.create(null) as FormValues;
  for (const [name, value] of entries) {
    if (!FIELD_NAME.test(name) || typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) return undefined;
    clean[name] = value;
  }
  return clean;
}

/** Any message of the form page, checked against the schema; anything else is refused (undefined). */
export function parseFormMessage(raw: unknown): FormPageToHost | undefined {
  const type = typeOf(raw);
  switch (type) {
    case 'ready':
    case 'cancel':
      return exactly(raw) ? { type } : undefined;
    case 'submit':
    case 'test': {
      const values = formValues(exactly(raw, 'values')?.values);
      return values ? { type, values } : undefined;
    }
    default:
      return undefined;
  }
}
