/**
 * Every command of the extension: one table per module, joined here. The compiler holds the join to
 * every id of `Commands` (a command without a handler does not build); scripts/check-commands.mjs holds
 * the tables and package.json to each other. How to add a command: docs/ARCHITECTURE.md.
 */
import type * as vscode from 'vscode';
import { accessKeyCommands, type AccessKeyCommandDeps } from './accessKeys';
import { consoleCommands, type ConsoleCommandDeps } from './console';
import { doctorCommands, type DoctorCommandDeps } from './doctor';
import { importCommands, type ImportCommandDeps } from './import';
import { profileCommands, type ProfileCommandDeps } from './profiles';
import { samlCommands, type SamlCommandDeps } from './saml';
import { sessionCommands, type SessionCommandDeps } from './sessions';
import { ssoCommands, type SsoCommandDeps } from './sso';
import { ssmCommands, type SsmCommandDeps } from './ssm';
import { registerCommandTable, type CommandHandlers } from './table';
import { viewCommands, type ViewCommandDeps } from './view';

/** What the command modules need, together (each takes its part). */
export type CommandContext = SessionCommandDeps & ViewCommandDeps & ProfileCommandDeps & ConsoleCommandDeps & DoctorCommandDeps & ImportCommandDeps & SsoCommandDeps & AccessKeyCommandDeps & SamlCommandDeps & SsmCommandDeps;

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const handlers: CommandHandlers = {
    ...sessionCommands(ctx),
    ...viewCommands(ctx),
    ...profileCommands(ctx),
    ...consoleCommands(ctx),
    ...doctorCommands(ctx),
    ...importCommands(ctx),
    ...ssoCommands(ctx),
    ...accessKeyCommands(ctx),
    ...samlCommands(ctx),
    ...ssmCommands(ctx),
  };
  return registerCommandTable(handlers);
}
