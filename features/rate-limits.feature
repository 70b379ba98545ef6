@rate-limits @in-process
Feature: The integration limits its own endpoints, per session and per address

  The sign-in, connect and callback routes start work at the provider and
  write to the store; the API spends the user's tokens. A script hammering
  any of them must meet a clear 429 with the time to wait, not a slow
  service for everyone else. Limits count per session and per client
  address (an address gets five times a session's allowance: many people
  share one), and every limited answer says how much is left.

  Ours counts in fixed windows that start at a key's first request. Behind
  a trusted proxy the client address is the last X-Forwarded-For entry, the
  one the proxy itself appended; behind the host product's proxy that names
  the user (IDENTITY=trusted-header), the user stands for the address.
  Every answer of a limited route carries RateLimit-Limit,
  RateLimit-Remaining, RateLimit-Reset (seconds until the window ends, not
  a timestamp) and RateLimit-Policy ("points;w=seconds",
  such as "10;w=60"): on a refusal they describe the limit that refused,
  otherwise whichever of the two has fewer points left. The home page of a
  connected user lists her databases at the vendor, so it counts against
  the API limit: over it, the page says so and the vendor is not called.
  A client that holds a connection open by sending its request slowly is
  cut off too, once its headers or its whole request take longer than the
  integration waits.

  @rate-limits @rfc6585-4
  Scenario: One user's API calls are limited per session, and another user is not affected
    Given the integration allows 3 API calls a minute per session
    And Alice is signed in to the integration
    And Bob is signed in to the integration
    When Alice asks for her connection status 4 times
    Then the first 3 answers are allowed, counting down the remaining calls
    And the 4th is refused with "rate_limited", saying when to retry
    When Bob asks for his connection status
    Then his answer is allowed

  @rate-limits @rfc6585-4
  Scenario: Sign-ins from one address are limited, at five times the session allowance
    Given the integration allows 2 sign-ins a minute per session
    When 10 people sign in from the same address
    And an 11th person signs in from that address
    Then the 11th sign-in is refused with "rate_limited", with the policy "10;w=60"

  @rate-limits
  Scenario: Loading the home page lists the databases at the vendor, so it counts against the API limit
    Given the integration allows 5 API calls a minute per session
    And Alice has connected her MySQL account as alice
    When Alice loads the home page 20 times, and asks for its headers 20 times
    Then the vendor API received 5 requests
    And her last page says her databases could not be listed, with "rate_limited"

  @rate-limits
  Scenario: A request whose headers never finish arriving is cut off
    Given the integration waits at most 1 second for a request's headers
    When a client sends half of a request's headers and then nothing
    Then the integration closes that connection

  @rate-limits @identity
  Scenario: Behind the host product's proxy, the address limit counts each user apart
    Given the integration takes its users from the "X-Forwarded-User" header set by a trusted proxy
    And the integration allows 20 connects a minute per session
    When 5 users each start connecting their MySQL account 20 times through the proxy
    Then every one of those connects was sent to the provider
    When another user starts connecting her MySQL account through the proxy
    Then the proxy's answer sends her to the provider

  @rate-limits
  Scenario: Connect attempts are limited too
    Given the integration allows 2 connects a minute per session
    And Alice is signed in to the integration
    When Alice starts connecting her MySQL account 3 times
    Then the 3rd attempt is refused with "rate_limited"
    And only 2 pending authorizations were kept
