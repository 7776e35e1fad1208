/**
 * A session form's values → the session and the secrets to store, for every type: each field checked
 * by its spec (validation.ts validateForm), then the type's checks between fields, then the type builds
 * the session. Saving and "Test credentials" both come through here.
 */
import { DEFAULT_PROFILE_NAME, type SecretPurpose } from '../constants';
import { ValidationError, type FieldProblem } from '../errors';
import { isDeliveryMode, type DeliveryMode, type Session } from '../model';
import { validateForm, type FormValues } from '../validation';
import { DELIVERY_FIELD, type SaveResult, type SessionTypeModule } from './sessionType';

export interface ParsedSessionForm<S extends Session> extends SaveResult<S> {
  /** The named profile the session goes to (an empty field means "default"). */
  profileName: string;
}

/**
 * Validate and build. `stored`: the secret purposes stored for `existing` (an empty secret field keeps
 * its stored value); `extra`: problems the caller found (e.g. a duplicate alias), reported with the
 * others. Throws one ValidationError naming every problem.
 */
export function sessionFromForm<S extends Session>(
  type: SessionTypeModule<S>,
  values: Readonly<FormValues>,
  base: { id: string; profileId: string },
  existing: S | undefined,
  stored: ReadonlySet<SecretPurpose>,
  extra: readonly FieldProblem[] = [],
): ParsedSessionForm<S> {
  const profileName = (typeof values.profile === 'string' ? values.profile.trim() : '') || DEFAULT_PROFILE_NAME;
  const form = validateForm([...type.fields, DELIVERY_FIELD], { ...values, profile: profileName }, stored);
  const failed = new Set(form.problems.map((p) => p.field));
  const problems = [...form.problems, ...(type.crossCheck?.(form.values, base, failed) ?? []), ...extra];
  if (problems.length > 0) throw new ValidationError(problems);

  const session = type.fromForm(form.values, base, existing);
  const deliveryMode = chosenDeliveryMode(values.deliveryMode, existing);
  if (deliveryMode) session.deliveryMode = deliveryMode;
  else delete session.deliveryMode;
  const secrets: SaveResult<S>['secrets'] = {};
  for (const purpose of type.secretFields) if (form.values[purpose]) secrets[purpose] = form.values[purpose];
  return { session, secrets, profileName };
}

/** Absent: what the session had; empty or `default` (or invalid, refused by the field's rule): the setting. */
function chosenDeliveryMode(raw: string | undefined, existing: Session | undefined): DeliveryMode | undefined {
  if (typeof raw !== 'string') return existing?.deliveryMode;
  const mode = raw.trim();
  return isDeliveryMode(mode) ? mode : undefined;
}
