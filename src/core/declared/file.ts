/**
 * `.vscode/aws-sessions.json`: the sessions a project declares (no secrets). Read with positions
 * (jsonc-parser, so comments are allowed as in every .vscode file), its shape checked with valibot and
 * each value with the session forms' own field specs (`validateForm`), so a declared session is valid
 * exactly when the form would take it. Every problem names the line, the column and the key.
 */
import * as v from 'valibot';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { SessionKind } from '../model';
import { sessionType } from '../sessions/registry';
import { aliasField } from '../sessions/sessionType';
import { INTEGRATION_FIELDS } from '../sso/integrationForm';
import { rules, validateForm, type FieldSpec, type FormValues } from '../validation';
import { t } from '../l10n';

export const DECLARED_FILE = '.vscode/aws-sessions.json';
/** A larger file is not read (a project's sessions fit in a few kilobytes; a huge one would only stall the window). */
export const MAX_DECLARED_BYTES = 1024 * 1024;
/** Problems listed per file; the rest are counted in one last line. */
export const MAX_DECLARED_PROBLEMS = 50;

export interface DeclaredIntegration {
  alias: string;
  startUrl: string;
  /** The IAM Identity Center region (sso_region). */
  region: string;
  sessionRegion?: string;
}

interface DeclaredCommon {
  alias: string;
  profile: string;
  region?: string;
}
export interface DeclaredSsoSession extends DeclaredCommon {
  type: 'sso';
  /** Alias of an integration of the same file. */
  integration: string;
  accountId: string;
  roleName: string;
}
export interface DeclaredChainedSession extends DeclaredCommon {
  type: 'chained';
  /** Alias of the session whose credentials assume the role: one of the file, else one of the user's. */
  assumer: string;
  roleArn: string;
  externalId?: string;
  durationSeconds?: number;
  roleSessionName?: string;
  sourceIdentity?: string;
}
export interface DeclaredSamlSession extends DeclaredCommon {
  type: 'saml';
  idpUrl: string;
  roleArn: string;
  providerArn: string;
  durationSeconds?: number;
}
export type DeclaredSession = DeclaredSsoSession | DeclaredChainedSession | DeclaredSamlSession;

export interface DeclaredFile {
  integrations: DeclaredIntegration[];
  sessions: DeclaredSession[];
  /** Named profile → the AWS accounts its credentials must belong to (the guard's check). */
  expectedAccountIds: Record<string, string[]>;
}

/** One problem of the file: where (1-based line and column) and which key (`sessions[1].roleArn`). */
export interface DeclaredProblem {
  line: number;
  column: number;
  key: string;
  message: string;
}

export type DeclaredParse = { ok: true; file: DeclaredFile } | { ok: false; problems: DeclaredProblem[] };

/** The session kind each declared `type` creates. */
export const DECLARED_KINDS: Readonly<Record<DeclaredSession['type'], SessionKind>> = { sso: 'awsSso', chained: 'iamRoleChained', saml: 'iamRoleFederated' };

const name = v.pipe(v.string(), v.minLength(1));
const optionalText = v.optional(v.string());
const common = { alias: name, profile: name, region: optionalText };
const sso = v.strictObject({ ...common, type: v.literal('sso'), integration: name, accountId: v.pipe(v.string(), v.regex(/^\d{12}$/)), roleName: v.pipe(v.string(), v.regex(/^[\w+=,.@-]{1,64}$/)) });
const chained = v.strictObject({
  ...common,
  type: v.literal('chained'),
  assumer: name,
  roleArn: v.string(),
  externalId: optionalText,
  durationSeconds: v.optional(v.pipe(v.number(), v.integer())),
  roleSessionName: optionalText,
  sourceIdentity: optionalText,
});
const saml = v.strictObject({ ...common, type: v.literal('saml'), idpUrl: v.string(), roleArn: v.string(), providerArn: v.string(), durationSeconds: v.optional(v.pipe(v.number(), v.integer())) });
const integration = v.strictObject({ alias: name, startUrl: v.string(), region: v.string(), sessionRegion: optionalText });

/** The file's shape; the JSON schema (schemas/aws-sessions.schema.json) says the same, a unit test keeps them equal. */
export const declaredFileSchema = v.strictObject({
  $schema: optionalText,
  integrations: v.optional(v.array(integration)),
  sessions: v.optional(v.array(v.variant('type', [sso, chained, saml]))),
  expectedAccountIds: v.optional(v.record(v.string(), v.array(v.pipe(v.string(), v.regex(/^\d{12}$/))))),
});

type Path = Array<string | number>;

const pathText = (path: Path) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || t('(the whole file)');

