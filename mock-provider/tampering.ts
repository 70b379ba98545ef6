/**
 * The "evil provider" mode, for tests only: the next token response can be
 * altered (odd but legal fields, or a forged ID token), and the ID token is
 * re-signed when the key set was changed (see key-set.ts). A well-behaved
 * oidc-provider never does any of this; a client must still refuse or
 * tolerate each case exactly as OpenID Connect Core 3.1.3.7 says.
 *
 * Changes are asked for by name (controls.ts, `Tampering`), the same names
 * in-process and over `/__control`; each call queues the changes of one
 * token response.
 */
import { base64url, decodeJwt, importJWK, type JWTPayload, SignJWT } from 'jose';
import type { Middleware } from 'koa';

import type { Tampering as NamedTampering } from './controls';
import { endpointIn } from './endpoints';
import type { KeySet } from './key-set';
import { generateSigningKey, type SigningKey } from './keys';

type TokenResponse = Record<string, unknown>;

/** The changes of one token response, as what makes them: the ID token's forgery, then the fields' change. */
interface TokenResponseChange {
  readonly tokenResponse?: (body: TokenResponse) => TokenResponse;
  readonly idToken?: (claims: JWTPayload) => Promise<string>;
}

/** Sign claims with a key (with its `kid` unless told not to, with a header `typ` if given). */
async function sign(
  claims: JWTPayload,
  key: SigningKey,
  options: { withKid?: boolean; typ?: string } = {},
): Promise<string> {
  const header = {
    alg: key.alg,
    ...(options.withKid === false ? {} : { kid: key.publicJwk.kid }),
    ...(options.typ === undefined ? {} : { typ: options.typ }),
  };
  return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(key.privateJwk, key.alg));
}

function flipSignatureByte(jwt: string): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const bytes = base64url.decode(signature);
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  return `${header}.${payload}.${base64url.encode(bytes)}`;
}

/** An unsecured JWT (`alg: none`), no signature at all. */
function unsigned(claims: JWTPayload): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none' })}.${encode(claims)}.`;
}

type ClaimsChange = (claims: JWTPayload) => JWTPayload;

function claimsChangeOf(tampering: NamedTampering, now: () => number): ClaimsChange | undefined {
  switch (tampering.kind) {
    case 'id-token-claims':
      return (claims) => {
        const changed: JWTPayload = { ...claims, ...(tampering.set ?? {}) };
        for (const name of tampering.omit ?? []) delete changed[name];
        return changed;
      };
    case 'id-token-times':
      return (claims) => {
        const seconds = Math.floor(now() / 1000);
        const changed = { ...claims };
        if (tampering.issuedAtOffsetSeconds !== undefined) changed.iat = seconds + tampering.issuedAtOffsetSeconds;
        if (tampering.expiresAtOffsetSeconds !== undefined) changed.exp = seconds + tampering.expiresAtOffsetSeconds;
        return changed;
      };
    case 'id-token-audience-array':
      return (claims) => {
        const client = Array.isArray(claims.aud) ? String(claims.aud[0]) : String(claims.aud);
        return { ...claims, aud: [client, ...tampering.extra], ...(tampering.extra.length > 0 ? { azp: client } : {}) };
      };
    default:
      return undefined;
  }
}

/**
 * How the named changes sign the ID token (with the header's `typ`, if
 * one is asked for); undefined: as the key set signs.
 */
type Signing = (claims: JWTPayload, keySet: KeySet, typ: string | undefined) => Promise<string>;

function signingOf(tampering: NamedTampering): Signing | undefined {
  switch (tampering.kind) {
    case 'id-token-bad-signature':
      return async (claims, keySet, typ) =>
        // Signed as the provider signs now (without `kid` once it serves its keys without), then spoilt.
        flipSignatureByte(
          await sign(claims, keySet.signingKey(tampering.alg), { withKid: !keySet.signsWithoutKid, typ }),
        );
    case 'id-token-unsigned':
      return async (claims) => unsigned(claims);
    case 'id-token-signed-with':
      if (tampering.key === 'es256')
        return async (claims, keySet, typ) => sign(claims, keySet.signingKey('ES256'), { typ });
      // The provider's own published RS256 key: a genuine signature with an algorithm FAPI 2.0 does not allow.
      if (tampering.key === 'rs256')
        return async (claims, keySet, typ) => sign(claims, keySet.signingKey('RS256'), { typ });
      return async (claims, _keySet, typ) => sign(claims, await generateSigningKey('RS256'), { typ });
    default:
      return undefined;
  }
}

function fieldChangeOf(tampering: NamedTampering): ((body: TokenResponse) => TokenResponse) | undefined {
  if (tampering.kind === 'set-field') return (body) => ({ ...body, [tampering.field]: tampering.value });
  if (tampering.kind === 'omit-field') {
    return ({ [tampering.field]: _omitted, ...rest }) => rest;
  }
  return undefined;
}

/** Named changes, all for one token response, as the closures that make them. */
function changeOf(changes: readonly NamedTampering[], keySet: KeySet, now: () => number): TokenResponseChange {
  const claimsChanges = changes.map((change) => claimsChangeOf(change, now)).filter((change) => change !== undefined);
  const signing = changes
    .map(signingOf)
    .filter((change) => change !== undefined)
    .at(-1);
  const fieldChanges = changes.map(fieldChangeOf).filter((change) => change !== undefined);
  const typ = changes
    .map((change) => (change.kind === 'id-token-typ' ? change.typ : undefined))
    .filter((value) => value !== undefined)
    .at(-1);
  const forgesIdToken = claimsChanges.length > 0 || signing !== undefined || typ !== undefined;
  return {
    ...(forgesIdToken
      ? {
          idToken: async (claims: JWTPayload) => {
            const changed = claimsChanges.reduce((current, change) => change(current), { ...claims });
            return signing
              ? signing(changed, keySet, typ)
              : sign(changed, keySet.idTokenSigner, { withKid: !keySet.signsWithoutKid, typ });
          },
        }
      : {}),
    ...(fieldChanges.length > 0
      ? { tokenResponse: (body: TokenResponse) => fieldChanges.reduce((current, change) => change(current), body) }
      : {}),
  };
}

export class Tamperings {
  private readonly queue: TokenResponseChange[] = [];

  constructor(
    private readonly keySet: KeySet,
    /** The mock's clock (clock.ts). */
    private readonly now: () => number,
  ) {}

  /** Apply these named changes, together, to the next token response (each call queues one response). */
  tamperNext(changes: readonly NamedTampering[]): void {
    this.queue.push(changeOf(changes, this.keySet, this.now));
  }

  /** How many token responses are still to be altered. */
  get pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue.length = 0;
  }

  private async resignIdToken(idToken: string, forge?: TokenResponseChange['idToken']): Promise<string> {
    const claims = decodeJwt(idToken);
    if (forge) return forge(claims);
    if (!this.keySet.changed) return idToken;
    return sign(claims, this.keySet.idTokenSigner, { withKid: !this.keySet.signsWithoutKid });
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      await next();
      const endpoint = endpointIn(ctx);
      if (endpoint === 'jwks' && ctx.status === 200 && this.keySet.changed) {
        ctx.body = this.keySet.jwks();
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
