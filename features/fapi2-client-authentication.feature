@fapi2 @private-key-jwt @rfc7523 @in-process
Feature: The client authenticates with its own key (private_key_jwt)

  Under FAPI 2.0 the integration proves who it is with a short-lived JWT
  signed by its own private key (RFC 7523), never with a shared secret. Its
  keys are a ring, newest first: the newest signs, every key's public part is
  published at /jwks.json, where the provider fetches them. Each assertion is
  good once and for a minute, and is addressed to the provider's issuer.
  client_secret_basic stays the default.

  Background:
    Given Carol is signed in to the integration
    And the vendor runs the FAPI 2.0 profile, and the integration uses private_key_jwt and DPoP

  Scenario: Every request to the provider carries a fresh assertion for the issuer
    When Carol connects her MySQL account as alice
    Then Carol is connected to the account "Alice Liddell"
    And every client assertion was fresh, short-lived and addressed to the issuer
    And the integration publishes its public client keys at "/jwks.json", newest first

  Scenario: A replayed client assertion is refused
    Given Carol has connected her MySQL account as alice
    When someone replays the client assertion of her token request
    Then the provider refuses the client with "invalid_client"

  Scenario: An expired client assertion is refused
    When someone presents a client assertion that expired a minute ago
    Then the provider refuses the client with "invalid_client"

  Scenario: Rotating the client key: the new key signs, the old one stays published
    Given Carol has connected her MySQL account as alice
    And the integration rotates its client key, the new key first
    When Carol lists her databases after the access token expired
    Then Carol sees the databases "wonderland_shop, tea_party"
    And the provider accepted assertions signed with the new key "client-2"
    And the integration publishes its public client keys at "/jwks.json", newest first

  Scenario: Right after a rotation, before the provider has fetched the new keys, a new authorization still goes through
    The provider keeps the key set it fetched from /jwks.json for a while
    (oidc-provider: a minute, or the max-age it was served with) and refuses
    an assertion signed with a key it does not hold yet as invalid_client. A
    request so refused is sent once more signed with the older key, which
    then signs for a minute; the provider authenticated nothing, so nothing
    was spent.

    Given Carol has connected her MySQL account as alice
    And the integration rotates its client key, the new key first
    When Carol reconnects as alice
    Then Carol is connected to the account "Alice Liddell"
    And the provider refused the pushed request signed with the new key "client-2" as "invalid_client", and accepted it signed with "client-1"
    And the provider accepted the token request signed with "client-1"
    And the metric "oauth_client_key_fallbacks_total" went up by 1

  Scenario: Long after a rotation, a refused client is not sent again signed with the older key
    The provider may refuse the client for another reason than a key it has
    not fetched yet (it cannot reach /jwks.json, the registration changed).
    The older key stands in only within the rotation window after the new
    key appeared (CLIENT_KEY_ROTATION_WINDOW_SECONDS, ten minutes by
    default); past it, the refusal is the answer.

    Given Carol has connected her MySQL account as alice
    And the integration rotates its client key, the new key first
    And the client key rotation window has passed
    And the provider's pushed authorization request endpoint will answer 401 "invalid_client"
    When Carol tries to start connecting
    Then she is refused by the integration with "invalid_client"
    And the provider received 1 pushed authorization request, signed with "client-2" and refused as "invalid_client"
    And the metric "oauth_client_key_fallbacks_total" did not move

  Scenario: Once the provider has accepted the new key, a refused client is not sent again signed with the older key
    Given Carol has connected her MySQL account as alice
    And the integration rotates its client key, the new key first
    And the provider's copy of the integration's client keys has gone stale
    And Carol has reconnected as alice, the provider accepting the new key "client-2"
    And the provider's pushed authorization request endpoint will answer 401 "invalid_client"
    When Carol tries to start connecting
    Then she is refused by the integration with "invalid_client"
    And the provider received 1 pushed authorization request, signed with "client-2" and refused as "invalid_client"
    And the metric "oauth_client_key_fallbacks_total" did not move

  Scenario: A new key alone, before the provider has fetched it, is refused as invalid_client, once
    Given Carol has connected her MySQL account as alice
    And the integration replaces its client key with a new one "client-2", keeping no older key
    When Carol tries to start connecting
    Then she is refused by the integration with "invalid_client"
    And the provider received 1 pushed authorization request, refused as "invalid_client"

  Scenario Outline: Only the public members of an <type> client key are published, never a stray one
    Each key type's public members are listed (RSA: RFC 7518 6.3.1; EC: RFC
    7518 6.2.1; OKP: RFC 8037 2), with "kid", "alg" and "use" (RFC 7517 4):
    any other member of a configured key, private or unknown, stays out.

    Given the integration's client key is an <type> key that also carries a stray "k" and "note"
    When the provider fetches the integration's "/jwks.json"
    Then the key published there holds exactly "<members>"

    Examples:
      | type | members                       |
      | EC   | kty, crv, x, y, kid, alg, use |
      | RSA  | kty, n, e, kid, alg, use      |
      | OKP  | kty, crv, x, kid, alg, use    |

  Scenario Outline: A client key that is missing or unusable stops the start, in one sentence
    When the integration starts with the client key setting '<value>'
    Then it refuses to start, saying '<sentence>'

    Examples:
      | value                                                                                      | sentence                                                                |
      | (none)                                                                                     | CLIENT_SIGNING_KEYS is required with CLIENT_AUTH_METHOD=private_key_jwt |
      | not json                                                                                   | CLIENT_SIGNING_KEYS must be a JSON Web Key Set                          |
      | {"keys": []}                                                                               | CLIENT_SIGNING_KEYS must be a JSON Web Key Set with at least one key    |
      | {"keys": [{"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA", "kid": "k"}]}            | key "k" is a public key                                                 |
      | {"keys": [{"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA", "d": "AAAA", "kid": "k"}]} | key "k" is not a usable private key                                     |
      | {"keys": [{"kty": "oct", "k": "AAAA", "kid": "k"}]}                                        | key "k" must be an EC P-256, RSA or Ed25519 key                         |
