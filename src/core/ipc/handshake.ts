/**
 * The proofs of the IPC handshake. Both ends know the token of the endpoint record (0600, in the private IPC
 * folder); it never crosses the socket. Each side proves it holds the token with an HMAC-SHA256 over both
 * nonces and its role, so a proof is bound to one connection and cannot be replayed, nor reflected from one
 * role to the other:
 *   CLI → `hello` with its nonce cn
 *   server → its nonce sn and HMAC(token, "server" cn sn)      — checked before the CLI sends anything else
 *   CLI → HMAC(token, "client" cn sn), the method and the params — checked before the server handles it
 *   server → the reply text and HMAC(token, "reply" cn sn text) — checked before the CLI believes it
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'server' | 'client';

/** 32 random bytes, base64url (43 characters): a nonce or a token. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function mac(token: string, parts: readonly string[]): string {
  return createHmac('sha256', token).update(parts.join('\0'), 'utf8').digest('base64url');
}

/** What `role` sends to prove it holds the token, for the connection with these nonces. */
export function proofOf(token: string, role: Role, clientNonce: string, serverNonce: string): string {
  return mac(token, [`aws-sessions ${role}`, clientNonce, serverNonce]);
}

/** The seal of a reply text on the connection with these nonces. */
export function sealOf(token: string, clientNonce: string, serverNonce: string, replyText: string): string {
  // l10n-ignore: a label inside the MAC, not a text
  return mac(token, ['aws-sessions reply', clientNonce, serverNonce, replyText]);
}

/** Constant-time comparison of a received proof with the expected one. */
export function sameProof(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
