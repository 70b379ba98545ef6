@faults @flow
Feature: Whatever the provider does wrong, the user gets a clear answer and nothing is half-written

  Providers fail: they answer 500, they are overloaded (503, 429), they
  time out, they drop the connection, they send garbage with a 200. The
  integration meets each of these at each endpoint it uses, and each time
  the user gets a stable error code, the tokens and the connection stay
  exactly as they were, and the provider is not hammered. Here the mock is
  made to fail on purpose, persistently (the integration retries where it
  is safe, so a single failure would go unnoticed, as it should). "Garbage"
  here is a 200 whose body is not what the endpoint must send: an HTML
  maintenance page instead of JSON.

  Rule: discovery failures stop the connect before anything is stored

    @faults-discovery @in-process
    Scenario Outline: Discovery that <fault> stops the connect with "<code>"
      Given Carol is signed in to the integration
      And the provider's discovery keeps failing: <fault>
      When Carol tries to start connecting her MySQL account
      Then it is refused with "<code>"
      And she is still signed in, and not connected

      Examples:
        | fault                      | code                 |
        | answers 500                | provider_unavailable |
        | answers 503                | provider_unavailable |
        | answers 429                | provider_unavailable |
        | is rate limited            | provider_unavailable |
        | answers garbage            | provider_error       |
        | answers too late           | provider_unavailable |
        | drops the connection       | provider_unavailable |

  Rule: JWKS and token endpoint failures during the callback store nothing

    @faults-jwks @oidcc-3.1.3.7
    Scenario Outline: A JWKS endpoint that <fault> fails the callback with "<code>"
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      And the provider's JWKS keeps failing: <fault>
      When Carol approves at the provider as alice
      Then she is refused with "<code>"
      And she is not connected, and her attempt is spent

      Examples:
        | fault                      | code                 |
        | answers 500                | provider_unavailable |
        | answers 503                | provider_unavailable |
        | is rate limited            | provider_unavailable |
        | answers garbage            | provider_error       |
        | answers too late           | provider_unavailable |
        | drops the connection       | provider_unavailable |

    @faults-token
    Scenario Outline: A token endpoint that <fault> fails the code exchange with "<code>", without retrying the code
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      And the provider's token endpoint keeps failing: <fault>
      When Carol approves at the provider as alice
      Then she is refused with "<code>"
      And she is not connected, and her attempt is spent
      And the provider received exactly 1 token request

      Examples:
        | fault                              | code                   |
        | answers 500                        | provider_error         |
        | answers 503                        | provider_unavailable   |
        | answers 429                        | provider_unavailable   |
        | is rate limited                    | provider_unavailable   |
        | answers the OAuth error "invalid_request" | token_request_failed |
        | answers garbage                    | invalid_token_response |
        | answers too late                   | provider_unavailable   |
        | drops the connection               | provider_unavailable   |

  Rule: failures after the connect keep the tokens and the connection as they were

    @faults-refresh
    Scenario Outline: A refresh that meets a token endpoint that <fault> gives "<code>" and keeps everything (the refresh is sent <count> times)
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider's token endpoint keeps failing: <fault>
      When Alice lists her databases
      Then it is refused with "<code>"
      And her connection and tokens are exactly as they were
      And the refresh was sent <count> times

      # Only 429 and 503 say the provider did not process the refresh: only those are sent again.
      Examples:
        | fault                      | code                 | count |
        | answers 500                | provider_unavailable | 1     |
        | answers 503                | provider_unavailable | 3     |
        | is rate limited            | provider_unavailable | 1     |
        | answers garbage            | provider_unavailable | 1     |
        | answers too late           | provider_unavailable | 1     |
        | drops the connection       | provider_unavailable | 1     |

      # A 4xx other than invalid_grant (refresh.feature): invalid_client and any other OAuth error are passed on
      # as they are at the code exchange; a 4xx without an OAuth error is unavailability at a refresh (contract 5.6).
      @faults-refresh-4xx
      Examples: another 4xx
        | fault                                     | code                 | count |
        | answers the OAuth error "invalid_request" | token_request_failed | 1     |
        | answers the OAuth error "invalid_client"  | invalid_client       | 1     |
        | answers 401 with no body                  | provider_unavailable | 1     |

    @faults-resource
    Scenario Outline: A vendor API that <fault> gives "<code>" and keeps everything
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice
      And the provider's resource API keeps failing: <fault>
      When Alice lists her databases
      Then it is refused with "<code>"
      And her connection and tokens are exactly as they were

      Examples:
        | fault                      | code                 |
        | answers 500                | provider_unavailable |
        | answers 503                | provider_unavailable |
        | answers 429                | provider_unavailable |
        | is rate limited            | provider_unavailable |
        | answers garbage            | provider_error       |
        | answers too late           | provider_unavailable |
        | drops the connection       | provider_unavailable |

    @faults-revocation @rfc7009
    Scenario Outline: A revocation endpoint that <fault> still disconnects, and queues the revocation
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice
      And the provider's revocation endpoint keeps failing: <fault>
      When Alice disconnects her MySQL account
      Then nothing of her connection is stored but 2 revocations waiting

      Examples:
        | fault                      |
        | answers 500                |
        | answers 503                |
        | is rate limited            |
        | answers too late           |
        | drops the connection       |

    @faults-authorization
    Scenario: An authorization endpoint that answers 500 leaves the user at the provider's error, not connected
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      And the provider's authorization endpoint keeps failing: answers 500
      When Carol goes to the provider
      Then the provider shows her an error page
      And she is not connected, and her attempt is still usable once the provider is back

  Rule: retries happen only where they are safe, bounded, honouring Retry-After

    Discovery, the keys, the vendor API and revocation may be retried after a
    network error, 429, 502, 503 or 504; a 500 is not retried. A refresh is
    sent again only after 503 or 429, the answers that say the provider did
    not process it, and at most 3 times in all; the code exchange never. A
    Retry-After of 30 seconds or more ends the retries at once and is passed
    on to the caller: the provider's rate limit asks for up to a minute, so a
    rate-limited request is sent once.

    @retries
    Scenario: A single failure of the vendor API is retried, and the user never notices
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice
      And the provider's resource API will answer 503 once
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And the vendor API answered 503 then 200

    @retries
    Scenario: A refresh the provider did not process (503) is sent again; one it may have processed (500) is not
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice, with an access token that has expired
      And the provider's token endpoint will answer 503 once, then 500 once
      When Alice lists her databases
      Then it is refused with "provider_unavailable"
      And the provider received 2 refresh requests
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"

    @retries @rate-limits
    Scenario: A Retry-After longer than the integration waits ends the retries, and is passed on
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice
      And the provider's resource API will answer 429 with "Retry-After: 120"
      When Alice lists her databases
      Then it is refused with "provider_unavailable"
      And the answer says to retry after 120 seconds
      And the vendor API received 1 request

    @retries @rate-limits
    Scenario: A rate-limited vendor API is not hammered
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice
      And the provider's resource API allows 2 requests a minute
      When Alice lists her databases 5 times, one after another
      Then 2 of the calls succeed and 3 are refused with "provider_unavailable"
      And the vendor API received 5 requests
