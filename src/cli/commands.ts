/**
 * The subcommands of `aws-sessions`, one table: name, synopsis and summary (the overview help), the full
 * help text, the options (`node:util` parseArgs specs) and what it runs. Each run speaks to the editor
 * through `ctx.call`, typed by the method map (core/ipc/methods.ts). Adding a subcommand: one entry here,
 * one method in the map, one handler (core/ipc/handlers.ts).
 */
import { MAX_BATCH_NAMES, type Params, type SessionSummary } from '../core/ipc/methods';
import { command, json, need, type CliContext, type Subcommand } from './subcommand';
import { camel, EXIT, exitHelp, GLOBAL_OPTIONS, kebab, parseLoose, parseOptions, UsageError, type OptionsSpec } from './args';
import { Exit } from './call';
import { table } from './io';
import { l10nText, t, translated } from '../core/l10n';
import { execSession, parseExecArgs } from './exec';
import { EXPORT_FORMATS, formatExport, isExportFormat } from './exportFormat';
import { complete, completionScript, isShell, SHELLS } from './completion';
import { INTEGRATION_COMMANDS } from './integrationCommands';
import { findInstance, findSsmTools, missingToolsMessage, ssmTerminalPlan } from '../core/ssm/ssmSessions';
import { CREDENTIAL_VARIABLES } from '../core/launchEnv';

export type { CliContext, Subcommand } from './subcommand';

const DELIVERY_CHOICES = ['credentialsFile', 'credentialProcess', 'default'] as const;

const printSummary = (ctx: CliContext, asJson: boolean | undefined, s: SessionSummary): void =>
  ctx.out(
    asJson
      ? JSON.stringify(s)
      : s.expiration
        ? t('{0}: {1} until {2} (profile {3}, {4}, {5})', s.alias, s.status, s.expiration, s.profile, s.region, s.deliveryMode)
        : t('{0}: {1} (profile {2}, {3}, {4})', s.alias, s.status, s.profile, s.region, s.deliveryMode),
  );

/** Options that name many sessions at once (besides several names): every session of an integration, a filter. */
const selection = { 'all-of': { type: 'string' }, filter: { type: 'string' } } as const;
type Selection = { 'all-of'?: string; filter?: string; json?: boolean };

/** Whether the command line names more than one session (several names, --all-of, --filter). */
const isBatch = (values: Selection, positionals: readonly string[]): boolean => positionals.length > 1 || values['all-of'] !== undefined || values.filter !== undefined;

const selected = (values: Selection, positionals: readonly string[]) => ({ sessions: positionals.length ? [...positionals] : undefined, allOf: values['all-of'], filter: values.filter });

/**
 * One action on the sessions named: one call, one summary (the headline on stdout, each cause of failure on
 * stderr); exit 1 when any failed (5 when every one not done was cancelled).
 */
async function runBatch(ctx: CliContext, action: Params<'batch'>['action'], values: Selection, positionals: readonly string[], extra: Pick<Params<'batch'>, 'profile' | 'region'> = {}): Promise<void> {
  const r = await ctx.call('batch', { action, ...selected(values, positionals), ...extra }, { retryAfterSend: action !== 'delete' });
  if (values.json) ctx.out(JSON.stringify(r, null, 2));
  else ctx.out(r.headline);
  if (!r.failed) return;
  if (!values.json) for (const problem of r.problems) ctx.warn(problem);
  const failed = r.outcomes.filter((o) => o.status === 'failed').length;
  const cancelled = r.outcomes.filter((o) => o.status === 'cancelled').length;
  throw new Exit(failed === 0 ? EXIT.cancelled : EXIT.failed, t('{0} of {1} sessions failed, {2} cancelled (causes above)', failed, r.outcomes.length, cancelled));
}

const SELECTION_HELP = l10nText('Several sessions: name them, or give --all-of <integration> (every role of an IAM Identity Center integration)\nor --filter <text> (the sessions whose alias, profile, region, account or role contain every word, as the\ntree\'s filter). One summary at the end; exit 1 when any failed. An MFA code or login the sessions share is\nasked once in VS Code.');

