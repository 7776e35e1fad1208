/** Random identifiers in the shapes AWS uses (AKIA/ASIA/AIDA/AROA ids, secrets, tokens). */
import { randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += BASE32[bytes[i] % 32];
  }
  return out;
}

/** `AKIA` (long-term), `ASIA` (temporary), `AIDA` (user id), `AROA` (role id) + 16 chars. */
export function newKeyId(prefix: 'AKIA' | 'ASIA' | 'AIDA' | 'AROA'): string {
  return prefix + randomBase32(16);
}

/** 40-character secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, 'k').replace(/\//g, 'S');
}

/** An opaque session token about as long as real ones. */
export function newSessionToken(): string {
  return 'IQoJb3JpZ2luX2VjE' + randomBytes(300).toString('base64');
}

/** A base32 TOTP secret (160 bits, like IAM virtual MFA devices). */
export function newTotpSecretBase32(): string {
  return randomBase32(32);
}

export function newRequestId(): string {
  return randomUUID();
}
