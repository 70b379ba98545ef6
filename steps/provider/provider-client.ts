/**
 * The client side of the protocol, spoken to the provider under test:
 * discovery (RFC 8414 3, OIDC Discovery 4), the authorization request with
 * PKCE (RFC 7636 4), the token endpoint (RFC 6749 4.1.3, 6) with client
 * authentication (RFC 6749 2.3.1), revocation (RFC 7009 2), introspection
 * (RFC 7662 2), userinfo (OIDC Core 5.3), pushed authorization requests
 * (RFC 9126 2) and DPoP proofs (RFC 9449 4). Each call answers what came
 * back, status and JSON, for a step to judge; nothing here judges.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

import type { ProviderSettings } from './settings';

export type Metadata = Record<string, unknown> & {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  pushed_authorization_request_endpoint?: string;
  scopes_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  dpop_signing_alg_values_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  require_pushed_authorization_requests?: boolean;
};

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown> | undefined;
}

/** The scopes OpenID defines (OIDC Core 5.4, 11); any other is a resource server's. */
const openIdScopes = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'];

export const randomToken = () => randomBytes(32).toString('base64url');
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** A body's JSON object; undefined for anything else (no JSON, an array, a scalar). */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, json: jsonObjectOf(await response.text()) };
}

/** A DPoP key pair and its proofs (RFC 9449 4.2), with the last nonce a server asked for (RFC 9449 8). */
export class DpopKey {
  nonce: string | undefined;
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return new DpopKey(privateKey, await exportJWK(publicKey));
  }

  proof(method: string, url: string, accessToken?: string): Promise<string> {
    const htu = new URL(url);
    htu.search = '';
    htu.hash = '';
    return new SignJWT({
      htm: method,
      htu: htu.href,
      jti: randomUUID(),
      ...(this.nonce ? { nonce: this.nonce } : {}),
      ...(accessToken ? { ath: s256(accessToken) } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: this.publicJwk })
      .setIssuedAt()
      .sign(this.privateKey);
  }
}

export class ProviderClient {
  constructor(
    readonly settings: ProviderSettings,
    readonly metadata: Metadata,
  ) {}

  /** The provider's metadata, from the OpenID configuration, else the RFC 8414 address. */
  static async discover(settings: ProviderSettings): Promise<{ answer: Answer; url: string }> {
    const issuer = settings.issuer.replace(/\/$/, '');
    const openid = `${issuer}/.well-known/openid-configuration`;
    const answer = await answerOf(await fetch(openid, { headers: { accept: 'application/json' } }));
    if (answer.status === 200) return { answer, url: openid };
    const path = new URL(settings.issuer).pathname.replace(/\/$/, '');
    const oauth = `${new URL(settings.issuer).origin}/.well-known/oauth-authorization-server${path}`;
    return { answer: await answerOf(await fetch(oauth, { headers: { accept: 'application/json' } })), url: oauth };
  }

  endpoint(name: keyof Metadata): string {
    const value = this.metadata[name];
    if (typeof value !== 'string') throw new Error(`discovery advertises no ${name}`);
    return value;
  }

  /** The scopes asked for: the settings' scopes that discovery advertises (all of them when it lists none). */
  get scope(): string {
    const supported = this.metadata.scopes_supported;
    return this.settings.scopes.filter((scope) => !supported || supported.includes(scope)).join(' ');
  }

  /**
   * The scopes asked for when a scenario needs an access token for userinfo: those of `scope` that
   * OpenID defines (OIDC Core 5.4, 11), so that a provider that gives API scopes an API audience
   * (RFC 8707 2) still issues one userinfo takes (OIDC Core 5.3).
   */
  get openIdScope(): string {
    return this.scope
      .split(' ')
      .filter((scope) => openIdScopes.includes(scope))
      .join(' ');
  }

  /** How this client authenticates at the token endpoint: client_secret_basic unless the provider offers only post. */
  private get authMethod(): 'client_secret_basic' | 'client_secret_post' {
    const methods = this.metadata.token_endpoint_auth_methods_supported;
    return methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
      ? 'client_secret_post'
      : 'client_secret_basic';
  }

  /** A POST with client authentication (RFC 6749 2.3.1: the id and secret form-encoded inside Basic). */
  async post(
    url: string,
    params: Record<string, string>,
    options: { secret?: string; dpop?: DpopKey } = {},
  ): Promise<Answer> {
    const secret = options.secret ?? this.settings.clientSecret;
    const body = new URLSearchParams(params);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.authMethod === 'client_secret_basic') {
      const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${encode(this.settings.clientId)}:${encode(secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', this.settings.clientId);
      body.set('client_secret', secret);
    }
    for (let attempt = 0; ; attempt++) {
      if (options.dpop) headers.dpop = await options.dpop.proof('POST', url);
      const answer = await answerOf(await fetch(url, { method: 'POST', headers, body: body.toString() }));
      const nonce = answer.headers.get('dpop-nonce');
      if (options.dpop && nonce && answer.json?.error === 'use_dpop_nonce' && attempt === 0) {
        options.dpop.nonce = nonce;
        continue;
      }
      return answer;
    }
  }

  token(params: Record<string, string>, options: { secret?: string; dpop?: DpopKey } = {}): Promise<Answer> {
    return this.post(this.endpoint('token_endpoint'), params, options);
  }

  redeem(code: string, verifier: string | undefined, redirectUri = this.settings.redirectUri, dpop?: DpopKey) {
    return this.token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        ...(verifier === undefined ? {} : { code_verifier: verifier }),
      },
      { dpop },
    );
  }

  refresh(refreshToken: string, dpop?: DpopKey): Promise<Answer> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, { dpop });
  }

  revoke(token: string, hint: 'access_token' | 'refresh_token'): Promise<Answer> {
    return this.post(this.endpoint('revocation_endpoint'), { token, token_type_hint: hint });
  }

  introspect(token: string): Promise<Answer> {
    return this.post(this.endpoint('introspection_endpoint'), { token });
  }

  async userinfo(accessToken: string, dpop?: DpopKey): Promise<Answer> {
    const url = this.endpoint('userinfo_endpoint');
    const headers: Record<string, string> = { accept: 'application/json' };
    headers.authorization = `${dpop ? 'DPoP' : 'Bearer'} ${accessToken}`;
    if (dpop) headers.dpop = await dpop.proof('GET', url, accessToken);
    let answer = await answerOf(await fetch(url, { headers }));
    const nonce = answer.headers.get('dpop-nonce');
    if (dpop && nonce && answer.status === 401) {
      dpop.nonce = nonce;
      headers.dpop = await dpop.proof('GET', url, accessToken);
      answer = await answerOf(await fetch(url, { headers }));
    }
    return answer;
  }

  /** Pushes the authorization request's parameters (RFC 9126 2.1). */
  pushAuthorizationRequest(params: Record<string, string>): Promise<Answer> {
    // The pushed parameters are the authorization request's own, client_id among them (RFC 9126 2.1).
    return this.post(this.endpoint('pushed_authorization_request_endpoint'), {
      client_id: this.settings.clientId,
      ...params,
    });
  }

  /** The authorization request's URL for these parameters (client_id added). */
  authorizationUrl(params: Record<string, string>): URL {
    const url = new URL(this.endpoint('authorization_endpoint'));
    url.searchParams.set('client_id', this.settings.clientId);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url;
  }
}
