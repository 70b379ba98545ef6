/**
 * Every fact the provider profile reports, declared once: its title, the
 * section it comes from, what our mock does by default (docs/contract.md
 * 10.1), and the mock control that makes the mock do what the provider does
 * (contract 10.2), or none: "the mock cannot do this" is itself a finding.
 */
export interface MockControlCall {
  /** `POST /__control/modes`, or a start setting (`MOCK_PROFILE=fapi2`). */
  readonly call: string;
  readonly body?: Record<string, unknown>;
}

export interface FactSpec {
  readonly title: string;
  readonly section: string;
  /** What the mock does by default, in the words a fact's value uses. */
  readonly mock: string;
  /** The control for a value other than the mock's default; undefined: none. */
  readonly controlFor?: (value: string) => MockControlCall | undefined;
}

const modes = (body: Record<string, unknown>): MockControlCall => ({ call: 'POST /__control/modes', body });

export const factSpecs = {
  'discovery.issuer': { title: 'Discovery names the issuer exactly', section: 'RFC 8414 3.3', mock: 'exact' },
  'pkce.methods': {
    title: 'PKCE methods discovery advertises',
    section: 'RFC 8414 2',
    mock: 'S256',
  },
  'pkce.required': {
    title: 'An authorization request without a code_challenge',
    section: 'RFC 9700 2.1.1',
    mock: 'refused',
  },
  'pkce.plain': { title: 'A code_challenge_method of plain', section: 'RFC 7636 4.2', mock: 'refused' },
  'pkce.verifier': {
    title: 'A wrong or missing code_verifier at the token endpoint',
    section: 'RFC 7636 4.6, RFC 9700 2.1.1',
    mock: 'refused',
  },
  'redirect-uri.matching': {
    title: 'A redirect URI other than the registered one',
    section: 'RFC 9700 4.1.3',
    mock: 'refused on a page of its own',
  },
  'state.echoed': { title: 'state comes back unchanged', section: 'RFC 6749 4.1.2', mock: 'echoed' },
  'iss.advertised': {
    title: 'Discovery advertises authorization_response_iss_parameter_supported',
    section: 'RFC 9207 3',
    mock: 'advertised',
  },
  'iss.returned': { title: 'iss in the authorization response', section: 'RFC 9207 2', mock: 'returned' },
  'code.reuse': { title: 'A code redeemed twice', section: 'RFC 6749 4.1.2', mock: 'refused' },
  'code.reuse.tokens': {
    title: 'The tokens of a code redeemed twice',
    section: 'RFC 6749 4.1.2 (SHOULD revoke)',
    mock: 'revoked',
  },
  'refresh.issued': {
    title: 'A refresh token for offline_access',
    section: 'OIDC Core 11',
    mock: 'issued',
  },
  'refresh.rotation': {
    title: 'Refresh token rotation',
    section: 'RFC 9700 4.14.2',
    mock: 'rotated',
    controlFor: (value) => (value === 'not rotated' ? modes({ refreshTokenRotation: false }) : undefined),
  },
  'refresh.reuse': {
    title: 'A rotated-out refresh token used again',
    section: 'RFC 9700 4.14.2',
    mock: 'refused',
  },
  'refresh.reuse.family': {
    title: 'The newest refresh token after a rotated-out one was used again',
    section: 'RFC 9700 4.14.2',
    mock: 'revoked',
  },
  'revocation.endpoint': {
    title: 'A revocation endpoint',
    section: 'RFC 7009 2, RFC 8414 2. None: our integration answers revocation "not_offered" (contract 5.7)',
    mock: 'advertised',
    controlFor: (value) => (value === 'not advertised' ? modes({ revocationEndpoint: false }) : undefined),
  },
  'revocation.refresh': { title: 'A revoked refresh token', section: 'RFC 7009 2.1', mock: 'refused' },
  'revocation.refresh.access': {
    title: 'The access token, after its refresh token was revoked',
    // Kept: the mock's default, `revocationScope: "token"`; ours then revokes each access token a refresh replaces.
    section:
      'RFC 7009 2.1 (SHOULD end it). Mock: kept with revocationScope "token" (its default), ended with "grant". ' +
      'Our integration: PROVIDER_REVOCATION_SCOPE=token when kept (its default), grant when ended (contract 5.5)',
    mock: 'kept',
    controlFor: (value) => (value === 'ended' ? modes({ revocationScope: 'grant' }) : undefined),
  },
  'revocation.access': { title: 'A revoked access token', section: 'RFC 7009 2', mock: 'ended' },
  'revocation.access.refresh': {
    title: 'The refresh token, after its access token was revoked',
    section:
      'RFC 7009 2.1 (MAY end it). Ended: our integration needs PROVIDER_REVOCATION_SCOPE=grant, or revoking the ' +
      'access token a refresh replaced would end the connection (contract 5.5)',
    mock: 'kept',
    controlFor: (value) => (value === 'ended' ? modes({ revocationScope: 'grant' }) : undefined),
  },
  'id-token.signature': {
    title: 'The ID token verifies against the JWKS',
    section: 'OIDC Core 3.1.3.7',
    mock: 'verifies (RS256)',
  },
  'id-token.claims': {
    title: 'Claims in the ID token of the code flow',
    section: 'OIDC Core 5.4',
    // The mock follows OIDC Core 5.4 (profile claims from userinfo only); a provider that puts them in the ID token too
    // is the mode idTokenProfileClaims (contract 10.1).
    mock: 'no name in the ID token',
    controlFor: (value) => (value === 'no name in the ID token' ? undefined : modes({ idTokenProfileClaims: true })),
  },
  'token.no-store': {
    title: 'Cache-Control: no-store on a token response',
    section: 'RFC 6749 5.1',
    mock: 'no-store',
  },
  'token.error': { title: 'Errors at the token endpoint', section: 'RFC 6749 5.2', mock: 'as RFC 6749 5.2' },
  'userinfo.endpoint': {
    title: 'A userinfo endpoint',
    section: 'OIDC Core 5.3, OIDC Discovery 3. None: our integration shows the account by its subject (contract 5.3)',
    mock: 'advertised',
    controlFor: (value) => (value === 'not advertised' ? modes({ userinfoEndpoint: false }) : undefined),
  },
  // Asked for OpenID scopes only, the mock issues an access token with no audience, which its userinfo takes.
  'userinfo.sub': { title: "userinfo's sub", section: 'OIDC Core 5.3.2', mock: "the ID token's" },
  'userinfo.claims': { title: 'Claims userinfo returns', section: 'OIDC Core 5.3.2', mock: 'name' },
  'par.advertised': {
    title: 'Pushed authorization requests',
    section: 'RFC 9126 5',
    mock: 'advertised, not required',
    controlFor: (value) => (value === 'required' ? { call: 'start setting MOCK_PROFILE=fapi2' } : undefined),
  },
  'par.flow': { title: 'An authorization through a pushed request', section: 'RFC 9126 2, 4', mock: 'works' },
  'dpop.advertised': {
    title: 'DPoP',
    section: 'RFC 9449 5.1',
    mock: 'advertised',
  },
  'dpop.bound': { title: 'A token request with a DPoP proof', section: 'RFC 9449 5', mock: 'token_type DPoP' },
  // Our integration against this provider (features/provider/our-integration.feature).
  'integration.account-name': {
    title: "The account's display name our integration shows",
    section: 'contract 3.4',
    mock: 'a display name',
  },
  'integration.scopes': {
    title: 'The scopes our integration was granted',
    section: 'contract 3.4, RFC 6749 5.1',
    mock: 'those asked for',
  },
  'integration.refresh.access-token': {
    title: "The access token of our integration's refresh",
    section: 'contract 5.5, RFC 6749 6',
    mock: 'a new one',
  },
  'integration.revoked-access': {
    title: 'The access token our integration held, after Disconnect',
    section: 'contract 5.7, RFC 7009 2.1',
    mock: 'refused',
  },
} satisfies Record<string, FactSpec>;

export type FactId = keyof typeof factSpecs;
