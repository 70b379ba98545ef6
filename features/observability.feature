@observability
Feature: What the integration does can be seen in its logs and metrics, and nothing secret can

  An operator needs to follow one user's connect through the logs, see in
  the metrics how many flows succeed and why others fail, and know when
  the integration cannot serve. None of it may carry a token, secret, key
  or code: after every scenario of this suite, the harness reads every log
  line the integration wrote and fails the scenario if any such value it
  saw appears in one.

  Rule: every line of a flow can be found by its request id and flow id

    A caller's X-Request-Id of 8 to 64 letters, digits, dots, dashes or
    underscores is kept and answered back; any other value is replaced by an
    id of the integration's own, and every answer carries its request id.

    @logging @needs-logs
    Scenario: Every log line of a request carries its request id, and the flow id once the flow is known
      Given Alice is signed in to the integration
      When Alice connects her MySQL account as alice
      Then every log line of her connect carries a request id
      And the lines of the authorization request and of the callback carry the same flow id

    @logging @needs-logs
    Scenario: A request id sent by the caller is kept, answered and logged
      Given Alice is signed in to the integration
      When Alice asks for her connection status with the request id "support-ticket-4711"
      Then the answer carries the request id "support-ticket-4711"
      And a log line of that request carries it too

    @request-ids
    Scenario: A sane request id is answered back, and every answer carries a request id
      Given Alice is signed in to the integration
      Then the answer carries a request id of 8 to 64 letters, digits, dots, dashes or underscores
      When Alice asks for her connection status with the request id "support-ticket-4711"
      Then the answer carries the request id "support-ticket-4711"
      When Alice asks for her connection status with the request id "a.B_9-z.12345678"
      Then the answer carries the request id "a.B_9-z.12345678"
      When Alice's browser opens a path where nothing is
      Then the answer carries a request id of 8 to 64 letters, digits, dots, dashes or underscores

    # A line break cannot be tried: HTTP clients refuse to send one in a header, and a folded header line
    # (a line break, then a space) is refused with 400 by Node's HTTP parser before any integration sees it.
    @request-ids
    Scenario Outline: Any other request id is replaced by the integration's own: one <request id>
      Given Alice is signed in to the integration
      When Alice asks for her connection status with a request id <request id>
      Then the answer carries a request id of 8 to 64 letters, digits, dots, dashes or underscores, not the one sent

      Examples:
        | request id                 |
        | with a space               |
        | with a double quote        |
        | with a slash               |
        | of 7 characters            |
        | of 65 characters           |

  Rule: the metrics move as flows happen

    Provider calls are timed by endpoint (discovery, jwks, token, revocation,
    resource) and status, the status "error" standing for a timeout or a
    network failure; refusals of our own limits count by route group
    (sign_in, connect, callback, api).

    @metrics @needs-metrics
    Scenario: A completed connect counts as started and completed, and times the provider's endpoints
      Given Alice is signed in to the integration
      When Alice connects her MySQL account as alice
      Then the metric "oauth_flows_started_total" went up by 1
      And the metric "oauth_flows_completed_total" went up by 1
      And the metric "oauth_provider_request_duration_seconds_count" for the endpoint "token" and status "200" went up by 1

    @metrics @needs-metrics
    Scenario: A failed connect counts under its error code
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      When Carol denies the access at the provider
      Then the metric "oauth_flows_failed_total" for the code "access_denied" went up by 1
      And the metric "oauth_flows_completed_total" did not move

    @metrics @needs-metrics @state
    Scenario: A callback replayed after it connected is not another completed flow
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      And Carol has completed connecting as alice
      When the same callback arrives again
      Then she lands on "/"
      And the metric "oauth_flows_completed_total" went up by 1

    # oauth_callback_replays_total is ours alone (contract 8.4), so this is checked in-process only.
    @metrics @in-process @state
    Scenario: Ours counts a callback replayed after it connected as a replay
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      And Carol has completed connecting as alice
      When the same callback arrives again
      Then she lands on "/"
      And the metric "oauth_callback_replays_total" went up by 1

    @metrics @needs-metrics
    Scenario: A provider call that times out is timed under the status "error"
      Given Carol is signed in to the integration
      And she has started connecting her MySQL account
      And the provider's token endpoint keeps failing: answers too late
      When Carol approves at the provider as alice
      Then she is refused with "provider_unavailable"
      And the metric "oauth_provider_request_duration_seconds_count" for the endpoint "token" and status "error" went up by 1
      And the metric "oauth_flows_completed_total" did not move

    @metrics @needs-metrics
    Scenario: Refreshes count by outcome
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice, with an access token that has expired
      When Alice lists her databases
      Then the metric "oauth_token_refreshes_total" for the outcome "success" went up by 1

    @metrics @rate-limits @in-process
    Scenario: Requests our limits refuse are counted
      Given the integration allows 1 API calls a minute per session
      And Alice is signed in to the integration
      When Alice asks for her connection status 3 times
      Then the metric "http_rate_limited_total" for the route "api" went up by 2

  Rule: liveness and readiness tell an orchestrator whether to send users

    Liveness asks nothing of the provider. Readiness asks whether the
    provider's metadata is at hand and the store answers; since anyone may
    ask it, it fetches discovery no more often than the integration's cache
    does, so outsiders cannot spend the provider's limits to take instances
    out of the load balancer.

    @health
    Scenario: The integration is ready when the provider and the store answer
      When a client without session asks for "/readyz"
      Then the readiness answer is 200 with the provider "up" and the store "up"

    @health
    Scenario: Anonymous readiness checks do not spend the provider's limits
      Given the provider allows 1 discovery request a minute
      When clients without session ask for "/readyz" 30 times
      Then every readiness answer is 200 with the provider "up"
      And the provider's discovery document was fetched at most once

    @health @in-process
    Scenario: Readiness turns false while the provider is down, and liveness does not
      Given the provider's discovery is down
      When a client without session asks for "/readyz"
      Then the readiness answer is 503 with the provider "down" and the store "up"
      When a client without session asks for "/healthz"
      Then the answer is 200 with the status "ok"
