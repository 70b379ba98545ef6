/**
 * The HTTP status a reader expects for each error code, written down here
 * from the contract, docs/contract.md (400 bad callback or input, 401 no session,
 * 403 refused, 404 unknown, 409 not connected, 429 rate limited, 502
 * provider failed, 503 provider unavailable), independently of the
 * integration's own table, so that a status changed in the code is caught.
 */
export const expectedStatus: Readonly<Record<string, number>> = {
  malformed_request: 400,
  unknown_scope: 400,
  invalid_row: 400,
  invalid_username: 400,
  invalid_return_to: 400,
  issuer_missing: 400,
  issuer_mismatch: 400,
  state_missing: 400,
  state_unknown: 400,
  state_expired: 400,
  state_already_used: 400,
  state_mismatch: 400,
  code_missing: 400,
  invalid_request: 400,
  unauthorized_client: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  authorization_failed: 400,
  invalid_grant: 400,
  session_required: 401,
  access_denied: 403,
  cross_site_request: 403,
  insufficient_scope: 403,
  not_found: 404,
  method_not_allowed: 405,
  account_mismatch: 409,
  not_connected: 409,
  reconnect_required: 409,
  payload_too_large: 413,
  rate_limited: 429,
  encryption_key_unavailable: 500,
  server_error: 502,
  invalid_client: 502,
  token_request_failed: 502,
  invalid_token_response: 502,
  invalid_id_token: 502,
  provider_error: 502,
  userinfo_subject_mismatch: 502,
  vendor_api_not_found: 502,
  provider_tls_error: 502,
  // Ours only, under the FAPI 2.0 profile (PAR, DPoP).
  authorization_request_expired: 400,
  pushed_authorization_refused: 502,
  dpop_nonce_loop: 502,
  token_not_dpop_bound: 502,
  temporarily_unavailable: 503,
  provider_unavailable: 503,
  store_unavailable: 503,
};

/**
 * A redirect the contract answers with "303 (or 302)": the callback once connected, the sign-out, the disconnect
 * (contract 3, its table of routes). Either status passes; anything else does not.
 */
export function isSeeOther(status: number | undefined): boolean {
  return status === 303 || status === 302;
}
