/**
 * What the IPC server does for each CLI method, on top of the SessionService. Plain TypeScript.
 * Sessions are named by id or alias everywhere; replies never carry a stored long-term secret.
 */
import { CancelledError, errorMessage, UserFacingError, ValidationError } from '../errors';
import type { PersistedState, Session } from '../model';
import { silentLogger, type Logger } from '../ports';
import { activeSessionOfProfile, AmbiguousNameError, profileOf, sessionByRef } from '../sessionLookup';
import { CREDENTIAL_VARIABLES } from '../launchEnv';
import type { SessionService } from '../sessionService';
import type { ProfileService } from '../profiles';
import type { AccessKeys } from '../accessKeys';
import type { SsmSessions } from '../ssm/ssmSessions';
import { isSessionKind, sessionType, sessionTypes } from '../sessions/registry';
import { IpcError, serveMethods, type IpcHandler } from './server';
import type { ErrorCode } from './protocol';
import type { MethodHandlers, Params, ProcessCredentials, SessionSummary } from './methods';
import { batchFailed, batchSummary, runBatch, selectSessions, type BatchAction, type BatchDeps } from '../sessionBatch';
import { t } from '../l10n';
import { integrationMethods, type IntegrationHandlers } from './integrationHandlers';

function findSession(state: PersistedState, ref: string): Session {
  const found = sessionByRef(state, ref);
  if (!found) throw new IpcError('notFound', t('no session named or with id "{0}" (see: aws-sessions list)', ref));
  return found;
}

function summary(service: SessionService, state: PersistedState, s: Session): SessionSummary {
  const active = state.active[s.id];
  return {
    id: s.id,
    alias: s.alias,
    kind: s.kind,
    profile: profileOf(state, s).name,
    region: s.region,
    status: active?.status ?? 'inactive',
    deliveryMode: service.lifecycle.deliveryModeOf(s),
    expiration: active?.expiration,
    error: active?.error,
  };
}

function batchAction(p: Params<'batch'>): BatchAction {
  if (p.action === 'relocate') {
    if (p.profile === undefined && p.region === undefined) throw new IpcError('badRequest', t('give a profile or a region to move the sessions to'));
    return { kind: 'relocate', profileName: p.profile, region: p.region };
  }
  if (p.action === 'pin' || p.action === 'unpin') return { kind: 'pin', pinned: p.action === 'pin' };
  return { kind: p.action };
}

export function describeIpcError(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof CancelledError) return { code: 'cancelled', message: error.message };
  if (error instanceof ValidationError || error instanceof AmbiguousNameError) return { code: 'badRequest', message: error.full };
  if (error instanceof UserFacingError) return { code: 'failed', message: error.full };
  return { code: 'failed', message: errorMessage(error) };
}

/**
 * The web console sign-in, when the editor provides it: `open` opens it in the browser, else only the URL;
 * `isolated`: in a browser profile of the session's own (else the awsSessions.console.browser setting decides).
 */
export type ConsoleOpener = (sessionId: string, open: boolean, isolated?: boolean) => Promise<{ url: string; opened: boolean }>;

/** The credentials endpoint's variables of a session (URL and token), when this window serves one. */
export type EndpointVariables = (sessionId: string) => Promise<Record<string, string>>;

/** What the editor adds beyond the sessions: the credentials endpoint's variables, access-key rotation, IAM Identity Center logins. */
export interface MoreHandlers {
  endpointVariables?: EndpointVariables;
  accessKeys?: AccessKeys;
  /** IAM Identity Center integrations (the `integration` subcommands). */
  integrations?: IntegrationHandlers;
  ssmSessions?: SsmSessions;
  /** A valid login of an integration, asked for in the editor when needed (batches: once for all its roles). */
  integrationLogin?: BatchDeps['integrationLogin'];
  /** Where a batch logs what failed (the editor's log). */
  logger?: Logger;
}

export function sessionHandler(service: SessionService, profiles: ProfileService, openConsole?: ConsoleOpener, more: MoreHandlers = {}): IpcHandler {
  return serveMethods(sessionMethods(service, profiles, openConsole, more));
}

