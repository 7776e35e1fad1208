/**
 * Diagnostics: "Diagnose AWS Credentials" (the doctor over this machine's real environment, its report
 * and its fixes) and "Inspect SAML Assertion".
 */
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { Commands, SETTINGS_SECTION, Settings } from '../core/constants';
import { shlexSplit } from '../core/awsFiles/shlex';
import { diagnose, worstFirst } from '../core/doctor/doctor';
import { FIX_IDS, type CliEndpointState, type DoctorEnvironment, type Finding, type Fix, type ManagedProfile, type ProcessResult } from '../core/doctor/types';
import { samlAssertion } from '../core/saml/lazyAssertion';
import { profileOf } from '../core/sessionLookup';
import type { Logger, StateStore } from '../core/ports';
import { DoctorPanel } from '../webviews/doctor/panel';
import type { Report } from './report';
import { guarded, type CommandTable } from './table';

export interface DoctorCommandDeps {
  state: Pick<StateStore, 'read'>;
  logger: Logger;
  terminalCollection: vscode.EnvironmentVariableCollection;
  /** The STS endpoint in use (an override, else AWS's). */
  stsUrl: () => string;
  /** Whether this window serves the CLI, or why it cannot. */
  cliStatus?: () => CliEndpointState;
  /** Where a SAML response may be posted (the AWS sign-in URLs, or the test double's). */
  signInUrls: () => readonly string[];
  report: Report;
}

type Env = Record<string, string | undefined>;

/** What an integrated terminal gets: the extension host's environment, terminal.integrated.env.*, then ours. */
function terminalEnv(collection: vscode.EnvironmentVariableCollection): { env: Env; contributed: Record<string, string> } {
  const env: Env = { ...process.env };
  const platform = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux';
  const extra = vscode.workspace.getConfiguration('terminal.integrated.env').get<Record<string, string | null>>(platform) ?? {};
  for (const [k, v] of Object.entries(extra)) env[k] = v === null ? undefined : v;
  const contributed: Record<string, string> = {};
  collection.forEach((name, mutator) => {
    if (mutator.type === vscode.EnvironmentVariableMutatorType.Replace) contributed[name] = mutator.value;
  });
  const folder = vscode.workspace.workspaceFolders?.[0];
  const pinned = folder && vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).get<string>(Settings.terminalProfile);
  if (pinned) contributed.AWS_PROFILE = pinned;
  return { env: { ...env, ...contributed }, contributed };
}

function runProcess(commandLine: string, env: Env): Promise<ProcessResult> {
  const argv = shlexSplit(commandLine);
  if (!argv || argv.length === 0) return Promise.resolve({ exitCode: null, stdout: '', stderr: '', error: vscode.l10n.t('the command line cannot be split into words') });
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { env: env as NodeJS.ProcessEnv, timeout: 15_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error ? null : 0;
      const failure = error && code === null ? (error.killed ? vscode.l10n.t('timed out after 15 s') : error.message) : undefined;
      resolve({ exitCode: code, stdout: String(stdout), stderr: String(stderr), error: failure });
    });
  });
}

export function doctorCommands(deps: DoctorCommandDeps) {
  async function managedProfiles(): Promise<ManagedProfile[]> {
    const state = await deps.state.read();
    return state.sessions.map((s) => ({
      profile: profileOf(state, s).name,
      sessionId: s.id,
      alias: s.alias,
      status: state.active[s.id]?.status ?? 'inactive',
      expiration: state.active[s.id]?.expiration,
    }))
      // One entry per profile: its active session first.
      .sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'))
      .filter((m, i, all) => all.findIndex((x) => x.profile === m.profile) === i);
  }

  async function run(): Promise<Finding[]> {
    const terminal = terminalEnv(deps.terminalCollection);
    const environment: DoctorEnvironment = {
      envs: { terminal: terminal.env, workspace: { ...process.env } },
      terminalContributed: terminal.contributed,
      homeDir: homedir(),
      uid: process.getuid?.(),
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(),
      readFile: async (path) => fs.readFile(path, 'utf8').catch(() => undefined),
      now: () => Date.now(),
      stsDate: async () => {
        try {
          const response = await fetch(deps.stsUrl(), { method: 'GET', signal: AbortSignal.timeout(5000) });
          const date = response.headers.get('date');
          return date ? new Date(date) : undefined;
        } catch {
          return undefined;
        }
      },
      runProcess,
    };
    const findings = worstFirst(await diagnose({ environment, managed: await managedProfiles(), cliEndpoint: deps.cliStatus?.() }));
    deps.logger.info(`Credentials doctor: ${findings.map((f) => `${f.severity}:${f.code}`).join(', ')}`);
    return findings;
  }

  async function runFix(fix: Fix): Promise<void> {
    switch (fix.id) {
      case 'startSession':
        await vscode.commands.executeCommand(Commands.startSession, fix.arg);
        return;
      case 'openFile':
        if (fix.arg) await vscode.window.showTextDocument(vscode.Uri.file(fix.arg));
        return;
      case 'importProfiles':
        await vscode.commands.executeCommand(Commands.importProfiles);
        return;
      case 'switchTerminalProfile':
        await vscode.commands.executeCommand(Commands.switchTerminalProfile, fix.arg);
        return;
      case 'openTerminalSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'terminal.integrated.env');
        return;
      case 'addSession':
        await vscode.commands.executeCommand(Commands.addSession);
        return;
    }
  }

  return {
    /** Returns the findings (worst first), for tests. */
    [Commands.diagnose]: guarded(deps.report, vscode.l10n.t('Diagnose credentials'), async (options?: { show?: boolean }): Promise<Finding[]> => {
      const findings = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('AWS Sessions: diagnosing credentials') }, run);
      if (options?.show !== false) DoctorPanel.show({ logger: deps.logger, diagnose: run, runFix }, findings);
      return findings;
    }),
    [Commands.doctorFix]: guarded(deps.report, vscode.l10n.t('Doctor fix'), async (fix?: Fix) => {
      if (!fix || !(FIX_IDS as readonly string[]).includes(fix.id)) throw new Error(vscode.l10n.t('Unknown doctor fix.'));
      await runFix(fix);
    }),
    /** Returns the analysis shown, for tests. */
    [Commands.inspectSamlAssertion]: async (pasted?: string) => {
      const value =
        pasted ??
        (await vscode.window.showInputBox({
          title: vscode.l10n.t('AWS Sessions: inspect a SAML assertion'),
          prompt: vscode.l10n.t('Paste the base64 SAMLResponse (from the browser developer tools, the POST to signin.aws.amazon.com/saml)'),
          ignoreFocusOut: true,
          password: true,
        }));
      if (!value) return undefined;
      const { analyzeSamlResponse, formatSamlAnalysis } = samlAssertion();
      const text = formatSamlAnalysis(analyzeSamlResponse(value, { nowMs: Date.now(), signInUrls: deps.signInUrls() }));
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { preview: true });
      return text;
    },
  } satisfies CommandTable;
}
