/**
 * Every refusal is a Problem: a stable code from the contract, its HTTP
 * status and one sentence of advice. Never a token or a stack trace.
 */
const table = {
  malformed_request: [400, 'Check the address or form and try again.'],
  payload_too_large: [413, 'Send less: the request body is too large.'],
  invalid_username: [400, 'Use 1 to 64 letters, digits, dots, dashes or underscores.'],
  invalid_return_to: [400, 'Start the connection again from this site.'],
  session_required: [401, 'Sign in first, then try again.'],
  cross_site_request: [403, 'Use the form on this site.'],
  not_found: [404, 'Go back to the home page.'],
  method_not_allowed: [405, 'Go back to the home page.'],
  not_connected: [409, 'Connect your MySQL account first.'],
  reconnect_required: [409, 'Your MySQL account needs to be connected again; press Connect.'],
  insufficient_scope: [403, 'Connect again and approve access to your databases.'],
  unknown_scope: [400, 'Start the connection again from this site.'],
  invalid_row: [400, 'Check the columns and values of the row and try again.'],
  issuer_missing: [400, "Start the connection again; if it keeps happening, tell the integration's administrator."],
  issuer_mismatch: [400, 'Start the connection again; this answer did not come from the provider you were sent to.'],
  state_missing: [400, 'Start the connection again from this site.'],
  state_unknown: [400, 'Start the connection again from this site.'],
  state_expired: [400, 'The connection took too long; start it again.'],
  state_already_used: [400, 'This answer was already used; start the connection again if you are not connected.'],
  state_mismatch: [400, 'Start the connection again in the same browser you signed in with.'],
  code_missing: [400, 'Start the connection again.'],
  account_mismatch: [
    409,
    'Sign in at the provider with the account you connected; to connect another account, disconnect first.',
  ],
  access_denied: [403, 'You declined the access; connect again if you change your mind.'],
  invalid_request: [400, "Contact the integration's administrator."],
  unauthorized_client: [400, "Contact the integration's administrator."],
  unsupported_response_type: [400, "Contact the integration's administrator."],
  invalid_scope: [400, "Contact the integration's administrator."],
  server_error: [502, 'The provider had a problem; try again later.'],
  temporarily_unavailable: [503, 'The provider is busy; try again shortly.'],
  login_required: [400, 'Connect again and sign in at the provider.'],
  consent_required: [400, 'Connect again and approve the access at the provider.'],
  interaction_required: [400, 'Connect again and complete the steps at the provider.'],
  authorization_failed: [
    400,
    "Start the connection again; if it keeps happening, contact the integration's administrator.",
  ],
  invalid_grant: [400, 'Start the connection again.'],
  invalid_client: [502, 'The integration is misconfigured; tell its administrator.'],
  token_request_failed: [502, "Contact the integration's administrator."],
  invalid_token_response: [502, 'The provider answered something unexpected; try again later.'],
  invalid_id_token: [502, "The provider's answer could not be verified; try again later."],
  provider_error: [502, 'The provider had a problem; try again later.'],
  vendor_api_not_found: [
    502,
    "The vendor's API was not found at the configured address; tell the integration's administrator to check API_BASE_URL.",
  ],
  userinfo_subject_mismatch: [
    502,
    "The provider's answers named two different accounts; start the connection again, and if it keeps happening tell the integration's administrator.",
  ],
  // FAPI 2.0 (contract 5.8): PAR (RFC 9126) and DPoP (RFC 9449).
  pushed_authorization_refused: [
    502,
    "The provider refused the authorization request; tell the integration's administrator.",
  ],
  authorization_request_expired: [400, 'The connection took too long at the provider; start it again.'],
  token_not_dpop_bound: [
    502,
    "The provider issued tokens not bound to this integration's key; tell its administrator.",
  ],
  provider_unavailable: [503, 'The provider could not be reached; try again shortly.'],
  internal_error: [500, 'Something went wrong on our side; try again later.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemCode = keyof typeof table;

export class Problem extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    /**
     * The provider's own error_description (shown escaped), Retry-After
     * to pass on, or the scope a refused request needs.
     */
    readonly extra: { description?: string; retryAfter?: string; scope?: string } = {},
  ) {
    super(message);
  }

  get status(): number {
    return table[this.code][0];
  }

  get advice(): string {
    return table[this.code][1];
  }
}

/** An `error` the provider sent back to the callback (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6). */
export function authorizationError(error: string, description: string | undefined): Problem {
  const known = [
    'access_denied',
    'invalid_request',
    'unauthorized_client',
    'unsupported_response_type',
    'invalid_scope',
    'server_error',
    'temporarily_unavailable',
    'login_required',
    'consent_required',
    'interaction_required',
  ];
  const code = (known.includes(error) ? error : 'authorization_failed') as ProblemCode;
  return new Problem(code, 'the provider refused the authorization request', {
    description: description?.slice(0, 300),
  });
}
