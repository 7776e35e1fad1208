/** What the credentials doctor reads (injected) and what it reports. */

export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** Fixes the VS Code side knows how to run (Commands.doctorFix with `{ fixId, arg }`). */
export const FIX_IDS = ['startSession', 'openFile', 'importProfiles', 'switchTerminalProfile', 'openTerminalSettings', 'addSession'] as const;
export type FixId = (typeof FIX_IDS)[number];

export interface Fix {
  id: FixId;
  label: string;
  /** A session id (startSession), a file path (openFile), a profile name (switchTerminalProfile). */
  arg?: string;
}

/** Where a tool runs: the integrated terminal, or the workspace (tasks, debuggers, extensions). */
export type Scope = 'terminal' | 'workspace' | 'machine';

export interface Finding {
  /** Stable, e.g. `env-keys-shadow`; tests look findings up by it. */
  code: string;
  severity: Severity;
  scope: Scope;
  title: string;
  /** Plain text; never a secret (key ids are masked). */
  detail: string;
  fix?: Fix;
}

export interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start or timed out. */
  error?: string;
}

/** Everything the doctor may look at, injected so tests craft environments. */
export interface DoctorEnvironment {
  /** The environment tools inherit in each scope. */
  envs: Partial<Record<'terminal' | 'workspace', Readonly<Record<string, string | undefined>>>>;
  /** Variables AWS Sessions itself contributes to terminals (e.g. AWS_PROFILE), to name their source. */
  terminalContributed?: Readonly<Record<string, string>>;
  /** The home folder of the account VS Code runs as (os.homedir()). */
  homeDir: string;
  /** The effective user id (process.getuid), when known. */
  uid?: number;
  cwd: string;
  /** File text, or undefined when the file does not exist. */
  readFile(path: string): Promise<string | undefined>;
  now(): number;
  /** The Date header of an HTTPS answer from STS; undefined when STS cannot be reached. */
  stsDate(): Promise<Date | undefined>;
  /** Runs a credential_process command line (no shell) with a time limit. */
  runProcess(commandLine: string, env: Readonly<Record<string, string | undefined>>): Promise<ProcessResult>;
}

/** What AWS Sessions itself knows: which profiles it manages and their state. */
export interface ManagedProfile {
  profile: string;
  sessionId: string;
  alias: string;
  status: 'inactive' | 'starting' | 'active' | 'expired' | 'error';
  expiration?: string;
}

/** Whether this window serves the `aws-sessions` CLI and credential_process (ipc/lease.ts ServingStatus). */
export type CliEndpointState = { state: 'serving' | 'standby' } | { state: 'cannotServe'; problem: { path: string; reason: string } };

export interface DoctorInput {
  environment: DoctorEnvironment;
  managed: readonly ManagedProfile[];
  cliEndpoint?: CliEndpointState;
}

export function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…';
}
