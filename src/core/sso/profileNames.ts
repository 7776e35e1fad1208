/**
 * Named profiles for synced IAM Identity Center roles: a template such as `{accountName}-{roleName}`
 * made into a valid, unique profile name. Sanitising keeps what `rules.profileName` accepts and that
 * reads well in an ini header (no `[ ] = ; #`, whitespace or controls); a name already taken (by the
 * user's own AWS files or by another session) gets a deterministic suffix: the account id, then a count.
 */
import { DEFAULT_PROFILE_NAME } from '../constants';
import { findOrAddProfile } from '../sessionLookup';
import type { PersistedState } from '../model';
import { t } from '../l10n';

export const DEFAULT_PROFILE_TEMPLATE = '{accountName}-{roleName}';
export const PROFILE_TEMPLATE_PLACEHOLDERS = ['accountName', 'accountId', 'roleName', 'integration', 'region'] as const;
export type TemplateValues = Record<(typeof PROFILE_TEMPLATE_PLACEHOLDERS)[number], string>;

/** Longest profile name we make (the profile name rule's limit). */
const MAX_LENGTH = 64;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** What is wrong with a template, in words; undefined when it can be used. */
export function templateProblem(template: string): string | undefined {
  if (template.trim().length === 0) return t('the template is empty');
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !(PROFILE_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((u) => `{${u}}`).join(', ');
    const known = PROFILE_TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
    return unknown.length > 1 ? t('unknown placeholders {0}; use {1}', names, known) : t('unknown placeholder {0}; use {1}', names, known);
  }
  if (!/\{(accountName|accountId)\}/.test(template) || !template.includes('{roleName}')) {
    return t('the template needs {roleName} and {accountName} or {accountId}, or every role of an account would compete for one name');
  }
  return undefined;
}

/** Letters (accents dropped), digits and `_ . @ + , -`; runs of anything else become one `-`; never empty, never `default`. */
export function sanitizeProfileName(raw: string): string {
  const ascii = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let name = ascii
    .replace(/[^A-Za-z0-9_.@+,-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  if (name.length > MAX_LENGTH) name = name.slice(0, MAX_LENGTH).replace(/[-.]+$/, '');
  if (name.length === 0) return 'role';
  return name.toLowerCase() === DEFAULT_PROFILE_NAME ? `${name}-role` : name;
}

/** The template with its placeholders filled in, sanitised (not yet unique). */
export function renderProfileName(template: string, values: TemplateValues): string {
  return sanitizeProfileName(template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as keyof TemplateValues] : whole)));
}

/** `base` cut so that `-suffix` fits the length limit. */
function withSuffix(base: string, suffix: string): string {
  return `${base.slice(0, MAX_LENGTH - suffix.length - 1).replace(/[-.]+$/, '')}-${suffix}`;
}

/** Hands out unique names: compared without letter case, as two names differing only in case confuse people. */
export class ProfileNamer {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string>) {
    this.taken = new Set([...taken].map((n) => n.toLowerCase()));
  }

  /** `base`, else `base-<accountId>`, else `base-<accountId>-2`, … ; the name is then taken. */
  claim(base: string, accountId: string): string {
    let name = base;
    if (this.taken.has(name.toLowerCase())) name = withSuffix(base, accountId);
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = withSuffix(base, `${accountId}-${n}`);
    this.taken.add(name.toLowerCase());
    return name;
  }
}

export interface ProfileNaming {
  template: string;
  /** Profile names in the user's AWS files (credentials and config). */
  namesInFiles: readonly string[];
}

/**
 * The names a new profile must not take: every name in the user's files, and the profile of every
 * session outside `except` (sessions being renamed give up their own names).
 */
export function takenProfileNames(state: PersistedState, namesInFiles: readonly string[], except: ReadonlySet<string> = new Set()): string[] {
  const byId = new Map(state.profiles.map((p) => [p.id, p.name]));
  const inUse = new Set(state.sessions.filter((s) => !except.has(s.id)).map((s) => byId.get(s.profileId) ?? ''));
  const ownedByRenamed = new Set(state.sessions.filter((s) => except.has(s.id)).map((s) => byId.get(s.profileId) ?? ''));
  // A renamed session's current profile may be in the files because it is active: that name is ours to give back.
  return [DEFAULT_PROFILE_NAME, ...namesInFiles.filter((n) => !ownedByRenamed.has(n) || inUse.has(n)), ...inUse];
}

/** The id of the profile `name` in `state` (a draft inside an update), created when missing. */
export function profileIdFor(state: PersistedState, name: string, newId: () => string): string {
  return findOrAddProfile(state, name, newId).id;
}
