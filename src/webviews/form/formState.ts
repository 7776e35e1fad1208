/**
 * What a form page keeps while its tab is hidden (VS Code's webview state): the non-secret values as typed,
 * the names of the secret fields that held something (to ask for them again), and the focused field. A
 * secret's value is never kept: the state lives in the workbench, outside SecretStorage.
 */
import type { FieldSpec } from '../../core/sessions/sessionType';
import { isRecord, MAX_VALUE_LENGTH } from '../protocol';

export interface FormState {
  version: 1;
  /** The form's title when the state was kept: a state of another form is not applied. */
  form: string;
  values: Record<string, string>;
  /** Secret fields that had a value, by name. */
  secretsTyped: string[];
  focus?: string;
}

/** The state to keep: every non-secret field's value, and which secret fields are filled. */
export function stateToKeep(form: string, fields: readonly FieldSpec[], valueOf: (name: string) => string, focus?: string): FormState {
  const values: Record<string, string> = {};
  const secretsTyped: string[] = [];
  for (const field of fields) {
    const value = valueOf(field.name);
    if (field.kind === 'secret') {
      if (value !== '') secretsTyped.push(field.name);
    } else {
      values[field.name] = value;
    }
  }
  return { version: 1, form, values, secretsTyped, ...(focus && fields.some((f) => f.name === focus) ? { focus } : {}) };
}

/**
 * A kept state read back for this form, or undefined when there is none or it is of another form. Only
 * string values of this form's non-secret fields come back (a secret's value is dropped even if present).
 */
export function stateToRestore(form: string, fields: readonly FieldSpec[], kept: unknown): FormState | undefined {
  if (!isRecord(kept) || kept.version !== 1 || kept.form !== form || !isRecord(kept.values)) return undefined;
  const byName = new Map(fields.map((f) => [f.name, f]));
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(kept.values)) {
    if (byName.get(name)?.kind === 'secret' || !byName.has(name) || !Object.hasOwn(kept.values, name)) continue;
    if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) values[name] = value;
  }
  const typed = Array.isArray(kept.secretsTyped) ? kept.secretsTyped : [];
  const secretsTyped = typed.filter((name): name is string => typeof name === 'string' && byName.get(name)?.kind === 'secret');
  const focus = typeof kept.focus === 'string' && byName.has(kept.focus) ? kept.focus : undefined;
  return { version: 1, form, values, secretsTyped, ...(focus ? { focus } : {}) };
}
