/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) as IAM virtual MFA devices use. */
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;

export function base32Decode(input: string): Buffer {
  const clean = input.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) {
      throw new Error(`invalid base32 character '${ch}'`);
    }
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** HOTP (RFC 4226) of a raw key and a counter. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpCounter(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/** The code for the step containing `nowMs`. */
export function totp(secretBase32: string, nowMs: number, digits = 6): string {
  return hotp(base32Decode(secretBase32), totpCounter(nowMs), digits);
}

/** Seconds until the step containing `nowMs` ends. */
export function totpSecondsLeft(nowMs: number): number {
  return TOTP_STEP_SECONDS - (Math.floor(nowMs / 1000) % TOTP_STEP_SECONDS);
}

/** True when `code` is the current or the previous step's code. */
export function verifyTotp(secretBase32: string, code: string, nowMs: number): boolean {
  const key = base32Decode(secretBase32);
  const counter = totpCounter(nowMs);
  return [counter, counter - 1].some((c) => hotp(key, c) === code);
}