export const SUBCOMMANDS: ReadonlyArray<Subcommand> = [
  command({
    name: 'list',
    synopsis: 'list [--json]',
    summary: l10nText('sessions with profile, region, delivery and status'),
    help: l10nText('Usage: aws-sessions list [--json]\n\nLists every session: alias, profile, region, type, delivery mode, status, expiry, id.'),
    options: json,
    async run({ values }, ctx) {
      const sessions = await ctx.call('list', {});
      if (values.json) return ctx.out(JSON.stringify(sessions, null, 2));
      if (sessions.length === 0) return ctx.out(t('No sessions. Add one in VS Code or with: aws-sessions add --help'));
      ctx.out(table(['ALIAS', 'PROFILE', 'REGION', 'TYPE', 'DELIVERY', 'STATUS', 'EXPIRES', 'ID'], sessions.map((s) => [s.alias, s.profile, s.region, s.kind, s.deliveryMode, s.status, s.expiration ?? '', s.id])));
    },
  }),
  ...(['start', 'stop'] as const).map((action) =>
    command({
      name: action,
      complete: { args: ['session'] },
      synopsis: `${action} <session>… [--all-of|--filter]`,
      summary: action === 'start' ? l10nText('start sessions (alias or id)') : l10nText('stop sessions'),
      help:
        action === 'start'
          ? l10nText('Usage: aws-sessions start <session>… [--all-of <integration>] [--filter <text>] [--json]\n\nStarts the session (alias or id) as the editor does; an MFA prompt opens in VS Code and this command waits for it.')
          : l10nText('Usage: aws-sessions stop <session>… [--all-of <integration>] [--filter <text>] [--json]\n\nStops the session and removes exactly what its delivery wrote.'),
      extraHelp: SELECTION_HELP,
      options: { ...json, ...selection },
      run: async ({ values, positionals }, ctx) =>
        isBatch(values, positionals) ? runBatch(ctx, action, values, positionals) : printSummary(ctx, values.json, await ctx.call(action, { session: need(positionals, 0, 'session') })),
    }),
  ),
  command({
    name: 'generate',
    complete: { args: ['session'] },
    synopsis: 'generate <session>',
    summary: l10nText('print credentials as credential_process JSON (Version 1)'),
    help: l10nText('Usage: aws-sessions generate <session>\n\nPrints {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"} for credential_process.\nCredentials still valid for a few minutes come from the editor\'s memory; otherwise the editor asks AWS (and VS Code prompts for MFA when needed).'),
    options: {},
    run: async ({ positionals }, ctx) => ctx.out(JSON.stringify(await ctx.call('generate', { session: need(positionals, 0, 'session') }))),
  }),
  command({
    name: 'current',
    complete: { args: ['profile'] },
    synopsis: 'current [profile] [--json]',
    summary: l10nText('which session backs a profile (default: $AWS_PROFILE or default)'),
    help: l10nText('Usage: aws-sessions current [profile] [--json]\n\nPrints the alias of the active session on the profile (default: $AWS_PROFILE, else "default"). Exit 4 when none is active.'),
    options: json,
    async run({ values, positionals }, ctx) {
      const s = await ctx.call('current', { profile: positionals[0] || ctx.env.AWS_PROFILE || 'default' });
      ctx.out(values.json ? JSON.stringify(s) : s.alias);
    },
  }),
  command({
    name: 'add',
    synopsis: 'add --type <type> --alias ... [--json]',
    summary: l10nText('add a session; every field as --flag, secrets from stdin or a prompt'),
    help: l10nText('Usage: aws-sessions add --type <type> --alias <alias> --profile <name> --region <region> [--<field> <value>...] [--delivery-mode <mode>] [--json]\n\nTypes and their fields: run `aws-sessions add --type <type> --help`. Secret fields are never taken from the command line:\nthey are read from stdin, one per line in the order listed, or prompted for (without echo) on a terminal.'),
    options: { type: { type: 'string' }, ...json },
    strict: false,
    run: addSession,
  }),
  command({
    name: 'delete',
    complete: { args: ['session'] },
    synopsis: 'delete <session>… [--yes]',
    summary: l10nText('delete sessions and their secrets'),
    help: l10nText('Usage: aws-sessions delete <session>… [--all-of <integration>] [--filter <text>] [--yes] [--json]\n\nDeletes the session and its stored secrets (stopping it first). Asks for confirmation on a terminal unless --yes.'),
    extraHelp: SELECTION_HELP,
    options: { yes: { type: 'boolean', short: 'y' }, ...json, ...selection },
    async run({ values, positionals }, ctx) {
      if (isBatch(values, positionals)) {
        if (!values.yes) {
          const { outcomes } = await ctx.call('batch', { action: 'delete', ...selected(values, positionals), preview: true });
          const names = outcomes.map((o) => `"${o.alias}"`).join(', ');
          if (!(await ctx.confirm(t('Delete these {0} sessions and their stored secrets: {1}?', outcomes.length, names)))) throw new Exit(EXIT.cancelled, t('not deleted (pass --yes to skip the question)'));
          // Exactly the sessions confirmed, by id: one that matches --filter or --all-of only now (a sync meanwhile) was not shown.
          if (outcomes.length <= MAX_BATCH_NAMES) return runBatch(ctx, 'delete', { json: values.json }, outcomes.map((o) => o.id));
        }
        return runBatch(ctx, 'delete', values, positionals);
      }
      const session = need(positionals, 0, 'session');
      if (!values.yes && !(await ctx.confirm(t('Delete session "{0}" and its stored secrets?', session)))) throw new Exit(EXIT.cancelled, t('not deleted (pass --yes to skip the question)'));
      const r = await ctx.call('delete', { session }, { retryAfterSend: false });
      ctx.out(t('Deleted "{0}".', r.alias));
      if (r.orphaned.length) ctx.warn(t('these chained sessions used it and cannot start until they get another assumer: {0}', r.orphaned.join(', ')));
    },
  }),
  ...(['pin', 'unpin'] as const).map((action) =>
    command({
      name: action,
      synopsis: `${action} <session>… [--all-of|--filter]`,
      summary: action === 'pin' ? l10nText('pin sessions to the top of the tree') : l10nText('unpin sessions'),
      help: action === 'pin' ? l10nText('Usage: aws-sessions pin <session>… [--all-of <integration>] [--filter <text>] [--json]\n\nPins the sessions: the tree shows them first.') : l10nText('Usage: aws-sessions unpin <session>… [--all-of <integration>] [--filter <text>] [--json]\n\nUnpins the sessions.'),
      extraHelp: SELECTION_HELP,
      options: { ...json, ...selection },
      run: ({ values, positionals }, ctx) => {
        if (!isBatch(values, positionals)) need(positionals, 0, 'session');
        return runBatch(ctx, action, values, positionals);
      },
    }),
  ),
  command({
    name: 'profile',
    complete: { subs: { list: [], create: [], rename: ['profile'], delete: ['profile'] } },
    synopsis: 'profile list|create <name>|rename <name> <new>|delete <name>', // l10n-ignore: command syntax
    summary: l10nText('the named profiles sessions deliver to'),
    help: l10nText('Usage: aws-sessions profile list [--json] | profile create <name> | profile rename <name> <new> | profile delete <name>\n\nNamed profiles sessions are bound to. "default" always exists and cannot be renamed or deleted; deleting a profile stops its active sessions and moves them to "default".'),
    options: json,
    async run({ values, positionals }, ctx) {
      const sub = need(positionals, 0, t('subcommand: list, create, rename or delete'));
      if (sub === 'list') {
        const profiles = await ctx.call('profileList', {});
        return ctx.out(values.json ? JSON.stringify(profiles, null, 2) : table(['PROFILE', 'SESSIONS'], profiles.map((x) => [x.name, x.sessions.join(', ')])));
      }
      if (sub === 'rename') {
        const r = await ctx.call('profileRename', { name: need(positionals, 1, 'profile name'), newName: need(positionals, 2, 'new name') }, { retryAfterSend: false });
        return ctx.out(t('Profile renamed to "{0}".', r.name));
      }
      if (sub === 'create' || sub === 'delete') {
        const name = need(positionals, 1, t('profile name'));
        if (sub === 'create') await ctx.call('profileCreate', { name });
        else await ctx.call('profileDelete', { name }, { retryAfterSend: false });
        return ctx.out(sub === 'create' ? t('Profile "{0}" created.', name) : t('Profile "{0}" deleted.', name));
      }
      throw new UsageError(t('unknown profile subcommand "{0}" (list, create, rename, delete)', sub));
    },
  }),
  command({
    name: 'region',
    complete: { args: ['session'] },
    synopsis: 'region <session> <region>',
    summary: l10nText('change a session\'s region (an active session restarts)'),
    help: l10nText('Usage: aws-sessions region <session> <region>\n\nChanges the session\'s region; an active session restarts with it.'),
    options: json,
    run: async ({ values, positionals }, ctx) => printSummary(ctx, values.json, await ctx.call('setRegion', { session: need(positionals, 0, 'session'), region: need(positionals, 1, 'region') })),
  }),
  command({
    name: 'delivery',
    complete: { args: ['session', DELIVERY_CHOICES] },
    synopsis: 'delivery <session> <mode>',
    summary: 'credentialsFile | credentialProcess | default',
    help: l10nText('Usage: aws-sessions delivery <session> credentialsFile|credentialProcess|default\n\nHow the session\'s credentials reach the AWS CLI and SDKs; "default" follows the awsSessions.deliveryMode setting.'),
    options: json,
    async run({ values, positionals }, ctx) {
      const session = need(positionals, 0, 'session');
      const mode = need(positionals, 1, t('mode: credentialsFile, credentialProcess or default'));
      if (mode !== 'credentialsFile' && mode !== 'credentialProcess' && mode !== 'default') throw new UsageError(t('delivery mode must be one of: credentialsFile, credentialProcess, default (not "{0}")', mode));
      printSummary(ctx, values.json, await ctx.call('setDeliveryMode', { session, mode }));
    },
  }),
  command({
    name: 'console',
    complete: { args: ['session'] },
    synopsis: 'console <session> [--print] [--isolated]',
    summary: l10nText('open (or print) the AWS web console sign-in URL'),
    help: l10nText('Usage: aws-sessions console <session> [--print] [--isolated]\n\nOpens the AWS web console signed in as the session (in the browser of the VS Code window serving the CLI),\nor prints the sign-in URL with --print. The URL signs in once within 15 minutes: treat it like a password.\n  --isolated  open it in a browser profile of the session\'s own (Chrome, Chromium or Edge), so consoles of\n              several sessions stay signed in side by side'),
    options: { print: { type: 'boolean' }, isolated: { type: 'boolean' } },
    async run({ values, positionals }, ctx) {
      const print = values.print === true;
      if (print && values.isolated) throw new UsageError(t('--print and --isolated exclude each other'));
      const params = { session: need(positionals, 0, 'session'), openBrowser: !print, ...(values.isolated ? { isolated: true } : {}) };
      const result = await ctx.call('consoleSignIn', params, { retryAfterSend: false });
      // The URL signs in once within 15 minutes: print it only when asked, or when no browser opened.
      ctx.out(print || !result.opened ? result.url : t('Opened the AWS console in the browser.'));
    },
  }),
  command({
    name: 'exec',
    complete: { args: ['session'] },
    synopsis: 'exec <session> [--] <command…>',
    summary: l10nText("run a command with the session's credentials in its environment"),
    help: l10nText(`Usage: aws-sessions exec [--profile-only | --endpoint] <session> [--] <command> [args…]

Runs the command with the session's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION) and region in its environment only — never on a command line — and other credential
variables (AWS_PROFILE …) removed. stdin/stdout/stderr are the command's; signals are passed on; the exit code is
the command's (128 + n when signal n ended it, 127 when it was not found).
  --profile-only  AWS_PROFILE of the session's profile instead of credentials (the session must be active)
  --endpoint      the VS Code window's credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI and its token):
                  the command gets fresh credentials for as long as it runs (the session must be active)`),
    options: {},
    strict: false,
    rawArgs: true,
    async run({ argv }, ctx) {
      const args = parseExecArgs(argv);
      if (args.help) return ctx.out(translated(SUBCOMMANDS.find((c) => c.name === 'exec')!.help));
      const code = await execSession(args, { environment: (session, delivery) => ctx.call('environment', { session, delivery }), env: ctx.env, exec: ctx.exec });
      ctx.setExitCode?.(code);
    },
  }),
  command({
    name: 'export',
    complete: { args: ['session'], values: { format: EXPORT_FORMATS } },
    synopsis: 'export <session> [--format f]',
    summary: l10nText('print the variables for eval (sh, fish, powershell, json, dotenv, docker)'),
    help: l10nText(`Usage: aws-sessions export <session> [--format sh|fish|powershell|json|dotenv|docker] [--profile-only | --endpoint]

Prints the session's credentials, AWS_CREDENTIAL_EXPIRATION and region as variables, quoted for the format:
  sh (default)  eval "$(aws-sessions export dev)"          fish        aws-sessions export dev --format fish | source
  powershell    aws-sessions export dev --format powershell | Invoke-Expression
  json, dotenv  for tools and env files (a dotenv file holds the credentials: keep it out of version control)
  docker        -e flags naming the endpoint variables, values taken from the environment (never on the command line):
                aws-sessions exec dev --endpoint -- docker run $(aws-sessions export dev --format docker) <image> …
                (--network host shares the host's 127.0.0.1; on Docker Desktop enable host networking, 4.34+)
The shell formats also unset other credential variables (AWS_PROFILE …) that would take precedence.
  --profile-only  AWS_PROFILE instead of credentials        --endpoint  the credentials endpoint's URL and token`),
    options: { format: { type: 'string', short: 'f' }, 'profile-only': { type: 'boolean' }, endpoint: { type: 'boolean' } },
    async run({ values, positionals }, ctx) {
      const session = need(positionals, 0, 'session');
      const format = values.format ?? 'sh';
      if (!isExportFormat(format)) throw new UsageError(t('--format must be one of: {0} (not "{1}")', EXPORT_FORMATS.join(', '), format));
      if (values['profile-only'] && values.endpoint) throw new UsageError(t('--profile-only and --endpoint exclude each other'));
      const delivery = format === 'docker' || values.endpoint ? 'endpoint' : values['profile-only'] ? 'profile' : 'credentials';
      const { variables, clear } = await ctx.call('environment', { session, delivery });
      ctx.out(formatExport(format, variables, clear));
    },
  }),
  // Session settings, access keys, SSM, integrations (one block).
  command({
    name: 'set',
    complete: { args: ['session'], values: { profile: 'profile', delivery: DELIVERY_CHOICES } },
    options: { profile: { type: 'string' }, region: { type: 'string' }, delivery: { type: 'string' }, ...json, ...selection },
    synopsis: 'set <session>… [--profile p] [--region r] [--delivery d]',
    summary: l10nText("change a session's profile, region and delivery at once"),
    help: l10nText(
      'Usage: aws-sessions set <session> [--profile <name>] [--region <region>] [--delivery credentialsFile|credentialProcess|default] [--json]\n\nMoves the session to another named profile (created when new) and/or region, and sets how its credentials are\ndelivered. An active session restarts once with the new profile and region.',
    ),
    extraHelp: l10nText('Several sessions (names, --all-of <integration>, --filter <text>) move together with --profile and --region (not --delivery).'),
    async run({ values, positionals }, ctx) {
      const { profile, region, delivery } = values;
      if (profile === undefined && region === undefined && delivery === undefined) throw new UsageError(t('give at least one of --profile, --region, --delivery'));
      if (isBatch(values, positionals)) {
        if (delivery !== undefined) throw new UsageError(t('--delivery changes one session at a time'));
        return runBatch(ctx, 'relocate', values, positionals, { profile, region });
      }
      const session = need(positionals, 0, 'session');
      if (delivery !== undefined && delivery !== 'credentialsFile' && delivery !== 'credentialProcess' && delivery !== 'default') {
        throw new UsageError(t('--delivery must be one of: credentialsFile, credentialProcess, default (not "{0}")', delivery));
      }
      let result: SessionSummary | undefined;
      if (profile !== undefined || region !== undefined) result = await ctx.call('relocate', { session, profile, region });
      if (delivery !== undefined) result = await ctx.call('setDeliveryMode', { session, mode: delivery });
      if (result) printSummary(ctx, values.json, result);
    },
  }),
  command({
    name: 'ssm', options: json, complete: { args: ['session'] }, synopsis: 'ssm <session> [instance] [--json]', summary: l10nText('list managed instances, or start an SSM session on one'),
    help: l10nText(
      "Usage: aws-sessions ssm <session> [instance] [--json]\n\nWithout an instance: lists the managed instances (SSM DescribeInstanceInformation) in the session's region.\nWith one (id or name): runs `aws ssm start-session --target <id>` here with the session's profile and region\n(AWS_PROFILE, AWS_REGION); needs the AWS CLI v2 and the Session Manager plugin on PATH. The session must be active.",
    ),
    async run({ values, positionals }, ctx) {
      const found = await ctx.call('ssmInstances', { session: need(positionals, 0, 'session') });
      const ref = positionals[1];
      if (!ref) {
        if (values.json) return ctx.out(JSON.stringify(found.instances, null, 2));
        if (found.instances.length === 0) return ctx.out(t('No managed instances in {0} for "{1}".', found.region, found.alias));
        return ctx.out(table(['INSTANCE', 'NAME', 'PLATFORM', 'PING', 'IP'], found.instances.map((i) => [i.instanceId, i.name, i.platform, i.pingStatus, i.ipAddress ?? ''])));
      }
      const instance = findInstance(found.instances, ref);
      if (!instance) throw new Exit(EXIT.notFound, t('no managed instance "{0}" in {1} for "{2}" (see: aws-sessions ssm {2})', ref, found.region, found.alias));
      const tools = await findSsmTools(ctx.env.PATH);
      const missing = missingToolsMessage(tools);
      if (missing || !tools.aws) throw new Exit(EXIT.failed, missing ?? '');
      if (!ctx.exec) throw new Exit(EXIT.unsupported, t('starting an SSM session is not available here'));
      const plan = ssmTerminalPlan({ profile: found.profile, region: found.region, alias: found.alias }, instance, tools.aws, found.endpoint);
      const env: Record<string, string | undefined> = { ...ctx.env };
      // The profile's credentials, not stray ones from this shell.
      for (const name of CREDENTIAL_VARIABLES) delete env[name];
      ctx.setExitCode?.(await ctx.exec(plan.command, { ...env, ...plan.env }));
    },
  }),
  command({
    name: 'rotate-key', options: json, complete: { args: ['session'] }, synopsis: 'rotate-key <session> [--json]', summary: l10nText("replace an IAM User session's access key with a new one"),
    help: l10nText(
      "Usage: aws-sessions rotate-key <session> [--json]\n\nCreates a new access key for the IAM user (iam:CreateAccessKey), checks it with STS, stores it in the\neditor's secret storage, then deletes the old key (iam:DeleteAccessKey). The old key stays until the new one\nworks and is stored. Active sessions keep working (their session credentials stay valid); no restart needed.\nNeeds iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on the user itself.",
    ),
    async run({ values, positionals }, ctx) {
      const r = await ctx.call('rotateKey', { session: need(positionals, 0, 'session') }, { retryAfterSend: false });
      if (values.json) return ctx.out(JSON.stringify(r, null, 2));
      ctx.out(r.steps.map((step, i) => `${i + 1}. ${step}`).join('\n'));
      // The new key is in use; the old one is left to delete by hand: a failure the exit code shows.
      if (r.warning) throw new Exit(EXIT.failed, r.warning);
      ctx.out(t('Session "{0}" now uses {1}; {2} is deleted.', r.alias, r.newAccessKeyId, r.oldAccessKeyId));
    },
  }),
  ...INTEGRATION_COMMANDS,
  command({
    name: 'completion',
    complete: { args: [SHELLS] },
    synopsis: 'completion bash|zsh|fish', // l10n-ignore: command syntax
    summary: l10nText('print the shell completion script'),
    help: l10nText(
      'Usage: aws-sessions completion bash|zsh|fish\n\nPrints the completion script of the shell. Load it:\n  bash  source <(aws-sessions completion bash)            (in ~/.bashrc)\n  zsh   source <(aws-sessions completion zsh)             (in ~/.zshrc, after compinit)\n  fish  aws-sessions completion fish | source             (in ~/.config/fish/config.fish)\nCommands, subcommands and options complete from this CLI itself; session, profile and integration names\nfrom the running VS Code (nothing is offered for them when no window serves the CLI).',
    ),
    options: {},
    async run({ positionals }, ctx) {
      const shell = need(positionals, 0, t('shell: {0}', SHELLS.join(', ')));
      if (!isShell(shell)) throw new UsageError(t('unknown shell "{0}" (one of: {1})', shell, SHELLS.join(', ')));
      ctx.out(completionScript(shell));
    },
  }),
  command({
    name: '__complete',
    hidden: true,
    synopsis: '__complete -- <words…>',
    summary: 'the completion scripts\' helper', // l10n-ignore: hidden
    help: 'Usage: aws-sessions __complete -- <words after aws-sessions…> (the last one is being typed; one candidate a line)', // l10n-ignore: hidden
    options: {},
    async run({ positionals }, ctx) {
      const names = async () => {
        try {
          // A shell waits for this: a short limit, and nothing offered when no editor answers.
          const n = await ctx.call('names', {}, { timeoutMs: 3000 });
          return { session: n.sessions, profile: n.profiles, integration: n.integrations };
        } catch {
          return { session: [], profile: [], integration: [] };
        }
      };
      const candidates = await complete(SUBCOMMANDS, positionals, names);
      if (candidates.length) ctx.out(candidates.join('\n'));
    },
  }),
];

