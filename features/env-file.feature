@configuration @process @in-process
Feature: Settings can come from an env file

  A developer copies .env.example to .env and fills it in. The
  integration's entry points read that file (ENV_FILE names another one),
  but a variable already set in the environment wins over the file, so an
  operator's environment is never overridden by a file left lying around.

  Scenario: A setting the environment lacks comes from the env file; one it sets wins over the file
    Given the integration's environment sets SESSION_KEYS to ""
    And the integration's environment sets LOG_LEVEL to "warn"
    And an env file holds:
      """
      SESSION_KEYS=too-short
      LOG_LEVEL=chatty
      """
    When the integration is started as its own process
    Then it exits with status 1
    And it says "SESSION_KEYS must be comma-separated secrets of at least 32 characters each."
    And it does not say "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent."
