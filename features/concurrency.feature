@concurrency @flow
Feature: Concurrent callers share one refresh

  A busy integration calls the vendor for the same user from many requests
  at once. If each of them refreshed an expired token on its own, the
  provider would see the rotated refresh token used twice, and by RFC 9700
  4.14.2 it may then revoke the whole grant: the user's connection would be
  lost. So any number of concurrent callers for one connection cause
  exactly one refresh request.

  @rfc9700 @single-flight
  Scenario: 200 concurrent calls with an expired token make exactly one refresh request
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice, with an access token that has expired
    When Alice lists her databases 200 times at once
    Then all 200 calls see the databases "wonderland_shop, tea_party"
    And the provider received 1 refresh request
    And the vendor API received 200 calls, all with her new access token

  @rfc9700 @single-flight
  Scenario: Two users refreshing at once each get their own single refresh
    Given Alice is signed in to the integration
    And Bob is signed in to the integration
    And Alice has connected her MySQL account as alice, with an access token that has expired
    And Bob has connected his MySQL account as bob, with an access token that has expired
    When Alice and Bob each list their databases 50 times at once
    Then the provider received 2 refresh requests
    And every call of Alice's sees "wonderland_shop, tea_party" and every call of Bob's sees "builder_yard"
