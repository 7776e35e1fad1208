/**
 * Command tables: each module of src/commands returns `{ [Commands.x]: handler }` checked with
 * `satisfies CommandTable`, and the root (index.ts) joins them into one `CommandHandlers`, which the
 * compiler holds to every id of `Commands` — a command without a handler does not build.
 * scripts/check-commands.mjs reads the same tables to compare them with package.json.
 */
import * as vscode from 'vscode';
import type { CommandId } from '../core/constants';

/** A handler takes what VS Code passes (a tree node, or the arguments of executeCommand). */
export type CommandHandler = (...args: never[]) => unknown;

/** Some of the commands, each id at most once. */
export type CommandTable = Partial<Record<CommandId, CommandHandler>>;

/** Every command. */
export type CommandHandlers = Record<CommandId, CommandHandler>;

export function registerCommandTable(handlers: CommandHandlers): vscode.Disposable[] {
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}

/**
 * Wraps a handler so a failure is reported as `what` and the command resolves to `undefined` (the
 * handlers return values for tests; a failure must not reject the executeCommand of a menu click).
 */
export function guarded<A extends unknown[], R>(report: (what: string, error: unknown) => void, what: string, act: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await act(...args);
    } catch (error) {
      report(what, error);
      return undefined;
    }
  };
}
