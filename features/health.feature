@health
Feature: The integration tells its operator it is alive

  A load balancer or orchestrator asks a service whether it is alive before
  sending it users. The answer must be cheap, must not depend on the
  provider, and must carry nothing secret.

  Readiness asks whether the provider's metadata is at hand, and anyone may
  ask it, often. So it answers from what the integration last learned: the
  discovery cache while it is fresh, and, once a fetch has failed, that
  failure until a backoff period has passed (ours: 5 seconds, doubling with
  each failure in a row up to 60, or the provider's Retry-After when it is
  longer, up to 300). A failing provider is then asked at most once per
  backoff period, however many probes arrive (contract 3.6). Our discovery
  cache must be kept for at least a minute, since it is what keeps the
  probes off a working provider.

  @design-contract
  Scenario: The liveness check answers without a session
    When a client without session asks for "/healthz"
    Then the answer is 200 with the status "ok"

  Rule: readiness does not hammer a failing provider (contract 3.6)

    The scenarios need an integration that has not yet fetched discovery:
    they run in-process only.

    @in-process
    Scenario: While discovery fails, readiness asks the provider again only once the backoff has passed
      Given the provider's discovery is down
      When clients without session ask for "/readyz" 20 times
      Then every readiness answer is 503 with the provider "down"
      And the integration has fetched the provider's discovery document 1 time in all
      When 3 seconds pass
      And clients without session ask for "/readyz" 20 times
      Then every readiness answer is 503 with the provider "down"
      And the integration has fetched the provider's discovery document 1 time in all
      When 3 seconds pass
      And clients without session ask for "/readyz" 20 times
      Then every readiness answer is 503 with the provider "down"
      And the integration has fetched the provider's discovery document 2 times in all
      When the provider's discovery is back
      And 11 seconds pass
      And a client without session asks for "/readyz"
      Then the readiness answer is 200 with the provider "up" and the store "up"

    @in-process @rfc9110-10.2.3
    Scenario: A provider's Retry-After is honoured by readiness and by users alike
      Given the provider's discovery is down, asking to be asked again in 120 seconds
      When clients without session ask for "/readyz" 20 times
      Then every readiness answer is 503 with the provider "down"
      And the provider received 1 discovery request in all
      Given Carol is signed in to the integration
      When Carol tries to start connecting her MySQL account
      Then it is refused with "provider_unavailable"
      And the refusal asks to retry in 120 seconds at most, and at least 110
      And the provider received 1 discovery request in all
      When 100 seconds pass
      And clients without session ask for "/readyz" 20 times
      Then the provider received 1 discovery request in all
      When the provider's discovery is back
      And 21 seconds pass
      And a client without session asks for "/readyz"
      Then the readiness answer is 200 with the provider "up" and the store "up"

    @in-process @configuration
    Scenario: A discovery cache shorter than a minute is refused at start
      Given the integration's environment sets DISCOVERY_TTL_SECONDS to "0"
      When the configuration is checked
      Then it is refused because "DISCOVERY_TTL_SECONDS must be a whole number from 60 to 86400."
