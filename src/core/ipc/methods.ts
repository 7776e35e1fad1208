/**
 * The methods the editor serves to the CLI: ONE map from each method's name to the schema of its params
 * and of its result. The types of both ends come from it — `Params<M>`/`Result<M>` for the CLI's
 * `call(method, params)`, {@link MethodHandlers} for the editor's handlers — and so do the checks: the
 * server validates every request's params against it (`parseRequest`) before a handler runs, the CLI
 * validates every result before it prints one. Adding a method is one entry here and one handler.
 *
 * Params carry real booleans and numbers; strings are bounded. The wire shape of a request is part of
 * the protocol version (`PROTOCOL_VERSION` in protocol.ts): change it incompatibly, bump that.
 *
 * The schemas and their texts are made on first use (the first request a window serves, the first reply the CLI
 * checks), not when the extension loads: by then the editor's language is set (its texts were English when made at
 * load), and a window that serves no request never makes them. `METHOD_NAMES` lists the methods without making them (the compiler holds it to the map).
 */
import * as v from 'valibot';
import { DELIVERY_MODES } from '../model';
import { olderWindowProblem, ProtocolError, PROTOCOL_VERSION, requestProof, versionProblem, type Request } from './protocol';
import { l10nBundle, l10nText, t, translated, type L10nBundle } from '../l10n';

/** Longest string param; a form value is far shorter, an SSO start URL or a role ARN well below it. */
export const MAX_PARAM_CHARS = 8192;
/** Most keys in a map-valued param (the fields of `add`). */
export const MAX_FIELDS = 64;
const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Most sessions one batch names. */
export const MAX_BATCH_NAMES = 2000;
export const BATCH_ACTIONS = ['start', 'stop', 'delete', 'pin', 'unpin', 'relocate'] as const;

