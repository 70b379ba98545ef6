/**
 * The resource API's check of DPoP proofs (RFC 9449 4.3, 7 and 9), for real:
 * the proof's signature by the key it embeds, `typ` dpop+jwt, `htm` and
 * `htu` of this very request, `iat` no older than the proof's lifetime and
 * at most a few seconds ahead, `ath` of the token presented, the key's
 * thumbprint equal to the token's `cnf.jkt`, a `jti` never seen before, and,
 * when nonces are demanded, a nonce this server issued (the current one or
 * the one before it).
 *
 * Time is the mock's clock (injected, contract 10.1), never the process's
 * `Date.now`. A `jti` is remembered until its own proof can no longer be
 * taken (`iat` + lifetime), so a replay is refused for as long as the proof
 * would otherwise be valid; a sweep on a timer (unref'd, stopped with the
 * mock) forgets the ones past it, not each request.
 */
import { createHash, randomBytes } from 'node:crypto';

import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';

/** How long a proof is taken after its `iat` (seconds); its `jti` is remembered that long after `iat`. */
export const proofLifetimeSeconds = 60;
/** How far ahead of the mock's clock a proof's `iat` may be (seconds): a client's clock a little fast, no more. */
export const proofFutureLeewaySeconds = 5;
/** How often the `jti`s of proofs past their lifetime are forgotten. */
const sweepIntervalMs = 30_000;

export type ProofCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token';
      readonly description: string;
    };

export interface ProofRequest {
  readonly proof: string | undefined;
  readonly method: string;
  /** The request's URL without query or fragment. */
  readonly url: string;
  readonly accessToken: string;
  /** The thumbprint the token is bound to (`cnf.jkt`). */
  readonly jkt: string;
  readonly nonceRequired: boolean;
}

export class DpopProofs {
  /** `jkt:jti` of every proof taken, to the end of its validity (seconds of the mock's clock). */
  private readonly seen = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  private nonces: [string, string] = [randomBytes(16).toString('base64url'), randomBytes(16).toString('base64url')];

  /** `now`: the mock's clock, in milliseconds. */
  constructor(private readonly now: () => number) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Stop the sweep (the mock stops). */
  close(): void {
    clearInterval(this.sweeper);
  }

  /** The nonce to send in `DPoP-Nonce` now. */
  get nonce(): string {
    return this.nonces[0];
  }

  /** A new nonce; the previous one is still taken. */
  rotateNonce(): void {
    this.nonces = [randomBytes(16).toString('base64url'), this.nonces[0]];
  }

  async check(request: ProofRequest): Promise<ProofCheck> {
    const refuse = (
      error: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token',
      description: string,
    ): ProofCheck => ({ ok: false, error, description });
    if (!request.proof) return refuse('invalid_token', 'the token is DPoP-bound: a DPoP proof is required');
    let payload: Record<string, unknown>;
    let jwk: JWK | undefined;
    try {
      const verified = await jwtVerify(request.proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ['ES256', 'PS256', 'EdDSA', 'Ed25519'],
      });
      payload = verified.payload;
      jwk = verified.protectedHeader.jwk;
    } catch {
      return refuse('invalid_dpop_proof', 'the DPoP proof is not a valid dpop+jwt signed by the key it carries');
    }
    if (!jwk || 'd' in jwk) return refuse('invalid_dpop_proof', 'the DPoP proof must carry a public key');
    const now = Math.floor(this.now() / 1000);
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat))
      return refuse('invalid_dpop_proof', 'the DPoP proof needs an iat');
    if (payload.iat > now + proofFutureLeewaySeconds)
      return refuse('invalid_dpop_proof', 'the DPoP proof is issued in the future');
    if (payload.iat + proofLifetimeSeconds < now) return refuse('invalid_dpop_proof', 'the DPoP proof is not recent');
    if (typeof payload.jti !== 'string' || payload.jti.length < 16)
      return refuse('invalid_dpop_proof', 'the DPoP proof needs a jti');
    if (payload.htm !== request.method) return refuse('invalid_dpop_proof', 'htm does not match the request method');
    const htu = typeof payload.htu === 'string' && URL.canParse(payload.htu) ? new URL(payload.htu) : undefined;
    if (htu) {
      htu.search = '';
      htu.hash = '';
    }
    if (htu?.href !== request.url) return refuse('invalid_dpop_proof', 'htu does not match the request URL');
    if (payload.ath !== createHash('sha256').update(request.accessToken, 'ascii').digest('base64url')) {
      return refuse('invalid_dpop_proof', 'ath does not match the access token');
    }
    if ((await calculateJwkThumbprint(jwk, 'sha256')) !== request.jkt)
      return refuse('invalid_token', 'the token is bound to another key');
    if (request.nonceRequired && (typeof payload.nonce !== 'string' || !this.nonces.includes(payload.nonce))) {
      return refuse('use_dpop_nonce', 'a DPoP nonce from this server is required');
    }
    const replayKey = `${request.jkt}:${payload.jti}`;
    if (this.seen.has(replayKey)) return refuse('invalid_dpop_proof', 'the DPoP proof was used before');
    this.seen.set(replayKey, payload.iat + proofLifetimeSeconds);
    return { ok: true };
  }

  /** Forget the `jti`s of proofs that can no longer be taken anyway. */
  private sweep(): void {
    const now = Math.floor(this.now() / 1000);
    for (const [key, until] of this.seen) if (until < now) this.seen.delete(key);
  }
}
