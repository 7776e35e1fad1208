/** Temporary credentials cached in SecretStorage, as JSON, with their expiry. */
import { SecretKeys, SESSION_TOKEN_REUSE_MARGIN_MS } from './constants';
import type { AwsCredentials } from './model';
import type { Clock, SecretVault } from './ports';

interface CachedShape {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
}

export async function readCachedCredentials(secrets: SecretVault, sessionId: string): Promise<AwsCredentials | undefined> {
  const raw = await secrets.get(SecretKeys.cachedSessionCredentials(sessionId));
  if (!raw) return undefined;
  try {
    const c = JSON.parse(raw) as Partial<CachedShape>;
    if (typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string' || typeof c.expiration !== 'string') return undefined;
    const expiration = new Date(c.expiration);
    if (Number.isNaN(expiration.getTime())) return undefined;
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration };
  } catch {
    return undefined;
  }
}

export async function storeCachedCredentials(secrets: SecretVault, sessionId: string, credentials: AwsCredentials): Promise<void> {
  if (!credentials.expiration) return;
  const value: CachedShape = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: credentials.expiration.toISOString(),
  };
  await secrets.store(SecretKeys.cachedSessionCredentials(sessionId), JSON.stringify(value));
}

export function clearCachedCredentials(secrets: SecretVault, sessionId: string): Promise<void> {
  return secrets.delete(SecretKeys.cachedSessionCredentials(sessionId));
}

/**
 * The cached credentials of a session if they stay valid beyond the reuse margin (and beyond what the
 * caller needs: a refresh asks for more than what is left, so it always gets a new set).
 */
export async function reusableCachedCredentials(ctx: { secrets: SecretVault; clock: Clock; minValidityMs?: number }, sessionId: string): Promise<AwsCredentials | undefined> {
  const cached = await readCachedCredentials(ctx.secrets, sessionId);
  return cached?.expiration && cached.expiration.getTime() - ctx.clock.now() > Math.max(SESSION_TOKEN_REUSE_MARGIN_MS, ctx.minValidityMs ?? 0) ? cached : undefined;
}