/** The map of every method's params and result schemas (made by `methods()`, once). */
function makeMethods() {
  const text = v.pipe(v.string(), v.maxLength(MAX_PARAM_CHARS, l10nText('is longer than 8192 characters')));
  const named = (what: string) => v.pipe(v.string(), v.minLength(1, t('is empty: {0}', translated(what))), v.maxLength(MAX_PARAM_CHARS, t('is longer than 8192 characters')));
  /** A session named by alias or id. */
  const session = named(l10nText('name a session by alias or id'));
  const profile = named(l10nText('name the profile'));
  const noParams = v.strictObject({});

  const summary = v.object({
    id: v.string(),
    alias: v.string(),
    kind: v.string(),
    profile: v.string(),
    region: v.string(),
    status: v.string(),
    deliveryMode: v.string(),
    expiration: v.optional(v.string()),
    error: v.optional(v.string()),
  });

  /** An IAM Identity Center integration as the CLI lists it: no token, no client secret. */
  const integrationInfo = v.object({
    id: v.string(),
    alias: v.string(),
    startUrl: v.string(),
    ssoRegion: v.string(),
    sessionRegion: v.optional(v.string()),
    login: v.picklist(['loggedIn', 'expired', 'loggedOut']),
    sessions: v.number(),
    accounts: v.optional(v.number()),
    lastSyncAt: v.optional(v.string()),
  });
  /** An integration named by alias or id. */
  const integration = named(l10nText('name an integration by alias or id'));
  const batchOutcome = v.object({ id: v.string(), alias: v.string(), status: v.picklist(['done', 'unchanged', 'failed', 'cancelled']), cause: v.optional(v.string()), fix: v.optional(v.string()) });

  const fieldInfo = v.object({ name: v.string(), label: v.string(), kind: v.string(), required: v.boolean() });

  return {
    ping: { params: noParams, result: v.object({ pid: v.number() }) },
    /** credential_process output (Version 1) for the session. */
    generate: {
      params: v.strictObject({ session }),
      result: v.object({ Version: v.literal(1), AccessKeyId: v.string(), SecretAccessKey: v.string(), SessionToken: v.optional(v.string()), Expiration: v.optional(v.string()) }),
    },
    list: { params: noParams, result: v.array(summary) },
    start: { params: v.strictObject({ session }), result: summary },
    stop: { params: v.strictObject({ session }), result: summary },
    /** The active session delivering to a profile. */
    current: { params: v.strictObject({ profile }), result: summary },
    /** The session types and the fields `add` takes for each. */
    types: { params: noParams, result: v.array(v.object({ kind: v.string(), label: v.string(), fields: v.array(fieldInfo) })) },
    add: {
      params: v.strictObject({
        type: named(l10nText('give a session type')),
        fields: v.pipe(
          v.record(v.pipe(v.string(), v.regex(FIELD_KEY, l10nText('is not a field name'))), text),
          v.check((r) => Object.keys(r).length <= MAX_FIELDS, () => t('has more than {0} fields', MAX_FIELDS)),
        ),
      }),
      result: summary,
    },
    delete: { params: v.strictObject({ session }), result: v.object({ id: v.string(), alias: v.string(), orphaned: v.array(v.string()) }) },
    profileList: { params: noParams, result: v.array(v.object({ name: v.string(), sessions: v.array(v.string()) })) },
    profileCreate: { params: v.strictObject({ name: profile }), result: v.object({ name: v.string() }) },
    profileDelete: { params: v.strictObject({ name: profile }), result: v.object({ name: v.string() }) },
    profileRename: { params: v.strictObject({ name: profile, newName: named(l10nText('give the new name')) }), result: v.object({ name: v.string() }) },
    setRegion: { params: v.strictObject({ session, region: named('give a region') }), result: summary },
    setDeliveryMode: {
      params: v.strictObject({ session, mode: v.picklist([...DELIVERY_MODES, 'default'], () => t('must be one of: {0}, default', DELIVERY_MODES.join(', '))) }),
      result: summary,
    },
    /**
     * What a process needs in its environment for the session (exec, export): `credentials` (the keys and
     * AWS_CREDENTIAL_EXPIRATION), `profile` (AWS_PROFILE; the session must be active) or `endpoint` (the window's
     * credentials endpoint URL and token; active too); always the region. `clear`: credential variables to unset.
     */
    environment: {
      params: v.strictObject({ session, delivery: v.picklist(['credentials', 'profile', 'endpoint'], () => t('must be one of: credentials, profile, endpoint')) }),
      result: v.object({ alias: v.string(), variables: v.record(v.string(), v.string()), clear: v.array(v.string()), expiration: v.optional(v.string()) }),
    },
    /** The web console sign-in URL of the session; `openBrowser`: the editor also opens it. */
    consoleSignIn: { params: v.strictObject({ session, openBrowser: v.boolean(), isolated: v.optional(v.boolean()) }), result: v.object({ url: v.string(), opened: v.boolean() }) },
    /** The managed instances (SSM) of an active session's region, and what `aws ssm start-session` needs besides. */
    ssmInstances: {
      params: v.strictObject({ session }),
      result: v.object({
        alias: v.string(),
        profile: v.string(),
        region: v.string(),
        endpoint: v.optional(v.string()),
        instances: v.array(v.object({ instanceId: v.string(), name: v.string(), platform: v.string(), pingStatus: v.string(), ipAddress: v.optional(v.string()) })),
      }),
    },
    /** Move a session to another profile and/or region in one change (an active session restarts once). */
    relocate: { params: v.strictObject({ session, profile: v.optional(profile), region: v.optional(named('give a region')) }), result: summary },
    /**
     * One action on many sessions: those named (`sessions`), every session of an integration (`allOf`), those a
     * filter matches as in the tree (`filter`). `relocate` takes `profile` and/or `region`. One summary of what failed and why.
     */
    batch: {
      params: v.strictObject({
        action: v.picklist(BATCH_ACTIONS, () => t('must be one of: {0}', BATCH_ACTIONS.join(', '))),
        sessions: v.optional(v.pipe(v.array(session), v.maxLength(MAX_BATCH_NAMES, () => t('names more than {0} sessions', MAX_BATCH_NAMES)))),
        allOf: v.optional(named(l10nText('name an integration'))),
        filter: v.optional(named(l10nText('give a filter'))),
        profile: v.optional(profile),
        region: v.optional(named('give a region')),
        /** Only which sessions the batch would act on (a confirmation lists them); nothing is done. */
        preview: v.optional(v.boolean()),
      }),
      result: v.object({ headline: v.string(), problems: v.array(v.string()), failed: v.boolean(), outcomes: v.array(batchOutcome) }),
    },
    /** Rotate an IAM User session's access key; `steps` are what was done, `warning` what is left to do by hand. */
    rotateKey: {
      params: v.strictObject({ session }),
      result: v.object({
        alias: v.string(),
        oldAccessKeyId: v.string(),
        newAccessKeyId: v.string(),
        oldKeyDeleted: v.boolean(),
        steps: v.array(v.string()),
        warning: v.optional(v.string()),
      }),
    },
    /** The names shell completion offers: session aliases, profile names, integration aliases. */
    names: { params: noParams, result: v.object({ sessions: v.array(v.string()), profiles: v.array(v.string()), integrations: v.array(v.string()) }) },
    integrationList: { params: noParams, result: v.array(integrationInfo) },
    integrationAdd: {
      params: v.strictObject({ alias: named(l10nText('give an alias')), startUrl: named(l10nText('give the start URL')), ssoRegion: named(l10nText('give a region')), sessionRegion: v.optional(text) }),
      result: integrationInfo,
    },
    /** The editor window runs its login flow (browser, device code shown there); resolves when it is done. */
    integrationLogin: { params: v.strictObject({ integration }), result: integrationInfo },
    integrationSync: {
      params: v.strictObject({ integration }),
      result: v.object({ alias: v.string(), accounts: v.number(), added: v.number(), removed: v.number(), kept: v.number(), orphaned: v.array(v.string()) }),
    },
    integrationLogout: { params: v.strictObject({ integration }), result: integrationInfo },
    integrationDelete: { params: v.strictObject({ integration }), result: v.object({ alias: v.string(), removed: v.number(), orphaned: v.array(v.string()) }) },
    /** The IdP URLs of the SAML sessions, each with the sessions that sign in there. */
    idpUrlList: { params: noParams, result: v.array(v.object({ url: v.string(), sessions: v.array(v.string()) })) },
  } as const;
}

