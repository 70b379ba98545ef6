/**
 * Errors are values with a stable code. Each code has one HTTP status and
 * one sentence telling the user what to do next; the message says what went
 * wrong, quoting the parameter or claim. Codes that the provider sent us
 * (RFC 6749 4.1.2.1, OpenID Connect 3.1.2.6) keep the provider's own name.
 */

export const errorCodes = {
  // our own input checks
  malformed_request: { status: 400, advice: 'Check the address or form and try again.' },
  payload_too_large: { status: 413, advice: 'Send less: the request body is too large.' },
  session_required: { status: 401, advice: 'Sign in first, then try again.' },
  invalid_username: { status: 400, advice: 'Use 1 to 64 letters, digits, dots, dashes or underscores.' },
  invalid_return_to: { status: 400, advice: 'Start the connection again from this site.' },
  rate_limited: { status: 429, advice: 'Too many requests; wait a moment and try again.' },
  cross_site_request: { status: 403, advice: 'Use the form on this site.' },
  untrusted_identity_header: {
    status: 403,
    advice: "Reach this service through the host product's own site, not directly.",
  },
  not_found: { status: 404, advice: 'Go back to the home page.' },
  not_connected: { status: 409, advice: 'Connect your MySQL account first.' },
  reconnect_required: { status: 409, advice: 'Your MySQL account needs to be connected again; press Connect.' },
  insufficient_scope: { status: 403, advice: 'Connect again and approve access to your databases.' },
  unknown_scope: { status: 400, advice: 'Start the connection again from this site.' },
  invalid_row: { status: 400, advice: 'Check the columns and values of the row and try again.' },
  method_not_allowed: { status: 405, advice: 'Go back to the home page.' },
  // the callback: which request it answers
  issuer_missing: {
    status: 400,
    advice: "Start the connection again; if it keeps happening, tell the integration's administrator.",
  },
  issuer_mismatch: {
    status: 400,
    advice: 'Start the connection again; this answer did not come from the provider you were sent to.',
  },
  state_missing: { status: 400, advice: 'Start the connection again from this site.' },
  state_unknown: { status: 400, advice: 'Start the connection again from this site.' },
  state_expired: { status: 400, advice: 'The connection took too long; start it again.' },
  state_already_used: {
    status: 400,
    advice: 'This answer was already used; start the connection again if you are not connected.',
  },
  state_mismatch: { status: 400, advice: 'Start the connection again in the same browser you signed in with.' },
  code_missing: { status: 400, advice: 'Start the connection again.' },
  account_mismatch: {
    status: 409,
    advice:
      'Sign in at the provider with the account you connected; to connect another account, disconnect first. Nothing was changed.',
  },
  // the provider's answer to the authorization request
  access_denied: { status: 403, advice: 'You declined the access; connect again if you change your mind.' },
  invalid_request: { status: 400, advice: "Contact the integration's administrator." },
  unauthorized_client: { status: 400, advice: "Contact the integration's administrator." },
  unsupported_response_type: { status: 400, advice: "Contact the integration's administrator." },
  invalid_scope: { status: 400, advice: "Contact the integration's administrator." },
  server_error: { status: 502, advice: 'The provider had a problem; try again later.' },
  temporarily_unavailable: { status: 503, advice: 'The provider is busy; try again shortly.' },
  login_required: { status: 400, advice: 'Connect again and sign in at the provider.' },
  consent_required: { status: 400, advice: 'Connect again and approve the access at the provider.' },
  interaction_required: { status: 400, advice: 'Connect again and complete the steps at the provider.' },
  authorization_failed: {
    status: 400,
    advice: "Start the connection again; if it keeps happening, contact the integration's administrator.",
  },
  // the token exchange and the ID token
  invalid_grant: { status: 400, advice: 'Start the connection again.' },
  invalid_client: { status: 502, advice: 'The integration is misconfigured; tell its administrator.' },
  token_request_failed: { status: 502, advice: "Contact the integration's administrator." },
  invalid_token_response: { status: 502, advice: 'The provider answered something unexpected; try again later.' },
  invalid_id_token: { status: 502, advice: "The provider's answer could not be verified; try again later." },
  provider_error: { status: 502, advice: 'The provider had a problem; try again later.' },
  // The vendor's API answered 404 for the databases list itself: its address is wrong (contract 3.5).
  vendor_api_not_found: {
    status: 502,
    advice:
      "The vendor's API was not found at the configured address; tell the integration's administrator to check API_BASE_URL.",
  },
  userinfo_subject_mismatch: {
    status: 502,
    advice:
      "The provider's answers named two different accounts; start the connection again, and if it keeps happening tell the integration's administrator.",
  },
  // FAPI 2.0: pushed authorization requests (RFC 9126) and DPoP (RFC 9449)
  pushed_authorization_refused: {
    status: 502,
    advice:
      "The provider refused the authorization request; try again, and if it keeps happening tell the integration's administrator.",
  },
  authorization_request_expired: {
    status: 400,
    advice: 'The connection took too long at the provider; start it again.',
  },
  dpop_nonce_loop: { status: 502, advice: 'The provider kept asking for a new proof; try again later.' },
  token_not_dpop_bound: {
    status: 502,
    advice:
      "The provider issued tokens that are not bound to this integration's key; tell the integration's administrator.",
  },
  provider_tls_error: {
    status: 502,
    advice: "The provider's certificate could not be verified; tell the integration's administrator.",
  },
  provider_unavailable: { status: 503, advice: 'The provider could not be reached; try again shortly.' },
  store_unavailable: { status: 503, advice: 'The integration cannot reach its database; try again shortly.' },
  // our own keys
  encryption_key_unavailable: {
    status: 500,
    advice: 'The integration cannot read its stored tokens; tell its administrator (nothing was lost).',
  },
  // anything else
  internal_error: { status: 500, advice: 'Something went wrong on our side; try again later.' },
} as const satisfies Record<string, { status: number; advice: string }>;

export type ErrorCode = keyof typeof errorCodes;

export class IntegrationError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; description?: string; retryAfterSeconds?: number; requiredScope?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IntegrationError';
    this.status = errorCodes[code].status;
    this.description = options.description;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.requiredScope = options.requiredScope;
  }

  /**
   * `insufficient_scope`: the scope the request needs (RFC 6750 3.1),
   * which the user may grant through `/connect?scope=`.
   */
  readonly requiredScope: string | undefined;

  /** When the caller may try again, passed on as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  /** The provider's own `error_description`, shown escaped, when there was one. */
  readonly description: string | undefined;

  get advice(): string {
    return errorCodes[this.code].advice;
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value);
}

/** An OAuth error code as RFC 6749 allows its characters (%x20-21 / %x23-5B / %x5D-7E), short enough to show. */
export function isPrintableErrorCode(value: unknown): value is string {
  return typeof value === 'string' && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(value);
}
