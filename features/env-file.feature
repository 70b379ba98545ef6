@configuration @process @in-process
Feature: Settings can come from an env file

  A developer copies .env.example to .env and fills it in. The
  integration's entry points read that file, the one at the application's
  root, wherever they are started from (ENV_FILE names another one), but a
  variable already set in the environment wins over the file, so an
  operator's environment is never overridden by a file left lying around.
  A variable set to empty wins too, and reads as unset: since that hides
  the file's value without a word, the integration names the variable in a
  warning, never its value.

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

  Scenario: The default env file is the application's own, not one in the directory it was started from
    Given the integration's environment sets ENV_FILE to ""
    And the integration's environment sets SESSION_KEYS to ""
    And the integration's environment sets LOG_LEVEL to "chatty"
    And the working directory holds a .env file:
      """
      SESSION_KEYS=too-short
      """
    When the integration is started as its own process from that directory
    Then it exits with status 1
    And it says "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent."
    And it does not say "SESSION_KEYS must be comma-separated secrets of at least 32 characters each."

  Scenario: A variable set to empty in the environment hides the file's value, and the integration says so without the value
    Given the integration's environment sets LOG_LEVEL to "chatty"
    And the integration's environment sets DPOP to the empty string
    And the integration's environment sets CLIENT_SECRET to the empty string
    And an env file holds:
      """
      DPOP=true
      CLIENT_SECRET=env-file-secret-6c1f0e9a
      """
    When the integration is started as its own process
    Then it exits with status 1
    And it warns, in one line, that DPOP is empty in the environment and hides the env file's value
    And it warns, in one line, that CLIENT_SECRET is empty in the environment and hides the env file's value
    And its output never shows "env-file-secret-6c1f0e9a"