type Schemas = ReturnType<typeof makeMethods>;
let made: { language: L10nBundle | undefined; schemas: Schemas } | undefined;

/** The schemas of every method, made on first use, in the language in use (made again if that changes). */
export function methods(): Schemas {
  const language = l10nBundle();
  if (!made || made.language !== language) made = { language, schemas: makeMethods() };
  return made.schemas;
}
export type Method = keyof Schemas;
export type Params<M extends Method> = v.InferOutput<Schemas[M]['params']>;
export type Result<M extends Method> = v.InferOutput<Schemas[M]['result']>;
export type SessionSummary = Result<'start'>;
export type SessionTypeInfo = Result<'types'>[number];
export type ProcessCredentials = Result<'generate'>;
export type SessionEnvironment = Result<'environment'>;
export type IntegrationInfo = Result<'integrationList'>[number];

/** What the editor does for each method: the compiler holds every handler to its params and result. */
export type MethodHandlers = { [M in Method]: (params: Params<M>) => Promise<Result<M>> };

/** A request whose params passed its method's schema. */
export interface MethodCall<M extends Method = Method> {
  method: M;
  params: Params<M>;
}

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

/** The first problem of a failed check in words, naming the param but never echoing a value sent. */
function describe(method: Method, issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = (issue.path ?? []).map((p) => String(p.key).slice(0, 32)).join('.');
  const where = `${method}: param "${path}"`;
  if (!path) return t('{0}: params must be an object', method);
  if (issue.expected === 'never') return t('{0}: unknown param "{1}"', method, path);
  if (issue.received === 'undefined') return t('{0} is missing', where);
  // Our own messages (set on the schemas above) name the rule, never the value; valibot's would quote it.
  if (!issue.message.startsWith('Invalid ')) return `${where} ${translated(issue.message)}`;
  return t('{0} must be {1}', where, issue.expected === 'Object' ? t('an object') : t('of type {0}', issue.expected ?? 'unknown'));
}

/** The params of `method`, checked against its schema; throws ProtocolError naming the first problem. */
export function parseParams<M extends Method>(method: M, params: unknown): Params<M> {
  const schema: Schemas[M]['params'] = methods()[method].params;
  const checked = v.safeParse(schema, params);
  if (!checked.success) throw new ProtocolError(describe(method, checked.issues));
  return checked.output;
}

/** The result of `method` as the CLI receives it, checked against its schema (the reply was sealed by the editor). */
export function parseResult<M extends Method>(method: M, result: unknown): Result<M> {
  const schema: Schemas[M]['result'] = methods()[method].result;
  const checked = v.safeParse(schema, result);
  if (!checked.success) throw new ProtocolError(t('the editor\'s reply to {0} is not what this version expects ({1} at {2}); update or reload the VS Code window', method, checked.issues[0].expected ?? t('a value'), (checked.issues[0].path ?? []).map((p) => String(p.key)).join('.') || t('the top')));
  return checked.output;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export type TypedRequest = Request & MethodCall;

/** A well-formed request for a method this window does not know: a newer CLI (answered `unsupported`, not `badRequest`). */
export class UnknownMethodError extends ProtocolError {}

/** The names of every method, as the endpoint record lists them for the CLI: each method of the map, once (checked below). */
export const METHOD_NAMES = [
  'ping', 'generate', 'list', 'start', 'stop', 'current', 'types', 'add', 'delete', 'profileList', 'profileCreate', 'profileDelete', 'profileRename',
  'setRegion', 'setDeliveryMode', 'environment', 'consoleSignIn', 'ssmInstances', 'relocate', 'batch', 'rotateKey', 'names', 'integrationList',
  'integrationAdd', 'integrationLogin', 'integrationSync', 'integrationLogout', 'integrationDelete', 'idpUrlList',
] as const satisfies readonly Method[];
// The compiler's check that the list names every method of the map: a method missing from it fails here.
const listsEveryMethod: Exclude<Method, (typeof METHOD_NAMES)[number]> extends never ? true : never = true;
void listsEveryMethod;

/** Schema check of a request frame (the server side); throws ProtocolError naming the first problem (never echoing values). */
export function parseRequest(value: unknown): TypedRequest {
  if (!isRecord(value)) throw new ProtocolError(t('request is not a JSON object'));
  for (const key of Object.keys(value)) if (!['v', 'proof', 'method', 'params'].includes(key)) throw new ProtocolError(t('unknown request field "{0}"', key.slice(0, 32)));
  if (value.v !== PROTOCOL_VERSION) throw new ProtocolError(versionProblem(value.v));
  const proof = requestProof(value);
  if (!proof) throw new ProtocolError(t('proof missing or malformed'));
  if (!isMethod(value.method)) throw new UnknownMethodError(olderWindowProblem(typeof value.method === 'string' ? value.method : ''));
  return { v: PROTOCOL_VERSION, proof, ...call(value.method, value.params === undefined ? {} : value.params) };
}

function call<M extends Method>(method: M, params: unknown): MethodCall<M> {
  return { method, params: parseParams(method, params) };
}
