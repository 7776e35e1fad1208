/**
 * `aws-sessions`: the command line of AWS Sessions. Every command is served by the running VS Code
 * (the window holding the IPC lease) over the authenticated local endpoint; the CLI itself loads
 * no AWS SDK and holds no secret of its own, so `generate` costs one Node start and one round trip.
 */
import type { Params } from '../core/ipc/protocol';
import { camel, EXIT, HELP, kebab, parseArgs, UsageError, type Parsed } from './args';
import { call, Exit, reportFailure } from './call';
import { generate } from './generate';
import { escapeUnsafe } from '../core/text';
import { confirm, readSecrets, table, writeOut } from './io';

function need(p: Parsed, index: number, what: string): string {
  const v = p.positionals[index];
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
}

interface Summary {
  id: string;
  alias: string;
  kind: string;
  profile: string;
  region: string;
  status: string;
  deliveryMode: string;
  expiration?: string;
  error?: string;
}

/** Standard output; names from older state may hold characters that reorder or break a terminal line: escaped. */
const out = (text: string): void => writeOut(1, escapeUnsafe(text.endsWith('\n') ? text : `${text}\n`, '\n'));
const printSummary = (p: Parsed, s: Summary): void => out(p.flags.json ? JSON.stringify(s) : `${s.alias}: ${s.status}${s.expiration ? ` until ${s.expiration}` : ''} (profile ${s.profile}, ${s.region}, ${s.deliveryMode})`);

async function addSession(p: Parsed): Promise<void> {
  const type = typeof p.flags.type === 'string' ? p.flags.type : undefined;
  const types = (await call('types')) as Array<{ kind: string; label: string; fields: Array<{ name: string; label: string; kind: string; required: boolean }> }>;
  const spec = types.find((t) => t.kind === type);
  if (!spec) {
    const list = types.map((t) => `  ${t.kind.padEnd(18)} ${t.label}: ${t.fields.map((f) => `--${kebab(f.name)}${f.kind === 'secret' ? ' (secret, stdin)' : f.required ? '' : ' (optional)'}`).join(' ')}`).join('\n');
    if (p.flags.help) return out(`${HELP.add}\n\nTypes:\n${list}`);
    throw new UsageError(`--type must be one of:\n${list}`);
  }
  if (p.flags.help) return out(`${HELP.add}\n\n${spec.label} fields:\n${spec.fields.map((f) => `  --${kebab(f.name)}  ${f.label}${f.kind === 'secret' ? ' (secret: stdin or prompt)' : ''}`).join('\n')}`);
  const params: Params = { type: spec.kind };
  const known = new Set([...spec.fields.map((f) => f.name), 'deliveryMode']);
  for (const [flag, value] of Object.entries(p.flags)) {
    if (['type', 'json', 'help', 'yes'].includes(flag)) continue;
    const name = camel(flag);
    if (!known.has(name)) throw new UsageError(`${spec.label} sessions have no field --${flag}`);
    if (spec.fields.some((f) => f.name === name && f.kind === 'secret')) throw new UsageError(`--${flag} is a secret: it is read from stdin or a prompt, never from the command line (which other users and the shell history can see)`);
    if (value === true) throw new UsageError(`--${flag} needs a value`);
    params[name] = value;
  }
  const secretFields = spec.fields.filter((f) => f.kind === 'secret');
  const secrets = await readSecrets(secretFields.map((f) => f.label));
  secretFields.forEach((f, i) => (params[f.name] = secrets[i]));
  printSummary(p, (await call('add', params, false)) as Summary);
}