/** Line and column (1-based) of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** The problems of a file: the first MAX_DECLARED_PROBLEMS placed and listed, the others only counted. */
class Problems {
  private readonly placed: DeclaredProblem[] = [];
  private total = 0;
  constructor(
    private readonly text: string,
    private readonly root: Node | undefined,
  ) {}

  get count(): number {
    return this.total;
  }

  /** At the key's property (its name) when the key is there, else at the nearest object holding it. */
  add(path: Path, message: string): void {
    if (this.full()) return;
    let node: Node | undefined;
    for (let n = path.length; n >= 0 && !node; n--) node = this.root && findNodeAtLocation(this.root, path.slice(0, n));
    const at = node?.parent?.type === 'property' ? node.parent.offset : (node?.offset ?? 0);
    this.placed.push({ ...position(this.text, at), key: pathText(path), message });
  }

  /** At an offset of the text (a syntax error). */
  addAt(offset: number, key: string, message: string): void {
    if (!this.full()) this.placed.push({ ...position(this.text, offset), key, message });
  }

  /** The problems listed (sorted by position when asked), then how many more there are. */
  list(sorted = false): DeclaredProblem[] {
    const shown = sorted ? [...this.placed].sort((a, b) => a.line - b.line || a.column - b.column) : [...this.placed];
    const more = this.total - this.placed.length;
    return more > 0 ? [...shown, { line: 1, column: 1, key: t('(the whole file)'), message: t('{0} more problems are not listed; fix the ones above first', more) }] : shown;
  }

  /** Counts one more problem; true once enough are listed (finding the position of each would only cost time). */
  private full(): boolean {
    this.total += 1;
    return this.placed.length >= MAX_DECLARED_PROBLEMS;
  }
}

const refused = (message: string): DeclaredParse => ({ ok: false, problems: [{ line: 1, column: 1, key: t('(the whole file)'), message }] });

/**
 * What the file's stat already refuses, before a byte is read: more than MAX_DECLARED_BYTES, or no regular file
 * (a committed symbolic link to /dev/zero would be read until the window runs out of memory). Undefined: read it.
 */
export function declaredFileRefusal(stat: { size: number; regularFile: boolean }): DeclaredParse | undefined {
  if (!stat.regularFile) return refused(t('it is not a regular file (a link to a device or a folder?); it is not read'));
  if (stat.size > MAX_DECLARED_BYTES) return refused(t('the file has {0} bytes, more than the {1} bytes a project file may have; it is not read', stat.size, MAX_DECLARED_BYTES));
  return undefined;
}

/** A valibot issue in words of our own (the library's texts are English only). */
function issueMessage(issue: v.BaseIssue<unknown>, path: Path): string {
  const key = String(path[path.length - 1] ?? '');
  if (issue.expected === 'never') return t('unknown key "{0}"; see the schema for the keys allowed here', key);
  if (issue.received === 'undefined') return t('the key "{0}" is required here', key);
  if (issue.type === 'variant') return t('"type" must be "sso", "chained" or "saml"');
  if (issue.type === 'literal' || issue.type === 'regex') {
    if (key === 'accountId' || typeof path[path.length - 1] === 'number') return t('expected a 12-digit AWS account id, e.g. 123456789012');
    if (key === 'roleName') return t('expected a role name: 1–64 letters, digits and + = , . @ _ -');
  }
  if (issue.type === 'min_length') return t('must not be empty');
  if (issue.type === 'integer') return t('expected a whole number');
  return t('expected {0}, found {1}', issue.expected ?? '?', issue.received);
}

/** Declared key → form field, per kind (keys not listed have the field's name). */
const FORM_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  chained: { assumer: 'assumerSessionId' },
  saml: { providerArn: 'samlProviderArn' },
  integration: { region: 'ssoRegion' },
};

/** Run the form's field specs (and the type's checks between fields) over one entry; problems at the declared keys. */
function checkFields(fields: readonly FieldSpec[], entry: Record<string, unknown>, formNames: Readonly<Record<string, string>>, path: Path, problems: Problems, kind?: SessionKind): void {
  const toForm = (key: string) => formNames[key] ?? key;
  const values: FormValues = {};
  for (const [key, value] of Object.entries(entry)) if (typeof value === 'string' || typeof value === 'number') values[toForm(key)] = String(value);
  const keyOf = new Map(Object.keys(entry).map((k) => [toForm(k), k]));
  const keyFor = (field: string) => keyOf.get(field) ?? Object.entries(formNames).find(([, f]) => f === field)?.[0] ?? field;
  const form = validateForm(fields, values);
  const failed = new Set(form.problems.map((p) => p.field));
  const cross = kind ? (sessionType(kind).crossCheck?.(form.values, { id: '' }, failed) ?? []) : [];
  for (const p of [...form.problems, ...cross]) problems.add([...path, keyFor(p.field)], p.message);
}

