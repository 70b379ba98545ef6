@fapi2 @fapi2-security-profile
Feature: Under FAPI 2.0 the provider is held to the profile's own rules

  With pushed authorization requests, DPoP and private_key_jwt all on, the
  integration runs the FAPI 2.0 Security Profile. It then holds the
  provider to that profile even where plain OpenID Connect would let it
  off: an ID token signed with RS256 is refused, and every authorization
  response must name its issuer, whether discovery promises it or not.
  What the integration signs itself, its client assertions and its DPoP
  proofs, uses only the algorithms the profile allows. The mock runs its
  fapi2 profile (ES256 ID tokens). The scenarios that restart our
  integration with other settings run in-process only (@in-process); the
  others also run against a remote integration that declares
  SECURITY_PROFILE=fapi2 (contract 5.8).

  Background:
    Given Carol is signed in to the integration
    And the vendor runs the FAPI 2.0 profile, and the integration uses private_key_jwt and DPoP

  Rule: only PS256, ES256 and EdDSA signatures, never RS256 (FAPI 2.0 Security Profile 5.4)

    @fapi2-security-profile-final-client-test-invalid-alternate-alg
    Scenario: An ID token signed with RS256 is refused, and the tokens that came with it are revoked
      Given she has started connecting her MySQL account
      And the provider will send an ID token signed with its own published RS256 key
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And nothing is stored for her
      And the provider received the revocation of the refresh token, then of the access token, issued to that code exchange

    @in-process
    Scenario: An ID token signed with RS256 is refused, even by the provider's own published key
      Given she has started connecting her MySQL account
      And the provider will send an ID token signed with its own published RS256 key
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And the refusal says "unexpected JWS "alg" header value"
      And nothing is stored for her

    Scenario: Client assertions and DPoP proofs are signed with an algorithm FAPI 2.0 allows
      When Carol connects her MySQL account as alice
      Then Carol is connected to the account "Alice Liddell"
      And every client assertion and DPoP proof the provider received was signed with PS256, ES256 or EdDSA

    @in-process
    Scenario Outline: An ID token algorithm FAPI 2.0 does not allow stops the start, in one sentence
      When the integration starts under FAPI 2.0 with the ID token algorithm setting '<value>'
      Then it refuses to start, saying 'ID_TOKEN_SIGNED_RESPONSE_ALG must be one of PS256, ES256, EdDSA with FAPI 2.0'

      Examples:
        | value  |
        | RS256  |
        | (none) |

  Rule: every authorization response names its issuer (FAPI 2.0 Security Profile 5.3.3, RFC 9207 2.4)

    @rfc9207 @mix-up @in-process @fapi2-security-profile-final-client-test-remove-authorization-response-iss
    Scenario: A callback without issuer is refused, even when discovery does not promise one
      Given the provider's discovery document does not promise the "iss" parameter
      And she has started connecting her MySQL account
      When the callback arrives without the issuer
      Then it is refused with "issuer_missing"
      And no token request is made
      And the integration read the discovery document that does not promise "iss"