/** A subcommand's full help in the user's language. */
function helpOf(sub: Subcommand): string {
  return sub.extraHelp ? `${translated(sub.help)}\n\n${translated(sub.extraHelp)}` : translated(sub.help);
}

/** The overview: every subcommand's synopsis and summary, then the exit codes. */
export function overviewHelp(): string {
  const rows = SUBCOMMANDS.filter((c) => !c.hidden).map((c) => `  ${c.synopsis.padEnd(38)} ${translated(c.summary)}`).join('\n');
  return t('aws-sessions — AWS Sessions from the command line, served by the running VS Code.\n\nUsage: aws-sessions <command> [options]\n\nCommands:\n{0}\n\nEvery command takes --help. Sessions are named by alias or id.\n\n{1}', rows, exitHelp());
}

async function addSession({ values, argv }: { values: { type?: string; help?: boolean }; argv: readonly string[] }, ctx: CliContext): Promise<void> {
  const types = await ctx.call('types', {});
  const spec = types.find((t) => t.kind === values.type);
  const add = SUBCOMMANDS.find((c) => c.name === 'add')!;
  if (!spec) {
    const list = types.map((type) => `  ${type.kind.padEnd(18)} ${type.label}: ${type.fields.map((f) => `--${kebab(f.name)}${f.kind === 'secret' ? t(' (secret, stdin)') : f.required ? '' : t(' (optional)')}`).join(' ')}`).join('\n');
    if (values.help) return ctx.out(t('{0}\n\nTypes:\n{1}', translated(add.help), list));
    throw new UsageError(t('--type must be one of:\n{0}', list));
  }
  if (values.help) return ctx.out(t('{0}\n\n{1} fields:\n{2}', translated(add.help), spec.label, spec.fields.map((f) => `  --${kebab(f.name)}  ${f.label}${f.kind === 'secret' ? t(' (secret: stdin or prompt)') : ''}`).join('\n')));
  const fieldOptions: OptionsSpec = { 'delivery-mode': { type: 'string' } };
  for (const f of spec.fields) fieldOptions[kebab(f.name)] = { type: 'string' };
  let parsed;
  try {
    parsed = parseOptions(argv, { ...fieldOptions, type: { type: 'string' }, ...json }, 'add');
  } catch (error) {
    const unknown = error instanceof Error ? /^unknown option (--?\S+)/.exec(error.message) : null;
    throw unknown ? new UsageError(t('{0} sessions have no field {1} (see: aws-sessions add --type {2} --help)', spec.label, unknown[1], spec.kind)) : error;
  }
  const fields: Record<string, string> = {};
  for (const [flag, value] of Object.entries(parsed.values)) {
    if (flag === 'type' || flag in json || flag in GLOBAL_OPTIONS) continue;
    const name = camel(flag);
    if (spec.fields.some((f) => f.name === name && f.kind === 'secret')) throw new UsageError(t('--{0} is a secret: it is read from stdin or a prompt, never from the command line (which other users and the shell history can see)', flag));
    if (typeof value !== 'string') throw new UsageError(t('--{0} needs a value', flag));
    fields[name] = value;
  }
  const secretFields = spec.fields.filter((f) => f.kind === 'secret');
  const secrets = await ctx.readSecrets(secretFields.map((f) => f.label));
  secretFields.forEach((f, i) => (fields[f.name] = secrets[i]));
  printSummary(ctx, parsed.values.json === true, await ctx.call('add', { type: spec.kind, fields }, { retryAfterSend: false }));
}

