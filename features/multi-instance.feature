@mysql @multi-instance @in-process
Feature: Several instances behind a load balancer behave as one

  In production the integration runs as several instances sharing one
  MySQL database, and a user's requests land on any of them. A flow begun
  on one finishes on another; an expired token is refreshed once, not once
  per instance (a second refresh would replay a rotated refresh token and
  could cost the user the whole grant); the rate limits count requests to
  all of them together.

  Background:
    Given Alice is signed in to the integration
    And a second instance of the integration shares its database

  @rfc9700 @single-flight
  Scenario: Calls spread over two instances with an expired token make exactly one refresh request
    Given Alice has connected her MySQL account as alice
    And her access token has expired
    When Alice lists her databases 100 times at once, spread over both instances
    Then all 100 calls see the databases "wonderland_shop, tea_party"
    And the provider received 1 refresh request
    And the vendor API received 100 calls, all with her new access token

  Scenario: A connect started on one instance completes on the other
    When Alice starts connecting her MySQL account
    And the provider sends her back to the second instance
    Then she is connected to the account "Alice Liddell"

  @rate-limits
  Scenario: The rate limits count requests to both instances
    Given both instances allow 3 API calls a minute per session
    When Alice asks for her connection status twice on each instance
    Then her 4th answer is refused with "rate_limited"
