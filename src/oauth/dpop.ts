/**
 * DPoP (RFC 9449): sender-constrained tokens. Each connection has its own
 * key pair (ES256), made at the code exchange and sealed at rest with the
 * tokens (../crypto/sealed-dpop-key.ts). Every request that uses or obtains
 * a token carries a proof: a `dpop+jwt` signed by that key, with the public
 * key in its header, `htm` and `htu` of the request, `iat`, a fresh `jti`,
 * `ath` (the token's SHA-256) when a token is sent, and the server's nonce
 * when it gave one.
 *
 * Nonces (RFC 9449 8 and 9): the last `DPoP-Nonce` each server (origin) sent
 * is kept in memory and used in the next proof to it. A server that answers
 * `use_dpop_nonce` gets the request once more with its new nonce; if it
 * demands one again, or sent no new nonce, that is `dpop_nonce_loop`: never
 * a loop.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

import type { CryptoKey, JWK } from 'jose';

import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderResponse } from '../http/provider-client';
import type { Fapi2Algorithm } from './client-assertion';
import { jose } from './jose';

/** What every proof is signed with: ES256, one of the algorithms FAPI 2.0 allows (FAPI 2.0 Security Profile 5.4). */
const proofAlgorithm: Fapi2Algorithm = 'ES256';

export interface DpopKeyPair {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  /** The JWK SHA-256 thumbprint (RFC 7638): what a bound token's `cnf.jkt` names. */
  readonly thumbprint: string;
}

/** The public part of an EC P-256 key, and its thumbprint (members in lexicographic order, RFC 7638 3.2). */
export function dpopKeyPairOf(privateJwk: JWK): DpopKeyPair {
  if (
    privateJwk.kty !== 'EC' ||
    privateJwk.crv !== 'P-256' ||
    typeof privateJwk.x !== 'string' ||
    typeof privateJwk.y !== 'string'
  ) {
    throw new Error('a DPoP key must be an EC P-256 key');
  }
  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y };
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x: privateJwk.x, y: privateJwk.y }))
    .digest('base64url');
  return { privateJwk, publicJwk, thumbprint };
}

/** A new key pair for one connection. */
export function generateDpopKey(): DpopKeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return dpopKeyPairOf(privateKey.export({ format: 'jwk' }));
}

const imported = new WeakMap<DpopKeyPair, Promise<CryptoKey | Uint8Array>>();

/** One proof for one request. `htu` without query or fragment (RFC 9449 4.2). */
export async function dpopProof(
  key: DpopKeyPair,
  request: { method: string; url: string | URL; nonce?: string; accessToken?: string },
  now: number,
): Promise<string> {
  let signingKey = imported.get(key);
  if (!signingKey) {
    signingKey = jose().importJWK(key.privateJwk, proofAlgorithm);
    imported.set(key, signingKey);
  }
  const htu = new URL(request.url);
  htu.search = '';
  htu.hash = '';
  const { SignJWT } = jose();
  return new SignJWT({
    htm: request.method,
    htu: htu.href,
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...(request.accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(request.accessToken, 'ascii').digest('base64url') }),
  })
    .setProtectedHeader({ alg: proofAlgorithm, typ: 'dpop+jwt', jwk: key.publicJwk })
    .setJti(randomBytes(32).toString('base64url'))
    .setIssuedAt(Math.floor(now / 1000))
    .sign(await signingKey);
}

/** The last nonce each server (by origin) gave, to use in the next proof to it. */
export class DpopNonces {
  private readonly byOrigin = new Map<string, string>();

  for(url: string | URL): string | undefined {
    return this.byOrigin.get(new URL(url).origin);
  }

  /** Keep the server's `DPoP-Nonce`, if it sent a well-formed one (RFC 9449 8.1: NQCHAR). */
  remember(url: string | URL, response: ProviderResponse<string>): string | undefined {
    const nonce = response.headers['dpop-nonce'];
    if (typeof nonce !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/.test(nonce)) return undefined;
    this.byOrigin.set(new URL(url).origin, nonce);
    return nonce;
  }
}

/**
 * Whether the answer demands a nonce: 400 `use_dpop_nonce` from the authorization
 * server, 401 with it in `WWW-Authenticate` from a resource server.
 */
export function demandsNonce(response: ProviderResponse<string>): boolean {
  if (response.statusCode === 400) return parseJsonObject(response.body)?.error === 'use_dpop_nonce';
  if (response.statusCode === 401) {
    const challenge = response.headers['www-authenticate'];
    return typeof challenge === 'string' && /^DPoP\b/i.test(challenge) && /error="use_dpop_nonce"/.test(challenge);
  }
  return false;
}

/** The key and the nonces of one connection's requests. */
export interface DpopBinding {
  readonly key: DpopKeyPair;
  readonly nonces: DpopNonces;
  readonly now: () => number;
}

/**
 * Send a request that carries a proof, with the server's last nonce; once
 * more with the new nonce if it demands one; `dpop_nonce_loop` if it
 * demands one again. `send` makes a fresh proof with the nonce it is given.
 */
export async function sendWithDpopNonce(
  binding: DpopBinding,
  url: string | URL,
  send: (nonce: string | undefined) => Promise<ProviderResponse<string>>,
): Promise<ProviderResponse<string>> {
  const first = await send(binding.nonces.for(url));
  const nonce = binding.nonces.remember(url, first);
  if (!demandsNonce(first)) return first;
  if (nonce === undefined)
    throw new IntegrationError('dpop_nonce_loop', `${new URL(url).origin} demanded a DPoP nonce without sending one`);
  const second = await send(nonce);
  binding.nonces.remember(url, second);
  if (demandsNonce(second))
    throw new IntegrationError(
      'dpop_nonce_loop',
      `${new URL(url).origin} demanded another DPoP nonce after the one it gave`,
    );
  return second;
}
