@design-mock @control-api @no-servers @in-process
Feature: The mock is driven the same way in-process and remotely, and is as strict as real providers

  The harness changes the mock through one driver: function calls when the
  mock runs in the test process, its `/__control` HTTP API when it runs
  alone. These scenarios run a mock alone (in this process, with its control
  API on) and drive it over HTTP, as a remote run does, so each control is
  shown to reach the mock and to come back on reset. They also show the
  strict behaviours the mock starts with, which a lenient provider would
  hide: separate grants, revocation of one token at a time, tokens bound to
  their API.

  Scenario: Reset puts every control back to where the mock started
    Given a mock run alone, driven through its control API
    And the harness has changed every control of the mock
    When the harness resets the mock
    Then the mock is as it started, but for the time that has passed
    And the control API's own reset puts the clock back too

  Scenario Outline: The control API answers only a loopback caller that names the mock by a loopback host and its port
    Given a mock run alone, driven through its control API
    Then a control call naming the mock "<host>" is answered <status>

    Examples:
      | host                    | status |
      | 127.0.0.1:<port>        | 200    |
      | localhost:<port>        | 200    |
      | [::1]:<port>            | 200    |
      | attacker.example:<port> | 403    |
      | 127.0.0.1:1             | 403    |
      | localhost               | 403    |

  Scenario Outline: A malformed or unknown control is refused with a stable code, never a 500
    Given a mock run alone, driven through its control API
    When the harness sends <body> to the control "<route>"
    Then the control is refused with <status> "<error>"

    Examples:
      | route                | body                                               | status | error           |
      | faults               | {"endpoint": "token", "status": "soon"}            | 400    | invalid_request |
      | faults               | {"endpoint": "token", "times": 1                   | 400    | invalid_request |
      | tamperings           | {"changes": [{"kind": "swap-everything"}]}         | 400    | invalid_request |
      | modes                | {"resourceBasePath": "/token"}                     | 400    | invalid_request |
      | clock                | {"advanceSeconds": -5}                             | 400    | invalid_request |
      | clock                | {"advanceSeconds": 5, "skewSeconds": 5}            | 400    | invalid_request |
      | keys/withdraw        | {"kid": "no-such-key"}                             | 404    | unknown_key     |
      | access-tokens/revoke | {"token": "no-such-token"}                         | 404    | unknown_token   |
      | reset/now            | {}                                                 | 404    | not_found       |

  Scenario: The in-process driver refuses what the control API refuses
    Given a mock run alone, driven through its control API
    Then the in-process driver refuses a tampering of the kind "swap-everything"
    And the in-process driver refuses the resource base path "/token"

  Scenario: A signing key is rotated in, then the old one is withdrawn from the JWKS
    Given a mock run alone, driven through its control API
    When the harness rotates in a new signing key
    And the harness withdraws the RS256 key it replaced
    Then the JWKS publishes the new key and the ES256 key, and not the withdrawn one
    And the next ID token is signed by the new key

  Scenario: Named tamperings all change the next token response, and only that one
    Given a mock run alone, driven through its control API
    When the harness asks for an ID token whose header says "at+jwt", issued a year ahead, in a response without "expires_in"
    Then the next token response has an ID token whose header says "at+jwt", issued a year ahead, and no "expires_in"
    And the token response after it is untouched

  Scenario: An answer held by a delay goes on as soon as the harness lets it go
    Given a mock run alone, driven through its control API
    And the mock holds its next discovery answer for a minute
    When a client asks for the discovery document, and the harness lets the held answer go
    Then the client gets the discovery document, and the mock let go of exactly one answer

  Scenario: Revoking one token leaves every other token alive
    Given a mock run alone, driven through its control API
    And alice has authorized the client twice at the mock
    When the client revokes the second refresh token
    Then the first access token and the first refresh token are still active
    And the second access token is still active
    And the second refresh token is not

  Scenario: Two consents make two grants, so ending one grant leaves the other alive
    Given a mock run alone, driven through its control API
    And the mock revokes whole grants
    And alice has authorized the client twice at the mock
    When the client revokes the second refresh token
    Then the first access token and the first refresh token are still active
    And the second access token is not active

  Scenario: With oidc-provider's own behaviour a revocation ends the whole reused grant
    Given a mock run alone, driven through its control API
    And the mock reuses grants and revokes them whole
    And alice has authorized the client twice at the mock
    When the client revokes the second refresh token
    Then none of the four tokens is active

  Scenario: The resource API takes only tokens issued to the client for it
    Given a mock run alone, driven through its control API
    And alice has authorized the client once at the mock
    Then the resource API answers 200 to her access token
    And it answers 401 "invalid_token" to a live token of hers that names no audience
    And it answers 401 "invalid_token" to a live token of hers issued to another client

  Scenario: The resource API moves under a base path, and nothing answers at the old one
    Given a mock run alone, driven through its control API
    And alice has authorized the client once at the mock
    When the harness moves the resource API to "/vendor/v1"
    Then the resource API answers 200 to her access token at "/vendor/v1/databases"
    And the mock answers 404 to her access token at "/v1/databases"

  Scenario: The mock's login and consent pages cannot be framed
    Given a mock run alone, driven through its control API
    When alice authorizes the client once at the mock
    Then every login and consent page she saw forbids framing

  Scenario: The mock's clock runs ahead of the integration's, and both move when time passes
    Given a mock run alone, driven through its control API
    When the harness skews the mock's clock 300 seconds ahead
    Then the mock's clock is 300 seconds ahead of the integration's
    When the harness moves time 3600 seconds forward
    Then the mock's clock is still 300 seconds ahead of the integration's
    And the integration's clock has moved 3600 seconds

  Scenario: Two mocks in one process keep two clocks
    Given a mock run alone, driven through its control API
    And a second mock run alone beside it
    And alice has authorized the client once at each mock
    When 7200 seconds pass for the first mock only
    Then her access token from the first mock is no longer active
    And her access token from the second mock is still active
    And the second mock's clock has not moved

  Scenario: The contract lists exactly the mock's controls
    Given a mock run alone, driven through its control API
    Then the mock lists each control of its table, and nothing else
    And contract 10.2 lists each control of the table, and nothing else

  Rule: a control that changes something is taken only from the mock's own site, as JSON (contract 10.2)

    A page that QA's browser opens can send a cross-site form or text/plain
    POST to any address without asking first; a JSON one it cannot.

    Scenario Outline: A reset sent <how> is refused, and the mock keeps its state
      Given a mock run alone, driven through its control API
      And the harness has scripted 3 failures of the token endpoint
      When a request to reset the mock arrives as "<type>", with the Origin "<origin>" and the Sec-Fetch-Site "<site>"
      Then the control is refused with <status> "<error>"
      And 3 failures of the token endpoint are still scripted

      Examples:
        | how                                    | type                              | origin                   | site        | status | error                  |
        | by another site's page, as text/plain  | text/plain                        | https://attacker.example | cross-site  | 403    | cross_site_request     |
        | by another site's page, as JSON        | application/json                  | https://attacker.example | (none)      | 403    | cross_site_request     |
        | from another site, by its fetch header | application/json                  | (none)                   | cross-site  | 403    | cross_site_request     |
        | from another port of localhost         | application/json                  | http://localhost:3000    | same-site   | 403    | cross_site_request     |
        | as text/plain, from nowhere else       | text/plain                        | (none)                   | (none)      | 415    | unsupported_media_type |
        | as a form                              | application/x-www-form-urlencoded | (none)                   | (none)      | 415    | unsupported_media_type |

    Scenario: A reset sent as JSON from the mock's own page is taken
      Given a mock run alone, driven through its control API
      And the harness has scripted 3 failures of the token endpoint
      When a request to reset the mock arrives as "application/json", with the Origin "(the mock's own)" and the Sec-Fetch-Site "same-origin"
      Then the control is answered 204
      And no failure of the token endpoint is scripted any more
