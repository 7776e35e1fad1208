/** The IAM Identity Center integration form: its fields, checked by the same validator as the session forms. */
import { ValidationError } from '../errors';
import type { PersistedState } from '../model';
import { validateForm, type FieldSpec } from '../validation';
import { l10nText, t } from '../l10n';

export const INTEGRATION_FIELDS: readonly FieldSpec[] = [
  { name: 'alias', label: l10nText('Integration alias'), kind: 'text', required: true, placeholder: 'acme-sso', rule: 'alias' },
  {
    name: 'startUrl',
    label: l10nText('AWS access portal URL'),
    kind: 'text',
    required: true,
    placeholder: 'https://d-1234567890.awsapps.com/start',
    help: l10nText('The start URL of your IAM Identity Center, as in the invitation e-mail or the AWS CLI sso_start_url.'),
    rule: 'ssoStartUrl',
  },
  { name: 'ssoRegion', label: l10nText('SSO region'), kind: 'region', required: true, rule: 'region', help: l10nText('The region of your IAM Identity Center instance (sso_region).') },
  {
    name: 'sessionRegion',
    label: l10nText('Region of role sessions (optional)'),
    problemLabel: l10nText('Region of role sessions'),
    kind: 'region',
    required: false,
    placeholder: l10nText('The default region (awsSessions.defaultRegion)'),
    rule: 'region',
    help: l10nText('The region the role sessions of a sync get. Leave it empty to follow the awsSessions.defaultRegion setting.'),
  },
];

export interface IntegrationValues {
  alias: string;
  startUrl: string;
  ssoRegion: string;
  /** Empty or absent: the default region. */
  sessionRegion?: string;
}

/** Trimmed, valid values, or a ValidationError naming each problem (an alias is unique among integrations). */
export function validateIntegration(values: IntegrationValues, state: PersistedState, existingId?: string): IntegrationValues {
  const form = validateForm(INTEGRATION_FIELDS, { ...values, sessionRegion: values.sessionRegion ?? '' });
  const { alias, startUrl, ssoRegion, sessionRegion } = form.values;
  if ((state.integrations ?? []).some((i) => i.id !== existingId && i.alias.toLowerCase() === alias.toLowerCase())) {
    form.problems.push({ field: 'alias', label: t('Integration alias'), message: t('"{0}" is already used by another integration', alias) });
  }
  if (form.problems.length) throw new ValidationError(form.problems);
  return { alias, startUrl, ssoRegion, ...(sessionRegion ? { sessionRegion } : {}) };
}
