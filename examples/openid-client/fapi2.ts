/**
 * The FAPI 2.0 Security Profile (docs/contract.md 5.8), on when
 * SECURITY_PROFILE=fapi2: the client authenticates with private_key_jwt
 * (its private keys in CLIENT_SIGNING_KEYS, the public parts served at
 * `GET /jwks.json`, the URL registered as its `jwks_uri`), every
 * authorization request is pushed (PAR, RFC 9126), and every token is bound
 * to a key pair of the connection's own (DPoP, RFC 9449): openid-client
 * signs a proof for the PAR and token requests and each vendor API call,
 * with `ath` on the API calls, and answers a `use_dpop_nonce` with one
 * retry carrying the nonce. Only PS256, ES256 and EdDSA (FAPI 2.0 Security
 * Profile 5.4): the ID token's algorithm is ES256 unless
 * ID_TOKEN_SIGNED_RESPONSE_ALG names another of them.
 */
import { importJWK, type JWK } from 'jose';
import * as client from 'openid-client';

/** The algorithms FAPI 2.0 allows (FAPI 2.0 Security Profile 5.4). */
export const fapi2Algorithms = ['PS256', 'ES256', 'EdDSA'] as const;

const fail = (sentence: string): never => {
  process.stderr.write(`${sentence} (see examples/openid-client/README.md)\n`);
  process.exit(1);
};

/** The signing algorithm of a private JWK: EC P-256 ES256, RSA PS256, Ed25519 EdDSA. */
function algorithmOf(key: JWK): (typeof fapi2Algorithms)[number] {
  if (key.kty === 'EC' && key.crv === 'P-256') return 'ES256';
  if (key.kty === 'RSA') return 'PS256';
  if (key.kty === 'OKP' && key.crv === 'Ed25519') return 'EdDSA';
  return fail(`CLIENT_SIGNING_KEYS: key "${key.kid}" must be an EC P-256, RSA or Ed25519 key`);
}

/** The client's private keys (CLIENT_SIGNING_KEYS, a JSON Web Key Set, newest first, each with a kid). */
function clientKeysOf(value: string | undefined): JWK[] {
  if (!value) return fail('CLIENT_SIGNING_KEYS is required with SECURITY_PROFILE=fapi2');
  let keys: unknown;
  try {
    keys = (JSON.parse(value) as { keys?: unknown }).keys;
  } catch {
    return fail('CLIENT_SIGNING_KEYS must be a JSON Web Key Set');
  }
  if (!Array.isArray(keys) || keys.length === 0)
    return fail('CLIENT_SIGNING_KEYS must be a JSON Web Key Set with at least one key');
  for (const key of keys as JWK[]) {
    if (typeof key.kid !== 'string' || !key.kid) fail('CLIENT_SIGNING_KEYS: every key needs a "kid"');
    if (typeof key.d !== 'string') fail(`CLIENT_SIGNING_KEYS: key "${key.kid}" is a public key`);
    algorithmOf(key);
  }
  return keys as JWK[];
}

const enabled = process.env.SECURITY_PROFILE === 'fapi2';
if (process.env.SECURITY_PROFILE && !['basic', 'fapi2'].includes(process.env.SECURITY_PROFILE))
  fail('SECURITY_PROFILE must be "basic" or "fapi2"');
const keys = enabled ? clientKeysOf(process.env.CLIENT_SIGNING_KEYS) : [];
const idTokenAlg = process.env.ID_TOKEN_SIGNED_RESPONSE_ALG || 'ES256';
if (enabled && !(fapi2Algorithms as readonly string[]).includes(idTokenAlg))
  fail(`ID_TOKEN_SIGNED_RESPONSE_ALG must be one of ${fapi2Algorithms.join(', ')} with SECURITY_PROFILE=fapi2`);

export const fapi2 = {
  /** Whether the example runs the FAPI 2.0 Security Profile. */
  enabled,
  /** The algorithm the provider signs ID tokens with (registered as `id_token_signed_response_alg`). */
  idTokenAlg,
};

/** The client authentication: private_key_jwt, signed with the newest key (openid-client adds jti, iat, exp, aud). */
export async function privateKeyJwt(): Promise<client.ClientAuth> {
  const [newest] = keys as [JWK];
  const key = (await importJWK(newest, algorithmOf(newest))) as CryptoKey;
  return client.PrivateKeyJwt({ key, kid: newest.kid });
}

/** Each key's public members only (RFC 7518 6.2.1, 6.3.1; RFC 8037 2), with kid, alg and use: `GET /jwks.json`. */
export function publishedKeys(): { keys: JWK[] } {
  const publicMembers: Record<string, readonly string[]> = {
    EC: ['crv', 'x', 'y'],
    RSA: ['n', 'e'],
    OKP: ['crv', 'x'],
  };
  return {
    keys: keys.map((key) => ({
      kty: key.kty,
      ...Object.fromEntries((publicMembers[key.kty ?? ''] ?? []).map((name) => [name, key[name as keyof JWK]])),
      kid: key.kid,
      alg: algorithmOf(key),
      use: 'sig',
    })),
  };
}

/** A fresh DPoP key pair for one connection (ES256). */
export function newDpopKey(): Promise<CryptoKeyPair> {
  return client.randomDPoPKeyPair('ES256');
}

const handles = new WeakMap<CryptoKeyPair, client.DPoPHandle>();

/** The connection's DPoP handle: one per key pair, so the nonces a server handed out are kept between calls. */
export function dpopHandle(config: client.Configuration, keyPair: CryptoKeyPair): client.DPoPHandle {
  let handle = handles.get(keyPair);
  if (!handle) {
    handle = client.getDPoPHandle(config, keyPair);
    handles.set(keyPair, handle);
  }
  return handle;
}
