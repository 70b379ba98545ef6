@provider
Feature: Codes, refresh tokens and revocation at the token endpoint

  The integration redeems each code once, refreshes before expiry, and
  revokes both tokens at Disconnect. What it can promise depends on the
  provider: a code good once, a rotated-out refresh token refused, a revoked
  token dead. Whether a provider rotates, and what one revocation does to the
  other token, are its choices: reported, with the mock control that does the
  same.

  Background:
    Given the provider's metadata

  @rfc6749-4.1.2
  Scenario: A code redeemed twice is refused
    Given the account authorized the client with an S256 code challenge
    And the client redeemed the code
    When the client redeems the code again
    Then the token endpoint refuses it with invalid_grant
    And what became of the first tokens is reported

  @rfc6749-5.1
  Scenario: A token response is not cached
    Given the account authorized the client with an S256 code challenge
    When the client redeems the code
    Then the token response says Cache-Control no-store

  @rfc9700-4.14.2 @reported
  Scenario: Rotation is reported, and a rotated-out refresh token is refused
    Given the client holds tokens with a refresh token
    When the client refreshes them
    Then whether the refresh token rotated is reported, and a rotated-out one is refused

  @rfc7009-2.1 @reported
  Scenario: A revoked refresh token is refused
    Given the provider offers revocation
    And the client holds tokens with a refresh token
    When the client revokes the refresh token
    Then the refresh token is refused, and what became of the access token is reported

  @rfc7009-2 @reported
  Scenario: What revoking the access token ends is reported
    Given the provider offers revocation
    And the client holds tokens with a refresh token
    When the client revokes the access token
    Then what became of the access token and the refresh token is reported

  @rfc6749-5.2
  Scenario Outline: The token endpoint answers errors as RFC 6749 5.2 says
    When the client sends the token endpoint <request>
    Then it answers <status> with the error <error>

    Examples: a bad grant, a bad client, a grant the provider does not know
      | request               | status | error                  |
      | an unknown code       | 400    | invalid_grant          |
      | a wrong client secret | 401    | invalid_client         |
      | an unknown grant type | 400    | unsupported_grant_type |
