/**
 * The "evil provider" mode, for tests only: the next token response can be
 * altered (odd but legal fields, or a forged ID token), and the JWKS can be
 * served differently (a single key without `kid`, a key rotated in). A
 * well-behaved oidc-provider never does any of this; a client must still
 * refuse or tolerate each case exactly as OpenID Connect Core 3.1.3.7 says.
 */
import type { Middleware } from 'koa';
import { base64url, decodeJwt, importJWK, SignJWT, type JWTPayload } from 'jose';
import { endpointOf } from './endpoints';
import { generateSigningKey, type SigningKey } from './keys';

type TokenResponse = Record<string, unknown>;

interface ForgeContext {
  readonly claims: JWTPayload;
  readonly keys: readonly SigningKey[];
}

/** How the ID token of the next token response is forged. */
export type IdTokenForgery = (context: ForgeContext) => Promise<string>;

/** One change to the next token response. */
export interface Tampering {
  readonly tokenResponse?: (body: TokenResponse) => TokenResponse;
  readonly idToken?: IdTokenForgery;
}

function keyFor(keys: readonly SigningKey[], alg: 'RS256' | 'ES256'): SigningKey {
  const key = keys.find((candidate) => candidate.alg === alg);
  if (!key) throw new Error(`no ${alg} signing key`);
  return key;
}

/** Sign claims with one of the provider's keys (by default its RS256 key, with its `kid`). */
export async function sign(
  claims: JWTPayload,
  keys: readonly SigningKey[],
  options: { alg?: 'RS256' | 'ES256'; withKid?: boolean; key?: SigningKey } = {},
): Promise<string> {
  const key = options.key ?? keyFor(keys, options.alg ?? 'RS256');
  const header = options.withKid === false ? { alg: key.alg } : { alg: key.alg, kid: key.publicJwk.kid };
  return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(key.privateJwk, key.alg));
}

/** Change the claims, then sign them properly. */
export function withClaims(change: (claims: JWTPayload) => JWTPayload): IdTokenForgery {
  return async ({ claims, keys }) => sign(change({ ...claims }), keys);
}

/** Sign properly, then alter one byte of the signature. */
export function withBadSignature(alg: 'RS256' | 'ES256'): IdTokenForgery {
  return async ({ claims, keys }) => {
    const [header, payload, signature] = (await sign(claims, keys, { alg })).split('.') as [string, string, string];
    const bytes = base64url.decode(signature);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    return `${header}.${payload}.${base64url.encode(bytes)}`;
  };
}

/** An unsecured JWT (`alg: none`), no signature at all. */
export const unsigned: IdTokenForgery = async ({ claims }) => {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none' })}.${encode(claims)}.`;
};

export function without(...names: string[]): (claims: JWTPayload) => JWTPayload {
  return (claims) => {
    for (const name of names) delete claims[name];
    return claims;
  };
}

/** What the JWKS endpoint serves and which key signs the ID token. */
type JwksMode =
  | { kind: 'as-configured' }
  | { kind: 'single-key-without-kid' }
  | { kind: 'rotated'; key: SigningKey };

export class Tamperings {
  private readonly queue: Tampering[] = [];
  private jwksMode: JwksMode = { kind: 'as-configured' };

  constructor(private readonly keys: readonly SigningKey[]) {}

  /** Apply this tampering to the next token response. */
  tamperNextTokenResponse(tampering: Tampering): void {
    this.queue.push(tampering);
  }

  /** From now on, serve a JWKS of one RS256 key without `kid`, and sign ID tokens without `kid`. */
  serveSingleKeyWithoutKid(): void {
    this.jwksMode = { kind: 'single-key-without-kid' };
  }

  /** Rotate in a new RS256 signing key: served first in the JWKS, and signing every ID token from now on. */
  async rotateSigningKey(): Promise<void> {
    this.jwksMode = { kind: 'rotated', key: await generateSigningKey('RS256') };
  }

  clear(): void {
    this.queue.length = 0;
    this.jwksMode = { kind: 'as-configured' };
  }

  private async resignIdToken(idToken: string, forge?: IdTokenForgery): Promise<string> {
    const claims = decodeJwt(idToken);
    if (forge) return forge({ claims, keys: this.keys });
    const mode = this.jwksMode;
    if (mode.kind === 'single-key-without-kid') return sign(claims, this.keys, { withKid: false });
    if (mode.kind === 'rotated') return sign(claims, this.keys, { key: mode.key });
    return idToken;
  }

  private jwks(): { keys: object[] } {
    const mode = this.jwksMode;
    const published = this.keys.map((key) => key.publicJwk);
    if (mode.kind === 'single-key-without-kid') {
      const { kid: _kid, ...withoutKid } = keyFor(this.keys, 'RS256').publicJwk;
      return { keys: [withoutKid] };
    }
    if (mode.kind === 'rotated') return { keys: [mode.key.publicJwk, ...published] };
    return { keys: published };
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      await next();
      const endpoint = endpointOf(ctx.path);
      if (endpoint === 'jwks' && ctx.status === 200 && this.jwksMode.kind !== 'as-configured') {
        ctx.body = this.jwks();
        return;
      }
      if (endpoint !== 'token' || ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
      let body = { ...(ctx.body as TokenResponse) };
      const tampering = this.queue.shift();
      if (typeof body.id_token === 'string') {
        body.id_token = await this.resignIdToken(body.id_token, tampering?.idToken);
      }
      if (tampering?.tokenResponse) body = tampering.tokenResponse(body);
      ctx.body = body;
    };
  }
}