/** The fields a declared entry is checked by: the form's own (an SSO role adds the alias the form never asks). */
function fieldsFor(entry: DeclaredSession): readonly FieldSpec[] {
  const kind = DECLARED_KINDS[entry.type];
  const fields = sessionType(kind).fields;
  return entry.type === 'sso' ? [aliasField(''), ...fields.map((f) => (f.name === 'region' ? { ...f, required: false } : f))] : fields;
}

/** Parse and check the file's text. */
export function parseDeclaredFile(text: string): DeclaredParse {
  const tooLarge = declaredFileRefusal({ size: Buffer.byteLength(text, 'utf8'), regularFile: true });
  if (tooLarge) return tooLarge;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems = new Problems(text, root);
  for (const e of errors) problems.addAt(e.offset, t('(syntax)'), t('JSON syntax error: {0}', printParseErrorCode(e.error)));
  if (problems.count > 0 || !root) {
    if (!root && problems.count === 0) problems.add([], t('the file is empty; expected an object with "integrations", "sessions" and "expectedAccountIds"'));
    return { ok: false, problems: problems.list() };
  }
  const value: unknown = JSON.parse(JSON.stringify(nodeValue(root)));
  const shape = v.safeParse(declaredFileSchema, value);
  if (!shape.success) {
    for (const issue of shape.issues) {
      const path: Path = (issue.path ?? []).map((p) => p.key as string | number);
      problems.add(path, issueMessage(issue, path));
    }
    return { ok: false, problems: problems.list() };
  }
  const file: DeclaredFile = { integrations: shape.output.integrations ?? [], sessions: shape.output.sessions ?? [], expectedAccountIds: shape.output.expectedAccountIds ?? {} };
  checkValues(file, problems);
  return problems.count > 0 ? { ok: false, problems: problems.list(true) } : { ok: true, file };
}

/** The value of a parse tree without jsonc-parser's getNodeValue (which drops nothing but is typed any). */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries((node.children ?? []).map((p) => [p.children?.[0]?.value as string, p.children?.[1] ? nodeValue(p.children[1]) : undefined]));
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as unknown;
  }
}

/** Values by the forms' rules, then what one entry cannot see: unique aliases, known integrations, the assumers' chain. */
function checkValues(file: DeclaredFile, problems: Problems): void {
  const integrationAliases = new Set<string>();
  file.integrations.forEach((entry, i) => {
    checkFields(INTEGRATION_FIELDS, { ...entry }, FORM_NAMES.integration, ['integrations', i], problems);
    if (integrationAliases.has(entry.alias.toLowerCase())) problems.add(['integrations', i, 'alias'], t('"{0}" names another integration of this file already', entry.alias));
    integrationAliases.add(entry.alias.toLowerCase());
  });
  const sessionAliases = new Map<string, DeclaredSession>();
  file.sessions.forEach((entry, i) => {
    checkFields(fieldsFor(entry), { ...entry }, FORM_NAMES[entry.type] ?? {}, ['sessions', i], problems, entry.type === 'sso' ? undefined : DECLARED_KINDS[entry.type]);
    if (sessionAliases.has(entry.alias.toLowerCase())) problems.add(['sessions', i, 'alias'], t('"{0}" names another session of this file already; aliases are unique', entry.alias));
    sessionAliases.set(entry.alias.toLowerCase(), entry);
    if (entry.type === 'sso' && !integrationAliases.has(entry.integration.toLowerCase())) {
      problems.add(['sessions', i, 'integration'], t('no integration "{0}" in "integrations" of this file; declare it there', entry.integration));
    }
  });
  file.sessions.forEach((entry, i) => {
    if (entry.type !== 'chained') return;
    const seen = new Set([entry.alias.toLowerCase()]);
    for (let next = sessionAliases.get(entry.assumer.toLowerCase()); next; next = next.type === 'chained' ? sessionAliases.get(next.assumer.toLowerCase()) : undefined) {
      if (seen.has(next.alias.toLowerCase())) {
        problems.add(['sessions', i, 'assumer'], t('the assumers of "{0}" go round in a circle back to "{1}"; one of them must be a session that is not a chained role', entry.alias, next.alias));
        break;
      }
      seen.add(next.alias.toLowerCase());
    }
  });
  for (const profile of Object.keys(file.expectedAccountIds)) {
    const problem = rules.profileName(profile);
    if (problem) problems.add(['expectedAccountIds', profile], problem);
  }
}
