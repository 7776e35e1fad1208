/**
 * Rotate an IAM user's access key: CreateAccessKey → verify the new key with STS (retrying while IAM propagates
 * it) → store it in the vault → DeleteAccessKey of the old one. The old key stays until the new one is verified
 * and stored, so no failure loses both; each step is reported, and a stop says what is left and what to do.
 *
 * Active sessions keep working: what they deliver are session credentials (GetSessionToken, with or without MFA)
 * that AWS keeps valid until they expire even after the key that signed for them is deleted; the cached token
 * stays, so no restart and no new MFA prompt — the next token is signed with the new key.
 */
import { AwsCallError } from './aws/awsErrors';
import type { IamGateway, AccessKeyInfo } from './aws/iam';
import type { StsGateway } from './aws/sts';
import { SessionError } from './errors';
import { t, translated } from './l10n';
import { pendingKey, readLongTermKey, storeLongTermKey, type LongTermKey } from './longTermKeys';
import type { Session } from './model';
import type { Logger, SecretVault } from './ports';
import { sessionType } from './sessions/registry';

export interface RotationDeps {
  secrets: SecretVault;
  iam: IamGateway;
  sts: StsGateway;
  logger: Logger;
  /** Tries of the new key (IAM takes a few seconds to propagate it); default 10. */
  verifyAttempts?: number;
  /** Wait between tries; default 2 s. */
  verifyDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Each finished step, in words (progress). */
  onStep?: (step: string) => void;
}

