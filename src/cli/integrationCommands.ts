/**
 * The `integration` (IAM Identity Center) and `idp-url` (SAML sign-in URLs) subcommands: entries of
 * the one subcommand table (commands.ts spreads them in), served by the editor through the method map.
 */
import type { IntegrationInfo } from '../core/ipc/methods';
import { l10nText, t } from '../core/l10n';
import { EXIT, UsageError } from './args';
import { Exit } from './call';
import { table } from './io';
import { command, json, need, type CliContext } from './subcommand';

const INTEGRATION_SUBS = ['list', 'add', 'login', 'sync', 'logout', 'delete'] as const;

const loginWords = (i: IntegrationInfo): string => (i.login === 'loggedIn' ? t('logged in') : i.login === 'expired' ? t('login expired') : t('logged out'));

const printIntegration = (ctx: CliContext, asJson: boolean | undefined, i: IntegrationInfo): void =>
  ctx.out(asJson ? JSON.stringify(i, null, 2) : t('{0}: {1} ({2}, {3}; {4} sessions)', i.alias, loginWords(i), i.startUrl, i.ssoRegion, i.sessions));

export const INTEGRATION_COMMANDS = [
  command({
    name: 'integration',
    complete: { subs: { list: [], add: [], login: ['integration'], sync: ['integration'], logout: ['integration'], delete: ['integration'] }},
    synopsis: 'integration list|add|login|sync|logout|delete', // l10n-ignore: command syntax
    summary: l10nText('IAM Identity Center integrations: add, log in, sync, log out, delete'),
    help: l10nText(`Usage: aws-sessions integration list [--json]
       aws-sessions integration add --alias <name> --start-url <url> --region <sso-region> [--session-region <region>] [--json]
       aws-sessions integration login <integration> [--no-sync] [--json]
       aws-sessions integration sync|logout <integration> [--json]
       aws-sessions integration delete <integration> [--yes]

IAM Identity Center (AWS SSO) integrations, named by alias or id. "login" runs the login of the VS Code window
serving the CLI: it opens the browser there (or shows the device code in its notification) and this command
waits until you have confirmed it, then syncs the accounts and roles into sessions (--no-sync: only log in).
"sync" needs a login; "logout" keeps the sessions, inactive; "delete" removes the integration and its sessions.
--json prints the integration (list: an array of them) as {id, alias, startUrl, ssoRegion, sessionRegion?,
login: loggedIn|expired|loggedOut, sessions, accounts?, lastSyncAt?}; tokens never leave the editor.`),
    options: { alias: { type: 'string' }, 'start-url': { type: 'string' }, region: { type: 'string' }, 'session-region': { type: 'string' }, 'no-sync': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, ...json },
    async run({ values, positionals }, ctx) {
      const sub = need(positionals, 0, t('subcommand: {0}', INTEGRATION_SUBS.join(', ')));
      if (sub === 'list') {
        const all = await ctx.call('integrationList', {});
        if (values.json) return ctx.out(JSON.stringify(all, null, 2));
        if (all.length === 0) return ctx.out(t('No IAM Identity Center integrations. Add one with: aws-sessions integration add --help'));
        return ctx.out(table(['INTEGRATION', 'LOGIN', 'REGION', 'SESSIONS', 'LAST SYNC', 'START URL', 'ID'], all.map((i) => [i.alias, i.login, i.ssoRegion, String(i.sessions), i.lastSyncAt ?? '', i.startUrl, i.id]))); // l10n-ignore: column headers
      }
      if (sub === 'add') {
        const alias = values.alias ?? '';
        const startUrl = values['start-url'] ?? '';
        const ssoRegion = values.region ?? '';
        if (!alias || !startUrl || !ssoRegion) throw new UsageError(t('integration add needs --alias, --start-url and --region'));
        const added = await ctx.call('integrationAdd', { alias, startUrl, ssoRegion, sessionRegion: values['session-region'] }, { retryAfterSend: false });
        if (values.json) return printIntegration(ctx, true, added);
        return ctx.out(t('Integration "{0}" added. Log in with: aws-sessions integration login {0}', added.alias));
      }
      if (!(INTEGRATION_SUBS as readonly string[]).includes(sub)) throw new UsageError(t('unknown integration subcommand "{0}" ({1})', sub, INTEGRATION_SUBS.join(', ')));
      const integration = need(positionals, 1, t('integration (alias or id)'));
      if (sub === 'login') {
        ctx.warn(t('logging in to "{0}" in the VS Code window: confirm the sign-in in the browser it opens (or the code its notification shows). Waiting…', integration));
        const i = await ctx.call('integrationLogin', { integration }, { retryAfterSend: false });
        if (values['no-sync']) return printIntegration(ctx, values.json, i);
        ctx.warn(t('logged in to "{0}"; syncing its accounts and roles…', i.alias));
      }
      if (sub === 'login' || sub === 'sync') {
        const r = await ctx.call('integrationSync', { integration }, { retryAfterSend: false });
        if (values.json) return ctx.out(JSON.stringify(r, null, 2));
        ctx.out(t('"{0}": synced {1} accounts: {2} sessions added, {3} removed, {4} kept.', r.alias, r.accounts, r.added, r.removed, r.kept));
        if (r.orphaned.length) ctx.warn(t('these sessions lost their assumer and cannot start until you edit them: {0}', r.orphaned.join(', ')));
        return;
      }
      if (sub === 'logout') return printIntegration(ctx, values.json, await ctx.call('integrationLogout', { integration }, { retryAfterSend: false }));
      if (!values.yes && !(await ctx.confirm(t('Delete integration "{0}" and every session of its accounts and roles?', integration)))) throw new Exit(EXIT.cancelled, t('not deleted (pass --yes to skip the question)'));
      const r = await ctx.call('integrationDelete', { integration }, { retryAfterSend: false });
      ctx.out(t('Deleted integration "{0}" and its {1} sessions.', r.alias, r.removed));
      if (r.orphaned.length) ctx.warn(t('these sessions lost their assumer and cannot start until you edit them: {0}', r.orphaned.join(', ')));
    },
  }),
  command({
    name: 'idp-url',
    complete: { subs: { list: [] } },
    synopsis: 'idp-url list [--json]', // l10n-ignore: command syntax
    summary: l10nText('the SAML IdP sign-in URLs and the sessions using each'),
    help: l10nText(
      'Usage: aws-sessions idp-url list [--json]\n\nLists the IdP sign-in URLs of the SAML (IAM Role Federated) sessions, each with the sessions that sign in there.\nAn IdP URL is a field of each SAML session: change it with the session\'s Edit form or "aws-sessions add".\n--json prints [{url, sessions: [alias…]}].',
    ),
    options: json,
    async run({ values, positionals }, ctx) {
      const sub = need(positionals, 0, t('subcommand: list'));
      if (sub !== 'list') throw new UsageError(t('unknown idp-url subcommand "{0}" (list)', sub));
      const urls = await ctx.call('idpUrlList', {});
      if (values.json) return ctx.out(JSON.stringify(urls, null, 2));
      if (urls.length === 0) return ctx.out(t('No SAML sessions, so no IdP URLs.'));
      ctx.out(table(['IDP URL', 'SESSIONS'], urls.map((u) => [u.url, u.sessions.join(', ')]))); // l10n-ignore: column headers
    },
  }),
];
