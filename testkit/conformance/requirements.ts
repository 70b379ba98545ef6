/**
 * The client-side conformance list (items 1-19)
 * and the RFC 9700 client MUSTs that apply to this integration, each with
 * the tags of the scenarios that check it. A requirement is covered when at
 * least one scenario carries one of its tags.
 */
export interface Requirement {
  readonly id: string;
  readonly text: string;
  readonly source: string;
  readonly tags: readonly string[];
}

export const requirements: readonly Requirement[] = [
  {
    id: '1',
    text: 'PKCE S256 only; a fresh verifier of 256 bits per attempt, never sent to the browser',
    source: 'RFC 9700 2.1.1, RFC 7636',
    tags: ['@pkce'],
  },
  {
    id: '2',
    text: 'state is one-time and bound to the browser session',
    source: 'RFC 9700 2.1, 4.7.1',
    tags: ['@state'],
  },
  { id: '3', text: 'nonce is sent and the ID token must carry it', source: 'OIDC Core 3.1.3.7', tags: ['@nonce'] },
  {
    id: '4',
    text: 'redirect_uri is exactly the registered one, and the token request repeats it',
    source: 'RFC 9700 2.1, RFC 6749 4.1.3',
    tags: ['@redirect-uri'],
  },
  {
    id: '5',
    text: 'only response_type=code; no token ever in a URL',
    source: 'RFC 9700 2.1.2',
    tags: ['@no-token-in-url'],
  },
  { id: '6', text: 'no open redirector through return_to', source: 'RFC 9700 4.11.1', tags: ['@open-redirect'] },
  {
    id: '7',
    text: 'iss equals the discovered issuer; missing iss refused when promised',
    source: 'RFC 9207 2.4, RFC 9700 4.4.2',
    tags: ['@rfc9207'],
  },
  {
    id: '8',
    text: 'every error callback handled after iss and state, shown escaped, nothing exchanged',
    source: 'RFC 6749 4.1.2.1',
    tags: ['@rfc6749-4.1.2.1'],
  },
  {
    id: '9',
    text: 'unknown, expired, missing or foreign state refused, no token request',
    source: 'RFC 9700 4.7.1',
    tags: ['@state'],
  },
  {
    id: '10',
    text: 'the token request carries code, redirect_uri, code_verifier and client authentication',
    source: 'RFC 6749 4.1.3',
    tags: ['@rfc6749-4.1.3'],
  },
  {
    id: '11',
    text: 'invalid_grant restarts, invalid_client is a configuration error, 5xx a provider error; nothing stored',
    source: 'RFC 6749 5.2',
    tags: ['@rfc6749-5.2'],
  },
  {
    id: '12',
    text: 'token_type in any case, expires_in or scope missing, unknown fields: tolerated',
    source: 'RFC 6749 5.1',
    tags: ['@rfc6749-5.1'],
  },
  {
    id: '13',
    text: 'ID token: iss, aud, azp, exp, iat, sub, nonce, signature and algorithm checked; JWKS rotation followed',
    source: 'OIDC Core 3.1.3.7',
    tags: ['@oidcc-3.1.3.7'],
  },
  {
    id: '14',
    text: 'a refreshed ID token keeps the same iss and sub',
    source: 'OIDC Core 12.2',
    tags: ['@oidcc-12.2'],
  },
  {
    id: '14b',
    text: 'userinfo sub equals the ID token sub, else the connect is refused and its tokens revoked',
    source: 'OIDC Core 5.3.2, 5.3.4',
    tags: ['@oidcc-5.3.4'],
  },
  {
    id: '15',
    text: 'the newest refresh token is always kept and used',
    source: 'RFC 9700 2.2.2, 4.14.2',
    tags: ['@rotation'],
  },
  {
    id: '16',
    text: 'a refresh never asks for a wider scope than was granted',
    source: 'RFC 6749 6',
    tags: ['@refresh-scope'],
  },
  {
    id: '17',
    text: 'concurrent callers share one refresh; a response without refresh_token keeps the old one',
    source: 'RFC 9700 4.14.2',
    tags: ['@single-flight', '@keeps-refresh-token'],
  },
  {
    id: '18',
    text: 'revocation with token_type_hint and client authentication; proved by introspection; 503 retried',
    source: 'RFC 7009',
    tags: ['@rfc7009'],
  },
  {
    id: '19',
    text: 'DPoP where the provider offers it; PAR where it requires it',
    source: 'RFC 9700 2.2.1 (SHOULD), RFC 9449, RFC 9126',
    tags: ['@dpop', '@par'],
  },
  {
    id: 'BCP-csrf',
    text: 'the client prevents CSRF against its redirect URI and its own state-changing endpoints',
    source: 'RFC 9700 2.1, 4.7',
    tags: ['@csrf'],
  },
  {
    id: 'BCP-mix-up',
    text: 'mix-up defence: the answer names the issuer the request went to',
    source: 'RFC 9700 2.1, 4.4',
    tags: ['@mix-up'],
  },
  {
    id: 'BCP-injection',
    text: 'authorization code injection is detected (PKCE)',
    source: 'RFC 9700 4.5',
    tags: ['@code-injection'],
  },
  {
    id: 'BCP-referer',
    text: 'the code does not leak through the Referer header',
    source: 'RFC 9700 4.2.4',
    tags: ['@referer'],
  },
  {
    id: 'BCP-open-redirect',
    text: 'the client exposes no open redirector',
    source: 'RFC 9700 4.11.1',
    tags: ['@open-redirect'],
  },
  {
    id: 'BCP-tls',
    text: 'every exchange with the provider is protected by TLS, its certificate verified',
    source: 'RFC 9700 2, RFC 6749 10.9',
    tags: ['@https'],
  },
];