export interface RotationResult {
  oldAccessKeyId: string;
  newAccessKeyId: string;
  /** False when the old key could not be deleted (the new one is in use; `warning` says what to do). */
  oldKeyDeleted: boolean;
  steps: string[];
  warning?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// l10n-ignore: an AWS CLI command, the same in every language
const deleteByHand = (id: string) => `aws iam delete-access-key --access-key-id ${id}`;
/** IAM's Query errors reach the SDK as `<Code>Exception` classes (LimitExceededException for LimitExceeded). */
const isCode = (error: unknown, code: string) => error instanceof AwsCallError && (error.code === code || error.code === `${code}Exception`);
const causeOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** What is left after a failed step when the session still uses its old key (whole sentences, for the translations). */
const stillUsesOld = (oldKeyId: string, newKeyId: string, cleanedUp: boolean) =>
  cleanedUp ? t('The session still uses {0}; the new key {1} was deleted again.', oldKeyId, newKeyId) : t('The session still uses {0}; the new key {1} could not be deleted.', oldKeyId, newKeyId);

/** Whether Rotate Access Key applies to this session (asked of its type, never of its kind). */
export function canRotateAccessKey(session: Session): boolean {
  return !!sessionType(session.kind).longTermAccessKey;
}

export async function rotateAccessKey(session: Session, deps: RotationDeps): Promise<RotationResult> {
  const alias = session.alias;
  if (!canRotateAccessKey(session)) {
    throw new SessionError(alias, t('a {0} session has no access key of its own to rotate.', translated(sessionType(session.kind).label)), t('Rotate the key of the IAM User session it is based on.'));
  }
  const steps: string[] = [];
  const step = (text: string) => {
    steps.push(text);
    deps.logger.info(`Session "${alias}": rotate access key: ${text}`);
    deps.onStep?.(text);
  };
  const fail = (what: string, error: unknown, state: string, fix: string): never => {
    deps.logger.error(`Session "${alias}": rotate access key: ${what} failed: ${causeOf(error)}`);
    throw new SessionError(alias, t('rotating its access key stopped: {0} failed ({1}). {2}', what, causeOf(error), state), fix, {
      cause: error,
      code: error instanceof AwsCallError ? error.code : undefined,
    });
  };
  const signed = (key: LongTermKey) => ({ credentials: key, region: session.region });

  // A pending key is a rotation that stopped after the new key was verified: finish it rather than create a third.
  const resumed = await pendingKey(deps.secrets, session.id);
  const stored = await readLongTermKey(deps.secrets, session.id);
  if (!stored) {
    throw new SessionError(alias, t('its access key is missing from secret storage.'), t('Edit the session and enter the access key ID and secret again.'));
  }
  // The old key's id: its secret is not needed again (the delete is signed with the new key).
  let oldKeyId = stored.accessKeyId;
  const oldKey: LongTermKey = stored;
  let newKey: LongTermKey;
  /** A step after the create failed: delete the new key again (signed with the old one), so the session keeps its old key. */
  const withdrawNewKey = async (what: string, error: unknown, retryFix: string) => {
    const cleanup = await deleteKey(deps, signed(oldKey), newKey.accessKeyId);
    const fix = cleanup ? retryFix : t('Delete {0} by hand ("{1}"), then try again.', newKey.accessKeyId, deleteByHand(newKey.accessKeyId));
    return fail(what, error, stillUsesOld(oldKey.accessKeyId, newKey.accessKeyId, cleanup), fix);
  };
  if (resumed) {
    step(t('Found key {0} of an unfinished rotation; finishing it', resumed.accessKeyId));
    newKey = { accessKeyId: resumed.accessKeyId, secretAccessKey: resumed.secretAccessKey };
    oldKeyId = resumed.replaces;
  } else {
    let keys: AccessKeyInfo[];
    try {
      keys = await deps.iam.listAccessKeys(signed(oldKey));
    } catch (error) {
      return fail(
        t('listing the access keys (iam:ListAccessKeys)'),
        error,
        t('Nothing was changed.'),
        t('Allow iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on the user itself (arn:aws:iam::*:user/${aws:username}), then try again.'),
      );
    }
    const others = keys.filter((k) => k.accessKeyId !== oldKey.accessKeyId);
    if (keys.length >= 2) {
      const other = others[0]?.accessKeyId ?? t('(unknown)');
      throw new SessionError(
        alias,
        t('its IAM user already has two access keys (the limit): {0}, used by this session, and {1}. Nothing was changed.', oldKey.accessKeyId, other),
        t('Delete {0} (the key this session does not use) in the IAM console or with "{1}", then rotate again.', other, deleteByHand(other)),
        { code: 'LimitExceeded' },
      );
    }
    try {
      newKey = await deps.iam.createAccessKey(signed(oldKey));
    } catch (error) {
      const limit = isCode(error, 'LimitExceeded');
      return fail(
        t('creating a new key (iam:CreateAccessKey)'),
        error,
        t('Nothing was changed.'),
        limit ? t('The user has two access keys: delete the one this session does not use, then rotate again.') : t('Check the permission iam:CreateAccessKey, then try again.'),
      );
    }
    step(t('Created access key {0}', newKey.accessKeyId));
    try {
      const identity = await verify(newKey, session.region, deps);
      step(t('Verified the new key with STS: {0}', identity));
    } catch (error) {
      return withdrawNewKey(t('verifying the new key with STS'), error, t('Try again in a minute.'));
    }
  }

  try {
    await storeLongTermKey(deps.secrets, session.id, newKey, oldKeyId);
  } catch (error) {
    const kept = (await readLongTermKey(deps.secrets, session.id).catch(() => undefined))?.accessKeyId;
    if (kept === newKey.accessKeyId) {
      return fail(
        t('storing the new key in secret storage'),
        error,
        t('The new key {0} is in use; the old key {1} still exists.', newKey.accessKeyId, oldKeyId),
        t('Rotate again to finish (it deletes the old key).'),
      );
    }
    return withdrawNewKey(t('storing the new key in secret storage'), error, t('Check that the system keyring is unlocked, then try again.'));
  }
  step(t('Stored the new key in secret storage'));

  if (oldKeyId === newKey.accessKeyId) {
    return { oldAccessKeyId: oldKeyId, newAccessKeyId: newKey.accessKeyId, oldKeyDeleted: true, steps };
  }
  try {
    // Signed with the new key: one more proof that it works before the old one goes.
    await deps.iam.deleteAccessKey({ ...signed(newKey), accessKeyId: oldKeyId });
  } catch (error) {
    const gone = isCode(error, 'NoSuchEntity');
    if (!gone) {
      const warning = t('The new key {0} is in use, but the old key {1} could not be deleted ({2}). Delete it by hand: "{3}".', newKey.accessKeyId, oldKeyId, causeOf(error), deleteByHand(oldKeyId));
      deps.logger.warn(`Session "${alias}": rotate access key: ${warning}`);
      return { oldAccessKeyId: oldKeyId, newAccessKeyId: newKey.accessKeyId, oldKeyDeleted: false, steps, warning };
    }
  }
  step(t('Deleted the old key {0}', oldKeyId));
  return { oldAccessKeyId: oldKeyId, newAccessKeyId: newKey.accessKeyId, oldKeyDeleted: true, steps };
}

/** GetCallerIdentity with the new key until IAM has propagated it (InvalidClientTokenId meanwhile). */
async function verify(key: LongTermKey, region: string, deps: RotationDeps): Promise<string> {
  const attempts = deps.verifyAttempts ?? 10;
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const identity = await deps.sts.getCallerIdentity({ credentials: key, region });
      return identity.arn;
    } catch (error) {
      const propagating = error instanceof AwsCallError && (error.code === 'InvalidClientTokenId' || error.code === 'SignatureDoesNotMatch');
      if (!propagating || attempt >= attempts) throw error;
      await sleep(deps.verifyDelayMs ?? 2000);
    }
  }
}

async function deleteKey(deps: RotationDeps, signed: { credentials: LongTermKey; region: string }, accessKeyId: string): Promise<boolean> {
  try {
    await deps.iam.deleteAccessKey({ ...signed, accessKeyId });
    return true;
  } catch (error) {
    deps.logger.error(`Could not delete access key ${accessKeyId}: ${causeOf(error)}`);
    return false;
  }
}
