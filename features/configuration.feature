@configuration @in-process
Feature: The integration refuses to start on a configuration it cannot run safely

  The integration is configured only by environment variables. A mistake
  there (a missing secret, a short key, plain HTTP to a remote provider)
  must stop it at start with one sentence per problem that an operator can
  act on, not a stack trace, and not a half-working service that fails on
  the first user.

  Rule: each problem is named in one sentence

    @design-configuration
    Scenario Outline: <variable> set to "<value>" is refused
      Given the integration's environment sets <variable> to "<value>"
      When the configuration is checked
      Then it is refused because "<problem>"

      @rfc6749-3.1.2.1 @rfc9700
      Examples: the provider and the client registration
        | variable     | value                         | problem                                                                       |
        | ISSUER_URL   |                               | ISSUER_URL is required.                                                        |
        | ISSUER_URL   | not a url                     | ISSUER_URL must be an absolute URL.                                            |
        | ISSUER_URL   | http://provider.example       | ISSUER_URL must use https: (plain http: is allowed only on loopback addresses). |
        | REDIRECT_URI | http://app.example/callback   | REDIRECT_URI must use https: (plain http: is allowed only on loopback addresses). |
        | REDIRECT_URI | https://app.example/cb#frag   | REDIRECT_URI must have no fragment.                                            |
        | CLIENT_SECRET |                              | CLIENT_SECRET is required.                                                     |
        | SCOPES       | profile databases:read        | SCOPES must include "openid".                                                  |

      Examples: the secrets
        | variable              | value          | problem                                                                   |
        | TOKEN_ENCRYPTION_KEYS | k1:c2hvcnQ     | TOKEN_ENCRYPTION_KEYS: key "k1" must be 32 random bytes in base64url.     |
        | TOKEN_ENCRYPTION_KEYS | no-kid         | TOKEN_ENCRYPTION_KEYS: each entry must be kid:key, with a kid of letters, digits, "-" or "_". |
        | SESSION_KEYS          | too-short      | SESSION_KEYS must be comma-separated secrets of at least 32 characters each. |

      Examples: the service
        | variable            | value  | problem                                                   |
        | PORT                | 99999  | PORT must be a whole number from 0 to 65535.              |
        | LOG_LEVEL           | chatty | LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent. |
        | PROVIDER_TIMEOUT_MS | 0      | PROVIDER_TIMEOUT_MS must be a whole number from 100 to 120000. |

    @design-configuration
    Scenario: A remote provider over HTTPS is accepted
      Given the integration's environment sets ISSUER_URL to "https://mysql-cloud.example"
      And the integration's environment sets REDIRECT_URI to "https://app.example/oauth/callback"
      When the configuration is checked
      Then it is accepted

    @design-configuration
    Scenario: The test hooks are refused unless the integration listens on loopback only
      Given the integration's environment sets TEST_HOOKS to "true"
      And the integration's environment sets HOST to "0.0.0.0"
      When the configuration is checked
      Then it is refused because "TEST_HOOKS=true is refused unless HOST is a loopback address (127.0.0.1, ::1 or localhost): the test hooks move the clock and read the logs."

    @design-configuration
    Scenario: The test hooks on loopback are accepted
      Given the integration's environment sets TEST_HOOKS to "true"
      And the integration's environment sets HOST to "::1"
      When the configuration is checked
      Then it is accepted

    @process @design-configuration
    Scenario: Starting with several problems lists them all, without a stack trace
      Given the integration's environment sets CLIENT_SECRET to ""
      And the integration's environment sets SESSION_KEYS to "too-short"
      When the integration is started as its own process
      Then it exits with status 1
      And it says "CLIENT_SECRET is required."
      And it says "SESSION_KEYS must be comma-separated secrets of at least 32 characters each."
      And it prints no stack trace

  Rule: each setting is described once, beside its schema entry, and the README and .env.example follow

    @design-configuration
    Scenario: The README's settings table and .env.example describe exactly the settings the integration reads
      When the settings' descriptions are rendered from the configuration's schema
      Then the README's settings table is exactly what they render
      And .env.example is exactly what they render

  Rule: configured by the environment alone, it works with the provider it discovers

    @process @discovery
    Scenario: The integration started alone connects against the provider it discovered
      Given the integration runs as its own process, configured only by its environment
      And Carol is signed in to the integration
      When Carol connects her MySQL account as alice
      Then she is connected to the account "Alice Liddell"
