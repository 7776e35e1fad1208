/**
 * The session a command acts on, for every session command: the tree node it was invoked on, an id or
 * alias (tests, the status bar, links), else the single session selected in the tree (where the module
 * passes the view), else a quick pick of the sessions that fit.
 */
import * as vscode from 'vscode';
import type { PersistedState, Session } from '../core/model';
import type { StateStore } from '../core/ports';
import { sessionByRef } from '../core/sessionLookup';
import type { TreeNode } from '../tree/sessionTree';
import { pickSession } from './pickers';
import type { Report } from './report';

export type SessionArg = TreeNode | string | undefined;
export type SessionFilter = (s: Session, state: PersistedState) => boolean;

export interface SessionArgContext {
  state: Pick<StateStore, 'read'>;
  report: Report;
  /** The sessions tree: its selection stands in for a missing argument. */
  view?: vscode.TreeView<TreeNode>;
}

export async function resolveSession(ctx: SessionArgContext, arg: SessionArg, placeHolder: string, filter: SessionFilter = () => true): Promise<Session | undefined> {
  const state = await ctx.state.read();
  if (arg && typeof arg === 'object' && arg.type === 'session') return state.sessions.find((s) => s.id === arg.session.id) ?? arg.session;
  if (typeof arg === 'string') {
    const found = sessionByRef(state, arg);
    if (!found) throw new Error(vscode.l10n.t('No session named or with id "{0}".', arg));
    return found;
  }
  const selected = ctx.view?.visible ? ctx.view.selection.filter((n) => n.type === 'session') : [];
  if (selected.length === 1 && selected[0].type === 'session' && filter(selected[0].session, state)) return selected[0].session;
  return pickSession(state, state.sessions.filter((s) => filter(s, state)), placeHolder);
}

/**
 * A handler that acts on one session: resolves it, runs `act` and returns its result; a failure is
 * reported as `what` and the command resolves to undefined.
 */
export function sessionHandler<Rest extends unknown[], R>(
  ctx: SessionArgContext,
  what: string,
  placeHolder: string,
  act: (session: Session, ...rest: Rest) => R | Promise<R>,
  filter?: SessionFilter,
): (arg?: SessionArg, ...rest: Rest) => Promise<R | undefined> {
  return async (arg?: SessionArg, ...rest: Rest) => {
    try {
      const session = await resolveSession(ctx, arg, placeHolder, filter);
      // From a tree row, VS Code passes the selected rows second (canSelectMany): no argument of the command.
      return session ? await act(session, ...((Array.isArray(rest[0]) ? [] : rest) as Rest)) : undefined;
    } catch (error) {
      ctx.report(what, error);
      return undefined;
    }
  };
}
