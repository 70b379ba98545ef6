@refresh @flow
Feature: Tokens are refreshed in time, rotated safely, and never lost

  An integration lives with its tokens for months. The access token expires
  within the hour; the refresh token gets a new one, and with rotation the
  refresh token itself changes each time. This is where integrations lose
  tokens: a refresh that drops the new refresh token, a refresh response
  without one, a grant revoked at the vendor and retried forever. Each
  scenario here shows that ours does not.

  Background:
    Given Alice is signed in to the integration

  Rule: an access token is refreshed before it expires, or once after a 401 (RFC 6749 6)

    An access token is about to expire when at most the refresh margin is
    left (REFRESH_MARGIN_SECONDS, a minute by default): exactly the margin
    left counts. Such a token is refreshed before the call; one with more
    left is used as it is. When the vendor refuses a token, it is refreshed
    once and the call retried once; a second refusal fails the call as a
    provider error, with no third try.

    @rfc6749-6
    Scenario: An access token about to expire is refreshed before the call
      Given Alice has connected her MySQL account as alice, with an access token about to expire
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And the provider received 1 refresh request
      And the vendor API saw only her new access token

    @rfc6749-6
    Scenario: An access token that is far from expiry is used as it is
      Given Alice has connected her MySQL account as alice, with an access token far from expiry
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And the provider received 0 refresh requests

    @rfc6750-3.1 @rfc6749-6
    Scenario: An access token the vendor refuses is refreshed once, and the call retried once
      Given Alice has connected her MySQL account as alice
      And the provider has revoked Alice's access token early
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And the vendor API answered 401 then 200
      And the provider received 1 refresh request

    @rfc6750-3.1 @rfc6749-6 @refused-after-refresh
    Scenario: An access token the vendor refuses again after the refresh fails the call, with no third try
      Given Alice has connected her MySQL account as alice
      And the provider's resource API keeps failing: answers 401
      When Alice lists her databases
      Then it is refused with "provider_error"
      And the vendor API answered 401 then 401
      And the vendor API saw her old access token, then her new one
      And the provider received 1 refresh request

    @rfc6749-6 @rfc9700 @refresh-scope
    Scenario: A refresh never asks for more than was granted
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      When Alice lists her databases
      Then the refresh request asked for no scope
      And her connection has the scopes "openid profile offline_access databases:read"

  Rule: the newest refresh token always replaces the old one (RFC 9700 2.2.2, 4.14.2)

    @rfc9700 @rotation
    Scenario: A rotated refresh token replaces the old one, which the provider no longer accepts
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      When Alice lists her databases
      Then her stored refresh token is the new one the provider issued
      And the provider no longer accepts her old refresh token

    @rfc6749-6 @rotation @keeps-refresh-token
    Scenario: A refresh response without a refresh token keeps the old one
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider does not rotate refresh tokens
      And the provider will leave "refresh_token" out of the token response
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And her stored refresh token is still the one she had

  Rule: a refreshed ID token names the same issuer and subject (OpenID Connect Core 12.2)

    A refreshed ID token is validated like the first one (its nonce may be
    left out). If it fails, the tokens of that refresh are not kept but
    revoked, and the connection must be made again. If the provider's keys
    cannot be fetched just then, its issuer and subject are compared all the
    same, read without the signature: another account is refused as above,
    while the same account keeps the new tokens, since dropping them would
    lose the grant.

    @oidcc-12.2 @oidcc-refresh-token-invalid-sub
    Scenario Outline: A refreshed ID token <change> is refused, and the connection must be made again
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider will send an ID token <change>
      When Alice lists her databases
      Then it is refused with "invalid_id_token"
      And her connection needs to be made again because of "<reason>"

      Examples:
        | change                       | reason           |
        | for another subject          | subject_changed  |
        | from another issuer          | invalid_id_token |

    @oidcc-12.2 @rotation
    Scenario: Keys that cannot be fetched during a refresh do not cost the new tokens
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider has since rotated its signing key
      And the provider's JWKS keeps failing: answers 503
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And her stored refresh token is the new one the provider issued

    @oidcc-12.2 @rotation
    Scenario Outline: A refreshed ID token <change> is refused even while the keys cannot be fetched
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider has since rotated its signing key
      And the provider's JWKS keeps failing: answers 503
      And the provider will send an ID token <change>
      When Alice lists her databases
      Then it is refused with "invalid_id_token"
      And her connection needs to be made again because of <reason>

      # Read unverified, another issuer is a changed subject for an integration that compares them itself, and
      # an invalid ID token for one whose library checks the issuer first: either reason is right (contract 5.5).
      Examples:
        | change              | reason                                   |
        | for another subject | "subject_changed"                        |
        | from another issuer | "invalid_id_token" or "subject_changed"  |

  Rule: invalid_grant means reconnecting, after checking nobody refreshed meanwhile (RFC 6749 5.2)

    @rfc6749-5.2 @revocation
    Scenario: A grant revoked at the vendor is noticed at the next use, and not retried
      Given Alice has connected her MySQL account as alice
      And Alice has revoked the integration's access at the vendor
      When Alice lists her databases
      Then it is refused with "reconnect_required"
      And her connection needs to be made again because of "invalid_grant"
      When Alice lists her databases
      Then it is refused with "reconnect_required"
      And the provider received 1 refresh request

    @rfc6749-5.2 @in-process
    Scenario: invalid_grant after another writer already rotated the token keeps the connection
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      When Alice lists her databases while another writer refreshes her tokens, the provider refusing hers with "invalid_grant"
      Then she sees the databases "wonderland_shop, tea_party"
      And her connection is still connected

    @rfc6749-5.2
    Scenario: Reconnecting after reconnect_required makes the connection usable again
      Given Alice has connected her MySQL account as alice
      And Alice has revoked the integration's access at the vendor
      And Alice has been told to reconnect
      When Alice connects again as alice
      And Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"

  Rule: a transient failure keeps the tokens and the status

    A token endpoint that answers 5xx, 429 or garbage, times out or drops
    the connection fails the call as unavailable and changes nothing, and
    the next call refreshes again. While the old access token has not
    expired yet (it was only within the margin), the call goes ahead with it
    instead. invalid_grant, invalid_client and a refused ID token are not
    transient.

    @rfc6749-5.2 @transient
    Scenario Outline: A refresh that meets <failure> keeps everything as it was
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider's token endpoint will answer <failure>
      When Alice lists her databases
      Then it is refused with "provider_unavailable"
      And her connection and tokens are exactly as they were
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"

      Examples:
        | failure |
        | 500     |
        | 503     |
        | 429     |

    @transient
    Scenario: A refresh that fails while the old access token still works does not fail the call
      Given Alice has connected her MySQL account as alice, with an access token about to expire
      And the provider's token endpoint will answer 503
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And her connection and tokens are exactly as they were

  Rule: a refresh answered 200 and then refused has the tokens it was issued revoked (contract 5.5, RFC 7009)

    A 200 to a refresh means the provider has rotated the refresh token: the
    tokens in that response are live. When the integration cannot keep them
    (here, an expiry it cannot read), it refuses the call as it would any
    unusable answer, and revokes them, refresh token first.

    @rfc7009 @transient @kept-or-revoked
    Scenario: A refresh response that cannot be read has the tokens it carried revoked
      Given Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider will send a token response with a huge "expires_in"
      When Alice lists her databases
      Then it is refused with "provider_unavailable"
      And the provider received the revocation of the refresh token, then of the access token, issued to that refresh

  Rule: an access token a refresh replaces is revoked, unless revoking the refresh token ends it (RFC 7009 2.1, contract 5.5)

    RFC 7009 says a provider SHOULD, not MUST, end a grant's access tokens
    when its refresh token is revoked. After a refresh the integration holds
    only the newest access token; where the provider does not end the others
    with the refresh token, the one from the code exchange and every one a
    refresh replaced would outlive a disconnect. So each replaced access
    token is revoked at its refresh, queued in the same store write. A
    provider known to end them (PROVIDER_REVOCATION_SCOPE=grant) is not asked.

    @rfc7009 @rfc7009-2.1 @replaced-access-token
    Scenario: Where revoking the refresh token leaves access tokens alive, none of them outlives a disconnect
      Given Alice has connected her MySQL account as alice, with an access token about to expire
      And the provider's revocation of a refresh token leaves the grant's access tokens alive
      When Alice lists her databases twice, each time with an access token about to expire
      Then the provider received the revocation of each access token a refresh replaced, at that refresh
      When Alice disconnects her MySQL account
      Then no access token the provider issued for her connection works at the vendor's API

    @rfc7009 @rfc7009-2.1 @replaced-access-token @in-process
    Scenario: A provider that ends the access tokens with the refresh token is not asked to revoke each replaced one
      Given the provider's revocation of a refresh token ends the grant's access tokens, and the integration is told so
      And Alice has connected her MySQL account as alice, with an access token about to expire
      When Alice lists her databases twice, each time with an access token about to expire
      Then the provider received 0 revocation requests in all
      When Alice disconnects her MySQL account
      Then no access token the provider issued for her connection works at the vendor's API
