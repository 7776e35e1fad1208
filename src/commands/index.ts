/**
 * Every command of the extension: one table per module, joined here. The compiler holds the join to
 * every id of `Commands` (a command without a handler does not build); scripts/check-commands.mjs holds
 * the tables and package.json to each other. How to add a command: docs/ARCHITECTURE.md.
 * The modules that not every window uses are loaded on their first command (`onFirstUse`).
 */
import type * as vscode from 'vscode';
import { Commands } from '../core/constants';
import { lazy } from '../core/lazy';
import type { AccessKeyCommandDeps } from './accessKeys';
import type { ConsoleCommandDeps } from './console';
import type { DoctorCommandDeps } from './doctor';
import type { ImportCommandDeps } from './import';
import { declaredCommands, type DeclaredCommandDeps } from './declared';
import { profileCommands, type ProfileCommandDeps } from './profiles';
import type { SamlCommandDeps } from './saml';
import { sessionCommands, type SessionCommandDeps } from './sessions';
import type { SsoCommandDeps } from './sso';
import { ssmCommands, type SsmCommandDeps } from './ssm';
import { registerCommandTable, type CommandHandler, type CommandHandlers, type CommandTable } from './table';
import { viewCommands, type ViewCommandDeps } from './view';

/** What the command modules need, together (each takes its part). */
export type CommandContext = SessionCommandDeps & ViewCommandDeps & ProfileCommandDeps & ConsoleCommandDeps & DoctorCommandDeps & ImportCommandDeps & SsoCommandDeps & AccessKeyCommandDeps & SamlCommandDeps & DeclaredCommandDeps & SsmCommandDeps;

/**
 * The commands of a module loaded on first use: `ids` names every command of its table (the compiler holds the
 * two to each other); the first call of any of them loads the module and makes its table, once.
 */
function onFirstUse<T extends CommandTable>(ids: NoInfer<Record<keyof T, true>>, table: () => T): Record<keyof T, CommandHandler> {
  const made = lazy(table);
  const handlers = {} as Record<keyof T, CommandHandler>;
  for (const id of Object.keys(ids) as (keyof T)[]) handlers[id] = (...args: never[]) => (made()[id] as CommandHandler)(...args);
  return handlers;
}

const doctor = lazy(() => require('./doctor') as typeof import('./doctor'));
const importer = lazy(() => require('./import') as typeof import('./import'));
const sso = lazy(() => require('./sso') as typeof import('./sso'));
const consoles = lazy(() => require('./console') as typeof import('./console'));
const accessKeys = lazy(() => require('./accessKeys') as typeof import('./accessKeys'));
const saml = lazy(() => require('./saml') as typeof import('./saml'));

/** `aws-sessions console` (the CLI host): the console module is loaded on the first call. */
export const consoleOpener: typeof import('./console').consoleOpener = (...made) => {
  const opener = lazy(() => consoles().consoleOpener(...made));
  return (...call) => opener()(...call);
};

/** Once at activation, when a maximum key age is set: the access-key module is loaded only then. */
export const remindAgedKeys: typeof import('./accessKeys').remindAgedKeys = (...args) => accessKeys().remindAgedKeys(...args);

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const handlers: CommandHandlers = {
    ...sessionCommands(ctx),
    ...viewCommands(ctx),
    ...profileCommands(ctx),
    ...onFirstUse({ [Commands.openConsole]: true, [Commands.copyConsoleUrl]: true }, () => consoles().consoleCommands(ctx)),
    ...onFirstUse({ [Commands.diagnose]: true, [Commands.doctorFix]: true, [Commands.inspectSamlAssertion]: true }, () => doctor().doctorCommands(ctx)),
    ...onFirstUse({ [Commands.importProfiles]: true }, () => importer().importCommands(ctx)),
    ...onFirstUse(
      {
        [Commands.addIntegration]: true,
        [Commands.editIntegration]: true,
        [Commands.loginIntegration]: true,
        [Commands.syncIntegration]: true,
        [Commands.logoutIntegration]: true,
        [Commands.applyProfileTemplate]: true,
        [Commands.deleteIntegration]: true,
      }, () => sso().ssoCommands(ctx)),
    ...onFirstUse({ [Commands.rotateAccessKey]: true }, () => accessKeys().accessKeyCommands(ctx)),
    ...onFirstUse({ [Commands.addSamlRoles]: true }, () => saml().samlCommands(ctx)),
    ...declaredCommands(ctx),
    ...ssmCommands(ctx),
  };
  return registerCommandTable(handlers);
}
