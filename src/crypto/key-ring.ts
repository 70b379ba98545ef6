/**
 * The key ring for tokens at rest: `kid:key` pairs, newest first. The newest
 * key encrypts; any key in the ring decrypts, found by the key id stored with
 * each ciphertext, so keys can rotate without re-encrypting everything at once.
 */
import { randomBytes } from 'node:crypto';

export interface KeyRing {
  /** The key id that encrypts new values. */
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** Parse `kid:key,kid:key`; a string describing the problem when it is invalid. */
export function parseKeyRing(value: string): KeyRing | string {
  const keys = new Map<string, Buffer>();
  for (const entry of value.split(',').map((part) => part.trim())) {
    const [kid, encoded, ...rest] = entry.split(':');
    if (!kid || !encoded || rest.length || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) {
      return 'each entry must be kid:key, with a kid of letters, digits, "-" or "_".';
    }
    const key = Buffer.from(encoded, 'base64url');
    if (key.length !== 32 || key.toString('base64url') !== encoded.replace(/=+$/, '')) {
      return `key "${kid}" must be 32 random bytes in base64url.`;
    }
    if (keys.has(kid)) return `key id "${kid}" appears twice.`;
    keys.set(kid, key);
  }
  const current = keys.keys().next().value;
  if (current === undefined) return 'at least one key is required.';
  return { current, keys };
}

/** A fresh single-key ring in its environment form, for development. */
export function generateKeyRingValue(kid = 'dev'): string {
  return `${kid}:${randomBytes(32).toString('base64url')}`;
}
