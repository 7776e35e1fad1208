/**
 * "Start SSM Session…" for an active session, in plain TypeScript: the managed nodes of its region (SSM
 * DescribeInstanceInformation with its credentials), whether the AWS CLI and the Session Manager plugin are
 * on PATH, and the terminal to open: `aws ssm start-session --target <id>` with the session's profile and region
 * in its environment. The terminal gets names only (AWS_PROFILE, AWS_REGION), never a credential.
 */
import type { ManagedInstance, SsmGateway } from '../aws/ssm';
import type { CredentialResolver } from '../credentialResolver';
import { SessionError } from '../errors';
import { t } from '../l10n';
import { lookupExecutable, refusedProgramsText, type RefusedProgram } from '../pathLookup';
import type { Session } from '../model';
import type { Logger, StateStore } from '../ports';
import { profileOf, sessionByRef } from '../sessionLookup';

export type { ManagedInstance } from '../aws/ssm';

export interface SsmSessionsDeps {
  state: Pick<StateStore, 'read'>;
  resolver: Pick<CredentialResolver, 'credentials'>;
  ssm: SsmGateway;
  logger: Logger;
  /** The SSM endpoint override, if any (passed to the AWS CLI as --endpoint-url). */
  endpoint: () => string | undefined;
}

export interface SessionInstances {
  session: Session;
  profile: string;
  region: string;
  instances: ManagedInstance[];
}

/** What to run in the terminal: the program, its arguments and the variables to add (no secret). */
export interface SsmTerminalPlan {
  name: string;
  command: string[];
  env: Record<string, string>;
}

/** The AWS CLI and the plugin, as found on PATH. */
export interface SsmTools {
  aws?: string;
  plugin?: string;
  /** Files on PATH passed over because another local user could have put them there. */
  refused?: readonly RefusedProgram[];
}

const PLUGIN_INSTALL_URL = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';
const CLI_INSTALL_URL = 'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html';

export async function findSsmTools(pathValue: string | undefined, platform: NodeJS.Platform = process.platform): Promise<SsmTools> {
  const [aws, plugin] = ['aws', 'session-manager-plugin'].map((name) => lookupExecutable(name, { PATH: pathValue, PATHEXT: process.env.PATHEXT }, platform));
  const refused = [...(aws.path ? [] : aws.refused), ...(plugin.path ? [] : plugin.refused)];
  return { aws: aws.path, plugin: plugin.path, ...(refused.length > 0 ? { refused } : {}) };
}

/** What is missing and how to install it, or undefined when both are there. */
export function missingToolsMessage(tools: SsmTools): string | undefined {
  const missing = missingToolsText(tools);
  return missing && [missing, refusedProgramsText(tools.refused ?? [])].filter(Boolean).join(' ');
}

function missingToolsText(tools: SsmTools): string | undefined {
  if (!tools.aws && !tools.plugin) return t('Neither the AWS CLI nor the Session Manager plugin was found on PATH. Install the AWS CLI v2 ({0}) and the Session Manager plugin ({1}), then try again.', CLI_INSTALL_URL, PLUGIN_INSTALL_URL);
  if (!tools.aws) return t('The AWS CLI was not found on PATH. Install the AWS CLI v2 ({0}), then try again.', CLI_INSTALL_URL);
  if (!tools.plugin) return t('The Session Manager plugin (session-manager-plugin) was not found on PATH. Install it ({0}), then try again.', PLUGIN_INSTALL_URL);
  return undefined;
}

/** A line of the quick pick or the CLI: name (or id), then platform and ping status. */
export function instanceLabel(instance: ManagedInstance): string {
  return instance.name ? `${instance.name} (${instance.instanceId})` : instance.instanceId;
}

/** The terminal for one node: `aws ssm start-session --target <id>` (plus --endpoint-url when one is set). */
export function ssmTerminalPlan(target: { profile: string; region: string; alias: string }, instance: ManagedInstance, aws: string, endpoint?: string): SsmTerminalPlan {
  const command = [aws, 'ssm', 'start-session', '--target', instance.instanceId];
  if (endpoint) command.push('--endpoint-url', endpoint);
  return {
    name: t('SSM: {0} ({1})', instance.name || instance.instanceId, target.alias),
    command,
    env: { AWS_PROFILE: target.profile, AWS_REGION: target.region, AWS_DEFAULT_REGION: target.region },
  };
}

export class SsmSessions {
  constructor(private readonly deps: SsmSessionsDeps) {}

  /** The session by id or alias; it must be active (its profile holds the credentials the AWS CLI uses). */
  async activeSession(ref: string): Promise<{ session: Session; profile: string; region: string }> {
    const state = await this.deps.state.read();
    const session = sessionByRef(state, ref);
    if (!session) throw new SessionError(ref, t('no such session.'), t('See the sessions with: aws-sessions list'));
    const active = state.active[session.id];
    if (!active || active.status === 'error') {
      throw new SessionError(session.alias, t('it is not active, so its profile holds no credentials for an SSM session.'), t('Start the session first, then start the SSM session.'));
    }
    return { session, profile: profileOf(state, session).name, region: session.region };
  }

  /** The managed nodes of the session's region, sorted: online first, then by name. */
  async instances(ref: string, signal?: AbortSignal): Promise<SessionInstances> {
    const target = await this.activeSession(ref);
    const credentials = await this.deps.resolver.credentials(target.session.id);
    let instances: ManagedInstance[];
    try {
      instances = await this.deps.ssm.listInstances({ credentials, region: target.region, signal });
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      throw new SessionError(target.session.alias, t('could not list the managed instances of {0} ({1}).', target.region, cause), t('Check that the session may call ssm:DescribeInstanceInformation in {0}.', target.region), { cause: error });
    }
    instances.sort((a, b) => Number(b.pingStatus === 'Online') - Number(a.pingStatus === 'Online') || (a.name || a.instanceId).localeCompare(b.name || b.instanceId));
    this.deps.logger.info(`Session "${target.session.alias}": ${instances.length} managed instance(s) in ${target.region}.`);
    return { ...target, instances };
  }

  /** The SSM endpoint override, if any. */
  endpoint(): string | undefined {
    return this.deps.endpoint();
  }

  /** The terminal to open for a node of the session (the node named by id or name among `instances`). */
  plan(target: { session: Session; profile: string; region: string }, instance: ManagedInstance, aws: string): SsmTerminalPlan {
    return ssmTerminalPlan({ profile: target.profile, region: target.region, alias: target.session.alias }, instance, aws, this.endpoint());
  }
}

/** A node named by id or by name (exact; a name shared by several nodes is ambiguous). */
export function findInstance(instances: readonly ManagedInstance[], ref: string): ManagedInstance | undefined {
  const byId = instances.find((i) => i.instanceId === ref);
  if (byId) return byId;
  const byName = instances.filter((i) => i.name === ref);
  return byName.length === 1 ? byName[0] : undefined;
}
