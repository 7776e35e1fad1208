/** Argument parsing and help texts of the `aws-sessions` CLI. No dependencies: the CLI must start fast. */

export { EXIT } from './exitCodes';

export interface Parsed {
  command: string;
  positionals: string[];
  flags: Record<string, string | true>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--name value`, `--name=value`, boolean `--json` / `--yes` / `--help` / `-h`; `--` ends flags. */
export function parseArgs(argv: readonly string[], booleans: ReadonlySet<string> = new Set(['json', 'yes', 'help', 'print', 'version'])): Parsed {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') flags.help = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`bad option ${a}`);
      if (eq > 0) flags[name] = a.slice(eq + 1);
      else if (booleans.has(name)) flags[name] = true;
      else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
        flags[name] = v;
        i++;
      }
    } else positionals.push(a);
  }
  const [command = '', ...rest] = positionals;
  return { command, positionals: rest, flags };
}

/** `--mfa-serial` → `mfaSerial`. */
export function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const EXIT_HELP = `Exit codes:
  0  success
  1  the editor reported a failure (AWS refused, login needed, file problem); the reason is on stderr
  2  usage error (unknown command or option, missing argument, a secret given on the command line)
  3  no VS Code window with AWS Sessions is running, or its endpoint could not be trusted (nothing was sent)
  4  no such session or profile
  5  cancelled: an MFA code or login prompt was dismissed or refused
  6  timed out waiting for the editor (an open prompt, or a hand-over between windows; AWS_SESSIONS_TIMEOUT, seconds, default 300)
  7  not supported by this version`;

export const HELP: Record<string, string> = {
  '': `aws-sessions — AWS Sessions from the command line, served by the running VS Code.

Usage: aws-sessions <command> [options]

Commands:
  list [--json]                          sessions with profile, region, delivery and status
  start <session>                        start a session (alias or id)
  stop <session>                         stop a session
  generate <session>                     print credentials as credential_process JSON (Version 1)
  current [profile] [--json]             which session backs a profile (default: $AWS_PROFILE or default)
  add --type <type> --alias ... [--json] add a session; every field as --flag, secrets from stdin or a prompt
  delete <session> [--yes]               delete a session and its secrets
  profile list|create <name>|rename <name> <new>|delete <name>
  region <session> <region>              change a session's region (an active session restarts)
  delivery <session> <mode>              credentialsFile | credentialProcess | default
  console <session> [--print]            open (or print) the AWS web console sign-in URL

Every command takes --help. Sessions are named by alias or id.

${EXIT_HELP}`,
  list: 'Usage: aws-sessions list [--json]\n\nLists every session: alias, profile, region, type, delivery mode, status, expiry, id.',
  start: 'Usage: aws-sessions start <session>\n\nStarts the session (alias or id) as the editor does; an MFA prompt opens in VS Code and this command waits for it.',
  stop: 'Usage: aws-sessions stop <session>\n\nStops the session and removes exactly what its delivery wrote.',
  generate:
    'Usage: aws-sessions generate <session>\n\nPrints {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"} for credential_process.\nCredentials still valid for a few minutes come from the editor\'s memory; otherwise the editor asks AWS (and VS Code prompts for MFA when needed).',
  current: 'Usage: aws-sessions current [profile] [--json]\n\nPrints the alias of the active session on the profile (default: $AWS_PROFILE, else "default"). Exit 4 when none is active.',
  add: 'Usage: aws-sessions add --type <type> --alias <alias> --profile <name> --region <region> [--<field> <value>...] [--delivery-mode <mode>] [--json]\n\nTypes and their fields: run `aws-sessions add --type <type> --help`. Secret fields are never taken from the command line:\nthey are read from stdin, one per line in the order listed, or prompted for (without echo) on a terminal.',
  delete: 'Usage: aws-sessions delete <session> [--yes]\n\nDeletes the session and its stored secrets (stopping it first). Asks for confirmation on a terminal unless --yes.',
  profile: 'Usage: aws-sessions profile list [--json] | profile create <name> | profile rename <name> <new> | profile delete <name>\n\nNamed profiles sessions are bound to. "default" always exists and cannot be renamed or deleted; deleting a profile stops its active sessions and moves them to "default".',
  region: 'Usage: aws-sessions region <session> <region>\n\nChanges the session\'s region; an active session restarts with it.',
  delivery: 'Usage: aws-sessions delivery <session> credentialsFile|credentialProcess|default\n\nHow the session\'s credentials reach the AWS CLI and SDKs; "default" follows the awsSessions.deliveryMode setting.',
  console: 'Usage: aws-sessions console <session> [--print]\n\nOpens the AWS web console signed in as the session (in the browser of the VS Code window serving the CLI),\nor prints the sign-in URL with --print. The URL signs in once within 15 minutes: treat it like a password.',
};