async function run(argv: readonly string[]): Promise<void> {
  const p = parseArgs(argv);
  if (p.flags.version) return out('aws-sessions 0.1.0');
  if (!p.command || p.command === 'help') return out(HELP[p.positionals[0] ?? ''] ?? HELP['']);
  if (p.flags.help && p.command !== 'add') {
    if (!(p.command in HELP)) throw new UsageError(`unknown command "${p.command}"`);
    return out(HELP[p.command]);
  }
  switch (p.command) {
    case 'generate':
      return generate(need(p, 0, 'session'));
    case 'list': {
      const sessions = (await call('list')) as Summary[];
      if (p.flags.json) return out(JSON.stringify(sessions, null, 2));
      if (sessions.length === 0) return out('No sessions. Add one in VS Code or with: aws-sessions add --help');
      return out(table(['ALIAS', 'PROFILE', 'REGION', 'TYPE', 'DELIVERY', 'STATUS', 'EXPIRES', 'ID'], sessions.map((s) => [s.alias, s.profile, s.region, s.kind, s.deliveryMode, s.status, s.expiration ?? '', s.id])));
    }
    case 'start':
    case 'stop':
      return printSummary(p, (await call(p.command, { session: need(p, 0, 'session') })) as Summary);
    case 'current': {
      const profile = p.positionals[0] ?? process.env.AWS_PROFILE ?? 'default';
      const s = (await call('current', { profile })) as Summary;
      return out(p.flags.json ? JSON.stringify(s) : s.alias);
    }
    case 'add':
      return addSession(p);
    case 'delete': {
      const session = need(p, 0, 'session');
      if (!p.flags.yes && !(await confirm(`Delete session "${session}" and its stored secrets?`))) throw new Exit(EXIT.cancelled, 'not deleted (pass --yes to skip the question)');
      const r = (await call('delete', { session }, false)) as { alias: string; orphaned?: string[] };
      out(`Deleted "${r.alias}".`);
      if (r.orphaned?.length) writeOut(2, `aws-sessions: these chained sessions used it and cannot start until they get another assumer: ${escapeUnsafe(r.orphaned.join(', '))}\n`);
      return;
    }
    case 'profile': {
      const sub = need(p, 0, 'subcommand: list, create or delete');
      if (sub === 'list') {
        const profiles = (await call('profileList')) as Array<{ name: string; sessions: string[] }>;
        return out(p.flags.json ? JSON.stringify(profiles, null, 2) : table(['PROFILE', 'SESSIONS'], profiles.map((x) => [x.name, x.sessions.join(', ')])));
      }
      if (sub === 'rename') {
        const r = (await call('profileRename', { name: need(p, 1, 'profile name'), newName: need(p, 2, 'new name') }, false)) as { name: string };
        return out(`Profile renamed to "${r.name}".`);
      }
      if (sub === 'create' || sub === 'delete') {
        const name = need(p, 1, 'profile name');
        await call(sub === 'create' ? 'profileCreate' : 'profileDelete', { name }, sub === 'create');
        return out(`Profile "${name}" ${sub === 'create' ? 'created' : 'deleted'}.`);
      }
      throw new UsageError(`unknown profile subcommand "${sub}" (list, create, rename, delete)`);
    }
    case 'region':
      return printSummary(p, (await call('region', { session: need(p, 0, 'session'), region: need(p, 1, 'region') })) as Summary);
    case 'delivery':
      return printSummary(p, (await call('region', { session: need(p, 0, 'session'), deliveryMode: need(p, 1, 'mode') })) as Summary);
    case 'console': {
      const result = (await call('console', { session: need(p, 0, 'session'), print: p.flags.print ? 'true' : '' }, false)) as { url: string; opened: boolean };
      // The URL signs in once within 15 minutes: print it only when asked, or when no browser opened.
      return out(p.flags.print || !result.opened ? result.url : 'Opened the AWS console in the browser.');
    }
    default:
      throw new UsageError(`unknown command "${p.command}" (see: aws-sessions --help)`);
  }
}

run(process.argv.slice(2)).then(
  () => undefined,
  (error: unknown) => reportFailure(error, error instanceof UsageError ? EXIT.usage : EXIT.failed, error instanceof UsageError),
);