/** The typed handler of every method (`methods.ts`), on top of the SessionService. */
export function sessionMethods(service: SessionService, profiles: ProfileService, openConsole?: ConsoleOpener, more: MoreHandlers = {}): MethodHandlers {
  const { endpointVariables } = more;
  /** The summary of the session with this id after a change. */
  const summaryAfter = async (id: string): Promise<SessionSummary> => {
    const state = await service.state.read();
    const session = state.sessions.find((s) => s.id === id);
    if (!session) throw new IpcError('notFound', t('the session {0} was deleted meanwhile (in another window?)', id));
    return summary(service, state, session);
  };
  return {
    ...integrationMethods(service.state, more.integrations),
    ping: async () => ({ pid: process.pid }),
    generate: async (p) => {
      // credential_process names the session by id: answer from memory without reading the state file.
      const c = service.resolver.rememberedForProcess(p.session) || (await service.resolver.credentialsForProcess(findSession(await service.state.read(), p.session).id));
      const out: ProcessCredentials = { Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey };
      if (c.sessionToken) out.SessionToken = c.sessionToken;
      if (c.expiration) out.Expiration = c.expiration.toISOString();
      return out;
    },
    list: async () => {
      const state = await service.state.read();
      return state.sessions.map((s) => summary(service, state, s));
    },
    start: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      await service.lifecycle.start(session.id);
      return summaryAfter(session.id);
    },
    stop: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      await service.lifecycle.stop(session.id);
      return summaryAfter(session.id);
    },
    current: async (p) => {
      const state = await service.state.read();
      const found = activeSessionOfProfile(state, p.profile);
      if (!found) throw new IpcError('notFound', t('no active session on profile "{0}"', p.profile));
      return summary(service, state, found.session);
    },
    names: async () => {
      const state = await service.state.read();
      return { sessions: state.sessions.map((s) => s.alias), profiles: state.profiles.map((p) => p.name), integrations: (state.integrations ?? []).map((i) => i.alias) };
    },
    types: async () => sessionTypes().map((t) => ({ kind: t.kind, label: t.label, fields: t.fields.map((f) => ({ name: f.name, label: f.label, kind: f.kind, required: f.required })) })),
    add: async (p) => {
      const { type } = p;
      const values = { ...p.fields };
      if (!isSessionKind(type)) throw new IpcError('badRequest', t('--type must be one of: {0}', sessionTypes().map((t) => t.kind).join(', ')));
      // Names work wherever ids do: a session field (the assumer) may name its session by alias.
      const current = await service.state.read();
      for (const field of sessionType(type).fields) {
        if (field.kind === 'session' && values[field.name]) values[field.name] = findSession(current, values[field.name]).id;
      }
      const saved = await service.editor.save(type, values);
      const state = await service.state.read();
      return summary(service, state, saved);
    },
    delete: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      const { orphaned } = await service.editor.delete(session.id);
      return { id: session.id, alias: session.alias, orphaned: orphaned.map((s) => s.alias) };
    },
    profileList: async () => {
      const state = await service.state.read();
      return state.profiles.map((pr) => ({ name: pr.name, sessions: state.sessions.filter((s) => profileOf(state, s).id === pr.id).map((s) => s.alias) }));
    },
    profileCreate: async (p) => {
      return { name: (await profiles.create(p.name)).name };
    },
    profileDelete: async (p) => {
      await profiles.delete(p.name);
      return { name: p.name };
    },
    profileRename: async (p) => {
      return { name: (await profiles.rename(p.name, p.newName)).name };
    },
    setRegion: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      await service.editor.relocate(session.id, { region: p.region });
      return summaryAfter(session.id);
    },
    setDeliveryMode: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      await service.editor.setDeliveryMode(session.id, p.mode);
      return summaryAfter(session.id);
    },
    environment: async (p) => {
      const state = await service.state.read();
      const session = findSession(state, p.session);
      const region = { AWS_REGION: session.region, AWS_DEFAULT_REGION: session.region };
      const clear = (variables: Record<string, string>) => [...CREDENTIAL_VARIABLES, 'AWS_CREDENTIAL_EXPIRATION'].filter((name) => !(name in variables));
      if (p.delivery === 'credentials') {
        const c = await service.resolver.credentialsForProcess(session.id);
        const variables: Record<string, string> = { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, ...region };
        if (c.sessionToken) variables.AWS_SESSION_TOKEN = c.sessionToken;
        if (c.expiration) variables.AWS_CREDENTIAL_EXPIRATION = c.expiration.toISOString();
        return { alias: session.alias, variables, clear: clear(variables), expiration: c.expiration?.toISOString() };
      }
      const active = state.active[session.id];
      if (!active || active.status === 'error') {
        throw new IpcError(
          'failed',
          p.delivery === 'profile'
            ? t('session "{0}" is not active: its profile holds no credentials. Start it first (aws-sessions start {0}), or leave out --profile-only to get its credentials.', session.alias)
            : t('session "{0}" is not active: its endpoint serves no credentials. Start it first (aws-sessions start {0}), or leave out --endpoint to get its credentials.', session.alias),
        );
      }
      if (p.delivery === 'profile') {
        const variables = { AWS_PROFILE: profileOf(state, session).name, ...region };
        return { alias: session.alias, variables, clear: clear(variables), expiration: active.expiration };
      }
      if (!endpointVariables) throw new IpcError('unsupported', t('the credentials endpoint is not available in this window'));
      const variables = { ...(await endpointVariables(session.id)), ...region };
      return { alias: session.alias, variables, clear: clear(variables), expiration: active.expiration };
    },
    consoleSignIn: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      if (!openConsole) throw new IpcError('unsupported', t('the web console sign-in is not available in this version of AWS Sessions'));
      return openConsole(session.id, p.openBrowser, p.isolated);
    },
    relocate: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      await service.editor.relocate(session.id, { profileName: p.profile, region: p.region });
      return summaryAfter(session.id);
    },
    ssmInstances: async (p) => {
      if (!more.ssmSessions) throw new IpcError('unsupported', t('SSM sessions are not available in this version of AWS Sessions'));
      const session = findSession(await service.state.read(), p.session);
      const found = await more.ssmSessions.instances(session.id);
      return { alias: session.alias, profile: found.profile, region: found.region, endpoint: more.ssmSessions.endpoint(), instances: found.instances };
    },
    batch: async (p) => {
      const state = await service.state.read();
      if (!p.sessions?.length && p.allOf === undefined && p.filter === undefined) throw new IpcError('badRequest', t('name the sessions, or give --all-of <integration> or --filter <text>'));
      const chosen = (() => {
        try {
          return selectSessions(state, { names: p.sessions, allOf: p.allOf, filter: p.filter });
        } catch (error) {
          throw error instanceof AmbiguousNameError ? error : new IpcError('notFound', errorMessage(error));
        }
      })();
      if (chosen.length === 0) throw new IpcError('notFound', t('no session matches (see: aws-sessions list)'));
      const action = batchAction(p);
      if (p.preview) return { headline: '', problems: [], failed: false, outcomes: chosen.map((s) => ({ id: s.id, alias: s.alias, status: 'unchanged' as const })) };
      const result = await runBatch({ state: service.state, lifecycle: service.lifecycle, editor: service.editor, resolver: service.resolver, logger: more.logger ?? silentLogger, integrationLogin: more.integrationLogin }, chosen.map((s) => s.id), action);
      return { ...batchSummary(result), failed: batchFailed(result), outcomes: result.outcomes };
    },
    rotateKey: async (p) => {
      const session = findSession(await service.state.read(), p.session);
      if (!more.accessKeys) throw new IpcError('unsupported', t('access-key rotation is not available in this version of AWS Sessions'));
      const { alias, oldAccessKeyId, newAccessKeyId, oldKeyDeleted, steps, warning } = await more.accessKeys.rotate(session.id);
      return { alias, oldAccessKeyId, newAccessKeyId, oldKeyDeleted, steps, warning };
    },
  };
}
