/**
 * An IAM user's long-term access key in the vault. A rotation first writes the new, verified key whole under
 * `pendingAccessKey`, then the two entries, then drops the pending one: a crash between the two writes leaves a
 * mismatched id/secret pair, so a pending key wins over them until the rotation is finished.
 */
import { SecretKeys } from './constants';
import type { SecretVault } from './ports';

export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A rotated key not yet fully written, with the id of the key it replaces (to delete when the rotation resumes). */
export interface PendingKey extends LongTermKey {
  replaces: string;
}

function parsePending(raw: string | undefined): PendingKey | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { accessKeyId, secretAccessKey, replaces } = value as Record<string, unknown>;
    return typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' && typeof replaces === 'string' ? { accessKeyId, secretAccessKey, replaces } : undefined;
  } catch {
    return undefined;
  }
}

/** The key a rotation stored but did not finish writing, if any. */
export async function pendingKey(secrets: SecretVault, sessionId: string): Promise<PendingKey | undefined> {
  return parsePending(await secrets.get(SecretKeys.pendingAccessKey(sessionId)));
}

/** The key in use: a pending one, else the two entries; undefined when either half is missing. */
export async function readLongTermKey(secrets: SecretVault, sessionId: string): Promise<LongTermKey | undefined> {
  const pending = await pendingKey(secrets, sessionId);
  if (pending) return { accessKeyId: pending.accessKeyId, secretAccessKey: pending.secretAccessKey };
  const [accessKeyId, secretAccessKey] = await Promise.all([secrets.get(SecretKeys.accessKeyId(sessionId)), secrets.get(SecretKeys.secretAccessKey(sessionId))]);
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** Replaces the stored key: pending first (one write holds both halves), then the entries, then no pending. */
export async function storeLongTermKey(secrets: SecretVault, sessionId: string, key: LongTermKey, replaces: string): Promise<void> {
  const pending: PendingKey = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, replaces };
  await secrets.store(SecretKeys.pendingAccessKey(sessionId), JSON.stringify(pending));
  await secrets.store(SecretKeys.accessKeyId(sessionId), key.accessKeyId);
  await secrets.store(SecretKeys.secretAccessKey(sessionId), key.secretAccessKey);
  await secrets.delete(SecretKeys.pendingAccessKey(sessionId));
}
