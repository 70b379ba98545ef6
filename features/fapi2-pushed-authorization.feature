@fapi2 @par @rfc9126
Feature: The authorization request goes by PAR, and nothing else is in the front channel

  With pushed authorization requests (RFC 9126) the integration sends the
  whole authorization request to the provider in the back channel, with its
  client authentication, and the browser carries only the client id and the
  request URI the provider answered. The request's state, nonce and PKCE
  challenge never pass through the browser, so they cannot be read or
  changed there. The integration pushes when it is configured to, and always
  when the provider's metadata says it requires it.

  Background:
    Given Carol is signed in to the integration

  Rule: when configured, every request is pushed with client authentication

    @in-process
    Scenario: Configured to push, against a provider that offers PAR
      Given the integration pushes its authorization requests
      When Carol connects her MySQL account as alice
      Then Carol is connected to the account "Alice Liddell"
      And the provider received one pushed authorization request, authenticated as "client_secret_basic"
      And her browser was sent to the provider with only the client id and the request URI

    Scenario: A provider that requires PAR gets it without being configured (its metadata says so)
      Given the vendor runs the FAPI 2.0 profile, and the integration uses private_key_jwt and DPoP
      When Carol connects her MySQL account as alice
      Then Carol is connected to the account "Alice Liddell"
      And the provider received one pushed authorization request, authenticated as "private_key_jwt"
      And her browser was sent to the provider with only the client id and the request URI

  Rule: a refused or failing push is a clear error, and the browser goes nowhere

    @in-process
    Scenario Outline: The PAR endpoint answers <status> "<error>"
      Given the integration pushes its authorization requests
      And the provider's pushed authorization request endpoint will answer <status> "<error>"
      When Carol tries to start connecting
      Then she is refused by the integration with "<code>"
      And no authorization request is made

      Examples:
        | status | error                  | code                         |
        | 400    | invalid_request        | pushed_authorization_refused |
        | 400    | invalid_redirect_uri   | pushed_authorization_refused |
        | 401    | invalid_client         | invalid_client               |
        | 503    | temporarily_unavailable | provider_unavailable        |
        | 500    | server_error           | provider_error               |

    Scenario Outline: The PAR endpoint of a FAPI 2.0 vendor fails with <status>

      Any integration is held to what the contract states of it: the user is
      refused with a stable code of the contract (section 4.2), and the
      browser is not sent to the provider. Which code each failure is, the
      outline above holds of ours alone.

      Given the vendor runs the FAPI 2.0 profile, and the integration uses private_key_jwt and DPoP
      And the provider's pushed authorization request endpoint will answer <status> "<error>" to every request
      When Carol tries to start connecting
      Then she is refused by the integration with a stable code
      And no authorization request is made

      Examples:
        | status | error                   |
        | 503    | temporarily_unavailable |
        | 500    | server_error            |

  Rule: a request URI is good for a short time only

    @in-process
    Scenario: The request URI expired while Carol was away
      Given the integration pushes its authorization requests
      When Carol connects as alice after 120 seconds at the provider
      Then the provider shows her that the request URI is no longer valid
      And nothing is stored for her

    @in-process
    Scenario: A provider that sends the browser back with invalid_request_uri
      Given she has started connecting her MySQL account
      When the provider answers the request with "invalid_request_uri"
      Then she is refused by the integration with "authorization_request_expired"
      And nothing is stored for her
