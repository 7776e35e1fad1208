/**
 * Reads every account and role a portal token reaches: ListAccounts (all pages, each next page
 * first in line) feeding ListAccountRoles (all pages) per account, through the portal's adaptive
 * limiter. Finished accounts are handed over in batches (by count or time), never one per call,
 * so a 2,000-account sync updates the tree a few dozen times.
 */
import { setMaxListeners } from 'node:events';
import type { PortalAccount, SsoPortal } from './portal';

export interface SyncedAccount extends PortalAccount {
  roles: string[];
}

export interface SyncOptions {
  /** Called with each batch of finished accounts; awaited, in order. */
  onBatch?: (accounts: SyncedAccount[], progress: { done: number; listed: number; listingComplete: boolean }) => Promise<void> | void;
  /** Flush a batch after this many accounts… */
  batchSize?: number;
  /** …or this long after the previous flush. */
  batchMs?: number;
  signal?: AbortSignal;
  pageSize?: number;
}

export async function readOrganisation(portal: SsoPortal, region: string, accessToken: string, options: SyncOptions = {}): Promise<SyncedAccount[]> {
  const batchSize = options.batchSize ?? 250;
  const batchMs = options.batchMs ?? 1000;
  const all: SyncedAccount[] = [];
  let pending: SyncedAccount[] = [];
  let lastFlush = Date.now();
  let listed = 0;
  let listingComplete = false;
  let flushing: Promise<void> = Promise.resolve();
  let failure: unknown;
  // Aborts the remaining calls when one fails for good (e.g. the token is rejected).
  const inner = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, inner.signal]) : inner.signal;
  // Every queued call listens for the abort: thousands of listeners are expected here.
  setMaxListeners(0, inner.signal, signal, ...(options.signal ? [options.signal] : []));

  const flush = (force: boolean) => {
    if (pending.length === 0 || (!force && pending.length < batchSize && Date.now() - lastFlush < batchMs)) return;
    const batch = pending;
    pending = [];
    lastFlush = Date.now();
    const progress = { done: all.length, listed, listingComplete };
    flushing = flushing.then(() => options.onBatch?.(batch, progress));
  };

  const fail = (error: unknown) => {
    failure ??= error;
    inner.abort(error);
  };

  const rolesOf = async (account: PortalAccount) => {
    try {
      const roles: string[] = [];
      let token: string | undefined;
      do {
        const page = await portal.listAccountRoles(region, accessToken, account.accountId, token, { signal });
        roles.push(...page.roles);
        token = page.nextToken;
      } while (token);
      const done = { ...account, roles };
      all.push(done);
      pending.push(done);
      flush(false);
    } catch (error) {
      fail(error);
    }
  };

  const tasks: Promise<void>[] = [];
  // A timer flushes slow trickles too (e.g. while throttled).
  const ticker = setInterval(() => flush(false), batchMs);
  try {
    let token: string | undefined;
    do {
      const page = await portal.listAccounts(region, accessToken, token, { signal, pageSize: options.pageSize });
      listed += page.accounts.length;
      for (const account of page.accounts) tasks.push(rolesOf(account));
      token = page.nextToken;
    } while (token && !failure);
    listingComplete = true;
  } catch (error) {
    fail(error);
  }
  await Promise.all(tasks);
  clearInterval(ticker);
  if (failure) {
    await flushing.catch(() => undefined);
    throw failure;
  }
  flush(true);
  await flushing;
  return all;
}
