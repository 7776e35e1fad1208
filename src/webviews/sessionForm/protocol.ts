/**
 * Messages between the session form page and the extension host. Imported by both sides.
 * No message from the host ever carries a stored secret: only which secrets are stored.
 */
import type { FieldProblem } from '../../core/errors';
import type { SessionKind } from '../../core/model';
import type { FieldSpec, FormValues } from '../../core/sessions/sessionType';

export interface InitMessage {
  type: 'init';
  mode: 'create' | 'edit';
  kind: SessionKind;
  title: string;
  fields: FieldSpec[];
  /** Non-secret values of the session being edited (or defaults). */
  values: FormValues;
  /** Names of secret fields that are stored: the page shows "stored", never a value. */
  storedSecrets: string[];
  profiles: string[];
  regions: Array<{ code: string; name: string }>;
  /** Choices of `session` fields: every other session (never this one). */
  sessions: Array<{ id: string; label: string }>;
  /** Text of the submit button (default "Create session" / "Save changes"). */
  submitLabel?: string;
  /** Whether "Test credentials" is offered (default true). */
  testable?: boolean;
}

export type HostToPage =
  | InitMessage
  | { type: 'problems'; problems: FieldProblem[]; message?: string }
  | { type: 'busy'; busy: boolean; label?: string }
  /** Outcome of "Test credentials": the caller identity ARN, or the exact failure. */
  | { type: 'testResult'; ok: boolean; message: string };

export type PageToHost = { type: 'ready' } | { type: 'submit'; values: FormValues } | { type: 'test'; values: FormValues } | { type: 'cancel' };

const MAX_VALUE_LENGTH = 4096;
const MAX_FIELDS = 32;

/** Validate a message from the page against the schema; anything else is rejected (undefined). */
export function parsePageMessage(raw: unknown): PageToHost | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const message = raw as Record<string, unknown>;
  const keys = Object.keys(message);
  switch (message.type) {
    case 'ready':
    case 'cancel':
      return keys.length === 1 ? { type: message.type } : undefined;
    case 'submit':
    case 'test': {
      if (keys.length !== 2) return undefined;
      const values = message.values;
      if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
      const entries = Object.entries(values as Record<string, unknown>);
      if (entries.length > MAX_FIELDS) return undefined;
      const clean: FormValues = Object.create(null) as FormValues;
      for (const [name, value] of entries) {
        if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name) || typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) return undefined;
        clean[name] = value;
      }
      return { type: message.type, values: clean };
    }
    default:
      return undefined;
  }
}
