/**
 * Tokens at rest: AES-256-GCM with a fresh 96-bit IV per value and the key id
 * stored beside the ciphertext. The associated data binds a ciphertext to the
 * record and field it belongs to, so a ciphertext copied into another row
 * does not decrypt.
 *
 * Format: `v1.<kid>.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import type { KeyRing } from './key-ring';

export class TokenCipher {
  constructor(private readonly ring: KeyRing) {}

  encrypt(plaintext: string, associatedData: string): string {
    const key = this.ring.keys.get(this.ring.current) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.ring.current, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string, associatedData: string): string {
    const [version, kid, iv, ciphertext, tag] = sealed.split('.');
    if (version !== 'v1' || !kid || !iv || ciphertext === undefined || !tag) throw new Error('malformed ciphertext');
    const key = this.ring.keys.get(kid);
    if (!key) throw new Error(`no key "${kid}" in the ring`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a sealed value was encrypted with. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}