/** Every option any subcommand declares: to find the subcommand's name among the arguments. */
const ALL_OPTIONS: OptionsSpec = Object.assign({}, ...SUBCOMMANDS.map((c) => c.options));

/** The arguments without the options `options` does not declare (and without the values given after `=`). */
function withoutUndeclared(argv: readonly string[], options: OptionsSpec): string[] {
  const undeclared = new Set<number>();
  for (const t of parseLoose(argv, options).tokens ?? []) if (t.kind === 'option' && !(t.name in options) && !(t.name in GLOBAL_OPTIONS)) undeclared.add(t.index);
  return argv.filter((_a, i) => !undeclared.has(i));
}

/** Run one command line: find the subcommand, parse its options, run it. Throws UsageError or Exit. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<void> {
  const raw = SUBCOMMANDS.find((c) => c.rawArgs && c.name === argv[0]);
  if (raw) return raw.run({ ...parseOptions([], raw.options, raw.name), argv: argv.slice(1) }, ctx);
  const first = parseLoose(argv, ALL_OPTIONS);
  if (first.values.version) return ctx.out(t('aws-sessions 0.1.0'));
  const token = first.tokens?.find((t) => t.kind === 'positional');
  const name = first.positionals[0] ?? '';
  if (!name || name === 'help') {
    const topic = SUBCOMMANDS.find((c) => c.name === first.positionals[1]);
    return ctx.out(topic ? helpOf(topic) : overviewHelp());
  }
  const sub = SUBCOMMANDS.find((c) => c.name === name);
  if (!sub) throw new UsageError(t('unknown command "{0}" (see: aws-sessions --help)', name));
  const rest = token ? [...argv.slice(0, token.index), ...argv.slice(token.index + 1)] : [...argv];
  // add: the options it does not declare depend on the type it names; it parses them itself once it knows them.
  const parsed = parseOptions(sub.strict === false ? withoutUndeclared(rest, sub.options) : rest, sub.options, sub.name);
  if (parsed.values.help && sub.strict !== false) return ctx.out(helpOf(sub));
  await sub.run({ ...parsed, argv: rest }, ctx);
}
