@test-hooks @in-process
Feature: Test hooks exist only in test mode, and answer only callers on this machine

  An integration may offer hooks under /__test that move its clock, retry
  its revocations and read its logs (docs/contract.md, section 9.1). They
  exist only when it is started in test mode (ours: TEST_HOOKS=true, allowed
  only when it listens on loopback), and even then answer only callers on
  loopback: anywhere else /__test is a path where nothing is, answered 404,
  and the clock does not move.

  These scenarios restart our integration with a setting of their own, and
  reach it from an address other than loopback: they run in-process only.

  Scenario Outline: Out of test mode there is nothing at /__test: TEST_HOOKS <setting>
    Given the integration runs with TEST_HOOKS <setting>
    When a caller on loopback sends
      | method | path                      | body                   |
      | GET    | /__test                   |                        |
      | POST   | /__test/clock             | {"advanceSeconds": 60} |
      | POST   | /__test/revocations/retry | {}                     |
      | GET    | /__test/logs              |                        |
    Then each is answered 404
    And the integration's time has moved 0 seconds ahead of the harness's

    Examples:
      | setting          |
      | unset            |
      | set to "false"   |

  Scenario: In test mode the hooks answer a caller on loopback
    Given the integration runs with TEST_HOOKS set to "true"
    When a caller on loopback sends
      | method | path                      | body                   |
      | GET    | /__test                   |                        |
      | POST   | /__test/clock             | {"advanceSeconds": 60} |
      | POST   | /__test/revocations/retry | {}                     |
      | GET    | /__test/logs              |                        |
    Then each is answered 2xx
    And the integration's time has moved 60 seconds ahead of the harness's

  Scenario: In test mode the hooks refuse a caller that is not on loopback
    Given the integration runs with TEST_HOOKS set to "true"
    And it is also served at this machine's own address on its network
    When a caller from that address sends
      | method | path                      | body                   |
      | GET    | /__test                   |                        |
      | POST   | /__test/clock             | {"advanceSeconds": 60} |
      | POST   | /__test/revocations/retry | {}                     |
      | GET    | /__test/logs              |                        |
    Then each is answered 404
    And the integration's time has moved 0 seconds ahead of the harness's
