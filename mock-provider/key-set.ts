/**
 * The provider's key set as a test changes it: which keys the JWKS endpoint
 * publishes and which key signs the ID tokens (of the profile's ID token
 * algorithm: RS256, or ES256 under fapi2). It starts as configured
 * (oidc-provider's own keys, the first RS256 one signing); a test can rotate
 * a new signing key in, withdraw a key from the JWKS (a signing key stays
 * the signer: tokens then carry a kid nobody publishes), or serve a single
 * key without `kid`. oidc-provider signs with its configured key; when the
 * set has changed, the tampering middleware re-signs the ID token with the
 * current signer and serves this set at the JWKS endpoint.
 */
import type { KeyState } from './controls';
import { generateSigningKey, type SigningKey } from './keys';

interface Entry {
  readonly key: SigningKey;
  published: boolean;
}

export class KeySet {
  private entries: Entry[] = [];
  private signer!: SigningKey;
  private withoutKid = false;

  constructor(
    private readonly configured: readonly SigningKey[],
    /** The algorithm of the ID tokens (the client's `id_token_signed_response_alg`). */
    readonly idTokenAlg: 'RS256' | 'ES256' = 'RS256',
  ) {
    this.reset();
  }

  /** Back to the configured keys, all published, the configured key of the ID token algorithm signing. */
  reset(): void {
    this.entries = this.configured.map((key) => ({ key, published: true }));
    this.signer = this.configuredKey(this.idTokenAlg);
    this.withoutKid = false;
  }

  private configuredKey(alg: 'RS256' | 'ES256'): SigningKey {
    const key = this.configured.find((candidate) => candidate.alg === alg);
    if (!key) throw new Error(`no ${alg} signing key`);
    return key;
  }

  /**
   * The key that signs with alg from now on: the current signer for the
   * ID token algorithm, else the configured key of alg.
   */
  signingKey(alg: 'RS256' | 'ES256'): SigningKey {
    return alg === this.idTokenAlg ? this.signer : this.configuredKey(alg);
  }

  /** The key that signs the ID tokens now. */
  get idTokenSigner(): SigningKey {
    return this.signer;
  }

  /** Whether ID tokens are signed without a `kid` header. */
  get signsWithoutKid(): boolean {
    return this.withoutKid;
  }

  /** Whether anything differs from what oidc-provider serves and signs with. */
  get changed(): boolean {
    return (
      this.withoutKid ||
      this.signer !== this.configuredKey(this.idTokenAlg) ||
      this.entries.some((entry) => !entry.published) ||
      this.entries.length !== this.configured.length
    );
  }

  list(): KeyState[] {
    return this.entries.map(({ key, published }) => ({
      kid: key.publicJwk.kid,
      alg: key.alg,
      published: this.withoutKid ? key === this.signer : published,
      signing: key === this.signer,
    }));
  }

  /** A new key of the ID token algorithm: published first in the JWKS, and signing every ID token from now on. */
  async rotate(): Promise<KeyState> {
    const key = await generateSigningKey(this.idTokenAlg);
    this.entries.unshift({ key, published: true });
    this.signer = key;
    return this.list()[0] as KeyState;
  }

  /** Stop publishing a key. Its state, or undefined for an unknown kid. */
  withdraw(kid: string): KeyState | undefined {
    const entry = this.entries.find((candidate) => candidate.key.publicJwk.kid === kid);
    if (!entry) return undefined;
    entry.published = false;
    return this.list().find((state) => state.kid === kid);
  }

  /** From now on, publish only the signing key, without `kid`, and sign ID tokens without `kid`. */
  serveSingleKeyWithoutKid(): void {
    this.withoutKid = true;
  }

  /** The JWKS document as served. */
  jwks(): { keys: object[] } {
    if (this.withoutKid) {
      const { kid: _kid, ...withoutKid } = this.signer.publicJwk;
      return { keys: [withoutKid] };
    }
    return { keys: this.entries.filter((entry) => entry.published).map((entry) => entry.key.publicJwk) };
  }
}
