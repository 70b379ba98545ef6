@fapi2 @dpop @rfc9449
Feature: Tokens are bound to the connection's key (DPoP)

  With DPoP (RFC 9449) each connection has a key pair of its own, sealed at
  rest with its tokens. The tokens the provider issues are bound to that
  key, and every request that uses or obtains one carries a fresh proof
  signed with it. A thief who copies a token without the key cannot use it:
  the vendor's API and the token endpoint check the proof.

  Background:
    Given Carol is signed in to the integration
    And the vendor runs the FAPI 2.0 profile, and the integration uses private_key_jwt and DPoP

  Rule: every token request and every API call is proved with the connection's key

    @fapi2-security-profile-final-client-test-happy-path-no-dpop-nonce
    Scenario: Connecting and listing databases, each call proved with the connection's key
      Given Carol has connected her MySQL account as alice
      When Carol lists her databases
      Then Carol sees the databases "wonderland_shop, tea_party"
      And every request to the token endpoint and the vendor API carried a fresh DPoP proof

    @in-process
    Scenario: Connecting, listing databases and refreshing, each with a fresh proof
      Given Carol has connected her MySQL account as alice
      When Carol lists her databases
      And Carol lists her databases after the access token expired
      Then Carol sees the databases "wonderland_shop, tea_party"
      And her connection is DPoP-bound, its key sealed at rest with the key "k1"
      And every request to the token endpoint and the vendor API carried a fresh DPoP proof

  Rule: a stolen token without the key is refused

    A confidential client's refresh token is bound to the client's own
    authentication rather than to the DPoP key (RFC 9449 5): without the
    client's private key, the thief cannot redeem it.

    Scenario: A stolen access token presented as a bearer token is refused by the vendor
      Given Carol has connected her MySQL account as alice
      And Carol lists her databases
      And a thief has copied her access token and refresh token, but not the key
      When the thief calls the vendor API with the stolen access token as a bearer token
      Then the vendor API refuses it with 401 "invalid_token"

    Scenario: A stolen access token with a proof of another key is refused by the vendor
      Given Carol has connected her MySQL account as alice
      And Carol lists her databases
      And a thief has copied her access token and refresh token, but not the key
      When the thief calls the vendor API with the stolen access token and a proof of a key of its own
      Then the vendor API refuses it with 401 "invalid_token"

    Scenario: A stolen refresh token without the client's key is refused by the token endpoint
      Given Carol has connected her MySQL account as alice
      And a thief has copied her access token and refresh token, but not the key
      When the thief redeems the stolen refresh token with a proof and an assertion of keys of its own
      Then the provider refuses the client with "invalid_client"
      And Carol lists her databases
      And Carol sees the databases "wonderland_shop, tea_party"

    Scenario: A replayed proof is refused
      Given Carol has connected her MySQL account as alice
      And Carol lists her databases
      And a thief has copied her access token and refresh token, but not the key
      When the thief replays the proof the integration sent with the stolen access token
      Then the vendor API refuses it with 401 "invalid_dpop_proof"

  Rule: a server's nonce is used once it is asked for, with one retry and never a loop

    A demand is answered with one retry (contract 5.8): a vendor API or a
    token endpoint that demands a new nonce again gets no third request, and
    the user a refusal with a stable code of the contract (section 4.2).

    @fapi2-security-profile-final-client-test-happy-path
    Scenario: A nonce round trip at the token endpoint and the vendor API
      Given the vendor demands DPoP nonces
      And Carol has connected her MySQL account as alice
      When Carol lists her databases
      Then Carol sees the databases "wonderland_shop, tea_party"
      And the answers that demanded a nonce were each followed by one retry with it

    Scenario: A vendor API that demands a new nonce every time gets one retry, then the user is refused

      A demand that comes again after the retry is a 401 of the vendor API,
      which contract 5.5 lets an integration answer with one refresh and one
      call with the new token: that token gets its one retry too, and no
      more. Ours refreshes no token for it (the scenario below).

      Given Carol has connected her MySQL account as alice
      And the vendor API will demand a new DPoP nonce on every request
      When Carol lists her databases
      Then she is refused by the integration with a stable code
      And the vendor API received each access token at most twice: once, and once more with the nonce
      And the token endpoint received at most 1 refresh

    Scenario: A token endpoint that demands a new nonce every time gets one retry, then the connect is refused
      Given she has started connecting her MySQL account
      And the token endpoint will demand a new DPoP nonce on every request
      When Carol approves at the provider as alice
      Then she is refused by the integration with a stable code
      And the token endpoint received exactly 2 requests
      And nothing is stored for her

    @in-process
    Scenario: Ours names the endless demand "dpop_nonce_loop"
      Given Carol has connected her MySQL account as alice
      And the vendor API will demand a new DPoP nonce on every request
      When Carol lists her databases
      Then she is refused by the integration with "dpop_nonce_loop"
      And the vendor API received exactly 2 requests from her

  Rule: tokens that are not DPoP-bound are refused when DPoP was asked for

    @in-process
    Scenario Outline: The provider answers the DPoP token request <problem>
      Given she has started connecting her MySQL account
      And the provider will send a token response <problem>
      When Carol approves at the provider as alice
      Then she is refused by the integration with "token_not_dpop_bound"
      And nothing is stored for her

      Examples:
        | problem                      |
        | with the token_type "Bearer" |
        | with the token_type "bearer" |
        | with the token_type "mac"    |
        | without "token_type"         |

  Rule: the token_type and the DPoP scheme are read in any case (RFC 9449 5 and 7.1, RFC 7235 2.1)

    A provider may write the token_type "DPoP" in any case, and a vendor its
    DPoP challenge too: "dPoP" is still a DPoP-bound token, and "dpop" still
    demands a nonce.

    @fapi2-security-profile-final-client-test-token-type-case-insensitivity
    Scenario: A token_type of "dPoP" is taken as a DPoP-bound token
      Given she has started connecting her MySQL account
      And the provider will send the token_type "dPoP"
      When Carol approves at the provider as alice
      Then Carol is connected to the account "Alice Liddell"

    @fapi2-security-profile-final-client-test-rs-dpop-auth-scheme-case-insensitivity
    Scenario: A vendor's nonce demand under the scheme "dpop", in lower case, is answered with one retry
      Given Carol has connected her MySQL account as alice
      And the vendor API will demand a DPoP nonce once, under the scheme "dpop"
      When Carol lists her databases
      Then Carol sees the databases "wonderland_shop, tea_party"
      And the vendor API's demand was followed by one retry with that nonce

  Rule: the vendor takes a proof once, for a minute after it was issued, and never one from the future (RFC 9449 11.1, contract 10.1)

    The mock's vendor API takes a proof for 60 seconds after its "iat", and
    only if that "iat" is at most 5 seconds ahead of the mock's clock. It
    remembers each proof it took until those 60 seconds are over, so a proof
    is never taken twice.

    @in-process
    Scenario: A proof issued far in the future is refused
      Given Carol has connected her MySQL account as alice
      When someone calls the vendor API with Carol's access token and a proof of her connection's key issued 55 seconds ahead
      Then the vendor API refuses that proof with 401 "invalid_dpop_proof"
      But a proof of the same key issued now is taken

    @in-process
    Scenario: A proof replayed after a minute, while it is still valid, is refused
      Given Carol has connected her MySQL account as alice
      And someone has called the vendor API with Carol's access token and a proof of her connection's key issued as far ahead as the mock allows
      When 62 seconds pass for the mock
      And the same proof is sent again
      Then the vendor API refuses that proof with 401 "invalid_dpop_proof"
