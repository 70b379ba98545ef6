/**
 * `private_key_jwt` (RFC 7523 2.2, OpenID Connect Core 9, FAPI 2.0 Security
 * Profile 5.3.2.1): the client proves who it is with a JWT signed by its own
 * key. The keys are the client key ring (CLIENT_SIGNING_KEYS): a JWK Set of
 * private keys, newest first; the newest signs, all are published (public
 * parts only) at /jwks.json so that the provider can verify assertions made
 * with a key it has not yet seen, and an old key keeps verifying while it is
 * being retired. Each assertion: iss = sub = client_id, aud = the issuer
 * (FAPI 2.0), a fresh 256-bit jti, iat = nbf = now, exp 60 s later.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';

import type { CryptoKey, JWK } from 'jose';

import { jose } from './jose';

/** The only JWS algorithms FAPI 2.0 allows (FAPI 2.0 Security Profile 5.4): never RS256, never `none`. */
export const fapi2Algorithms = ['PS256', 'ES256', 'EdDSA'] as const;
export type Fapi2Algorithm = (typeof fapi2Algorithms)[number];

/** Algorithms FAPI 2.0 allows, by key type: the only ones a client assertion is signed with. */
const algorithmOf = (jwk: JWK): Fapi2Algorithm | undefined => {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'PS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
};

export const assertionLifetimeSeconds = 60;

export interface ClientKey {
  readonly kid: string;
  readonly alg: Fapi2Algorithm;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

/**
 * Read CLIENT_SIGNING_KEYS: `{"keys": [...]}`, private JWKs with a `kid`
 * each (unique), of a type FAPI 2.0 allows. A string on a problem: one
 * sentence, never quoting a key.
 */
export function parseClientKeyRing(value: string): readonly ClientKey[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'must be a JSON Web Key Set: {"keys": [ ...private keys, newest first... ]}.';
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    return 'must be a JSON Web Key Set with at least one key: {"keys": [...]}.';
  const ring: ClientKey[] = [];
  for (const [index, entry] of keys.entries()) {
    const jwk = entry as JWK;
    if (
      typeof jwk !== 'object' ||
      jwk === null ||
      typeof jwk.kid !== 'string' ||
      !/^[A-Za-z0-9._-]{1,64}$/.test(jwk.kid)
    ) {
      return `key ${index + 1} needs a "kid" of 1 to 64 letters, digits, ".", "_" or "-".`;
    }
    const alg = algorithmOf(jwk);
    if (!alg) return `key "${jwk.kid}" must be an EC P-256, RSA or Ed25519 key.`;
    if (typeof jwk.d !== 'string') return `key "${jwk.kid}" is a public key: the private key is needed to sign.`;
    if (ring.some((key) => key.kid === jwk.kid)) return `the kid "${jwk.kid}" is used twice.`;
    try {
      createPrivateKey({ key: jwk, format: 'jwk' });
    } catch {
      return `key "${jwk.kid}" is not a usable private key.`;
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, key_ops: _ops, ...publicPart } = jwk;
    ring.push({ kid: jwk.kid, alg, privateJwk: jwk, publicJwk: { ...publicPart, kid: jwk.kid, alg, use: 'sig' } });
  }
  return ring;
}

/** The signing half of the ring: imports each key once, signs with the newest. */
export class ClientAssertions {
  private readonly imported = new Map<string, Promise<CryptoKey | Uint8Array>>();

  constructor(
    private readonly ring: readonly ClientKey[],
    private readonly clientId: string,
    private readonly now: () => number,
  ) {}

  /** The public JWK Set served at /jwks.json. */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.ring.map((key) => key.publicJwk) };
  }

  /** Import every key now, so that an unusable key stops the start rather than a user's flow. */
  async check(): Promise<void> {
    for (const key of this.ring) {
      try {
        await this.keyOf(key);
      } catch {
        throw new Error(`CLIENT_SIGNING_KEYS: key "${key.kid}" cannot be used to sign (${key.alg}).`);
      }
    }
  }

  /** The key ids of the ring, newest first: the first signs; the second is the one a rotation retires. */
  get keyIds(): readonly string[] {
    return this.ring.map((key) => key.kid);
  }

  /** A fresh assertion for `audience` (the issuer, FAPI 2.0), signed with the newest key or the one named. */
  async sign(audience: string, kid?: string): Promise<string> {
    const key = (kid === undefined ? this.ring[0] : this.ring.find((candidate) => candidate.kid === kid)) as ClientKey;
    const issuedAt = Math.floor(this.now() / 1000);
    const { SignJWT } = jose();
    return new SignJWT({})
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.clientId)
      .setSubject(this.clientId)
      .setAudience(audience)
      .setJti(randomBytes(32).toString('base64url'))
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + assertionLifetimeSeconds)
      .sign(await this.keyOf(key));
  }

  private keyOf(key: ClientKey): Promise<CryptoKey | Uint8Array> {
    let imported = this.imported.get(key.kid);
    if (!imported) {
      imported = jose().importJWK(key.privateJwk, key.alg);
      this.imported.set(key.kid, imported);
    }
    return imported;
  }
}
