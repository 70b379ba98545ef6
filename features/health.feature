@health
Feature: The integration tells its operator it is alive

  A load balancer or orchestrator asks a service whether it is alive before
  sending it users. The answer must be cheap, must not depend on the
  provider, and must carry nothing secret.

  @design-contract
  Scenario: The liveness check answers without a session
    When a client without session asks for "/healthz"
    Then the answer is 200 with the status "ok"
