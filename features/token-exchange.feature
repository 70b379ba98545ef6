@token-exchange @flow
Feature: The code is exchanged for tokens once, and nothing is kept unless it all checks out

  The token request is the back-channel step where the integration proves
  who it is and that it started this flow: it sends the code with the same
  redirect URI, the PKCE verifier and its client credentials. Whatever goes
  wrong there, the user must get a clear answer and the integration must
  keep nothing: a half-stored connection is how tokens get lost or leaked.

  Background:
    Given Carol is signed in to the integration
    And she has started connecting her MySQL account

  Rule: the token request carries the code, the same redirect URI, the verifier and client authentication (RFC 6749 4.1.3)

    # Not under fapi2: there the client authenticates with private_key_jwt (fapi2-client-authentication.feature).
    @rfc6749-4.1.3 @rfc7636 @basic-only @oidcc-client-test-client-secret-basic
    Scenario: The token request is complete and authenticated with client_secret_basic
      When Carol approves at the provider as alice
      Then the provider received one token request for the code it issued
      And it carried the registered redirect URI and a code verifier
      And the client authenticated with HTTP Basic as the client registered at the provider

  Rule: invalid_grant means starting again; nothing is stored (RFC 6749 5.2, RFC 9700 4.5)

    @rfc6749-5.2 @rfc9700
    Scenario: A code someone already redeemed is refused by the provider
      Given the provider has sent Carol back with a code
      And someone has already redeemed that code
      When Carol's browser delivers the callback
      Then she is refused with "invalid_grant"
      And nothing is stored for her

    @rfc7636 @rfc9700 @pkce @code-injection
    Scenario: A code injected from another user's flow fails PKCE
      Given Mallory has obtained a code for the account bob
      When Carol's callback arrives carrying Mallory's code
      Then she is refused with "invalid_grant"
      And nothing is stored for her

  Rule: invalid_client is a configuration error, never retried (RFC 6749 5.2)

    # Not under fapi2: there is no client secret there; a refused client assertion is in fapi2-client-authentication.feature.
    @rfc6749-5.2 @in-process @basic-only
    Scenario: A wrong client secret is reported as invalid_client and not retried
      Given the integration is configured with a wrong client secret
      When Carol approves at the provider as alice
      Then she is refused with "invalid_client"
      And the provider received exactly 1 token request
      And nothing is stored for her

  Rule: a failing provider gives a clear provider error, and the code is not retried

    503 and 429 say the provider is unavailable; any other 5xx, and a 4xx
    without an OAuth error (a 401 with no JSON body), say it failed; an OAuth
    error other than invalid_grant and invalid_client fails the token request.
    A timeout or a dropped connection is unavailability. Whatever the answer,
    the code is sent once: it is good once.

    @rfc6749-5.2
    Scenario Outline: The token endpoint answers <status>
      Given the provider's token endpoint will answer <status>
      When Carol approves at the provider as alice
      Then she is refused with "<code>"
      And the provider received exactly 1 token request
      And nothing is stored for her

      Examples:
        | status | code                 |
        | 500    | provider_error       |
        | 502    | provider_error       |
        | 504    | provider_error       |
        | 503    | provider_unavailable |
        | 429    | provider_unavailable |

    @rfc6749-5.2 @token-4xx
    Scenario: A token endpoint that answers 401 with no body, no OAuth error, is reported as a provider error
      Given the provider's token endpoint will answer 401 with the body ""
      When Carol approves at the provider as alice
      Then she is refused with "provider_error"
      And the provider received exactly 1 token request
      And nothing is stored for her

    @rfc6749-5.2
    Scenario: A token endpoint that does not answer in time is reported unavailable
      Given the provider's token endpoint will answer only after the integration has stopped waiting
      When Carol approves at the provider as alice
      Then she is refused with "provider_unavailable"
      And nothing is stored for her

    @rfc6749-5.1
    Scenario: A token response that is not JSON is refused
      Given the provider's token endpoint will answer 200 with the body "<html>ok</html>"
      When Carol approves at the provider as alice
      Then she is refused with "invalid_token_response"
      And nothing is stored for her

  Rule: what RFC 6749 5.1 allows is tolerated (FAPI client tests token-type-case-insensitivity, token-endpoint-response-without-expires_in)

    # Not under fapi2: a DPoP token request accepts only the token_type DPoP (fapi2-dpop.feature).
    @rfc6749-5.1 @basic-only
    Scenario Outline: A token_type of "<token_type>" is accepted
      Given the provider will send the token_type "<token_type>"
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

      Examples:
        | token_type |
        | bearer     |
        | BEARER     |
        | Bearer     |

    @rfc6749-5.1 @fapi2-security-profile-final-client-test-token-endpoint-response-without-expires_in
    Scenario: A token response without expires_in is accepted, with an unknown expiry
      Given the provider will leave "expires_in" out of the token response
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"
      And her access token's expiry is unknown

    @rfc6749-5.1
    Scenario: An expires_in sent as a numeric string is accepted
      Given the provider will send a token response with the expires_in "3600" as a string
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"
      And her access token's expiry is known

    @rfc6749-5.1
    Scenario: A token response without scope means the scopes asked for
      Given the provider will leave "scope" out of the token response
      When Carol approves at the provider as alice
      Then her connection has the scopes "openid profile offline_access databases:read"

    @rfc6749-5.1
    Scenario: Unknown fields in the token response are ignored
      Given the provider will add the field "vendor_region" to the token response
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

  Rule: what RFC 6749 5.1 requires is required

    The access token and its token_type (Bearer, in any case) must be there,
    and an ID token after the code exchange when openid was asked for.
    expires_in, when sent, is a whole number of seconds from 1 to 366 days; a
    string of digits is read as that number, while 0, a negative, a fraction
    or anything larger is refused.

    @rfc6749-5.1
    Scenario Outline: A token response <problem> is refused
      Given the provider will send a token response <problem>
      When Carol approves at the provider as alice
      Then she is refused with "invalid_token_response"
      And nothing is stored for her

      Examples:
        | problem                           |
        | without "access_token"            |
        | without "id_token"                |
        | with a negative "expires_in"      |
        | with a huge "expires_in"          |
        | with a fractional "expires_in"    |
        | with a zero "expires_in"          |

      # Not under fapi2: a DPoP token request refuses any token_type but DPoP as token_not_dpop_bound (fapi2-dpop.feature).
      @basic-only
      Examples: the token type
        | problem                           |
        | with the token_type "mac"         |
        | without "token_type"              |

  Rule: tokens issued and then refused are revoked, never dropped alive (contract 5.3, RFC 7009)

    Once the token endpoint has answered 200, the provider holds the tokens
    it issued as live, whatever the integration then finds wrong with the
    response or its ID token. A refusal that follows a 200 keeps nothing,
    and revokes the refresh token, then the access token, that it carried.

    @rfc7009 @kept-or-revoked
    Scenario Outline: A token response refused after its 200 (<problem>) has its tokens revoked
      Given the provider will send <problem>
      When Carol approves at the provider as alice
      Then she is refused with <code>
      And nothing is stored for her
      And the provider received the revocation of the refresh token, then of the access token, issued to that code exchange

      Examples:
        | problem                                    | code                     |
        | an ID token with a bad RS256 signature     | "invalid_id_token"       |
        | an ID token with a "sub" of 256 characters | "invalid_id_token"       |
        | a token response with a huge "expires_in"  | "invalid_token_response" |
