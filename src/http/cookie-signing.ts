/**
 * The signatures of our signed cookies (the session cookie): HMAC-SHA1 in
 * base64url, exactly as Koa's default Keygrip makes them, so cookies signed
 * before stay valid. The newest key signs; a cookie signed with an older key
 * still verifies (and Koa re-signs it with the newest).
 *
 * Why not Keygrip itself: Koa wraps the keys in a new Keygrip on every
 * request, and Keygrip compares a signature through two more HMACs (tsscmp)
 * where `crypto.timingSafeEqual` gives the same constant-time comparison for
 * free: three HMACs per signed request instead of one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class CookieSigner {
  private readonly keys: readonly string[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('cookie signing needs at least one key');
    this.keys = [...keys];
  }

  /** The signature of `data` with the newest key. */
  sign(data: string): string {
    return signature(data, this.keys[0] as string);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  /** The position of the key that signed `data` as `digest`, -1 when none did. */
  index(data: string, digest: string): number {
    const offered = Buffer.from(digest);
    return this.keys.findIndex((key) => {
      const expected = Buffer.from(signature(data, key));
      // The length of a signature is public (27 characters); its content is compared in constant time.
      return expected.length === offered.length && timingSafeEqual(expected, offered);
    });
  }
}

function signature(data: string, key: string): string {
  return createHmac('sha1', key).update(data).digest('base64url');
}
