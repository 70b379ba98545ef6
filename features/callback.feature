@callback @flow
Feature: The callback accepts only the answer to our own request

  The callback is where an attacker tries to slip a code or an error into
  someone else's session. The integration acts on a callback only when it
  answers an authorization request that this browser started, from the
  provider it started it with, and only once. First it reads the query
  strictly (a repeated, badly encoded or overlong parameter is refused as
  malformed) and requires a signed-in browser; then it checks, in this
  order, the issuer, the state, the provider's error, and only then the code.
  The state is spent only once it is proven to be this browser's own: a
  refusal for the query, the session, the issuer or another browser's state
  leaves the attempt usable for the genuine callback, while an error callback
  or a failed code exchange spends it. A callback that arrives again after it
  connected lands the user where the first one did (its return_to, or the
  home page), with no second token request.

  Background:
    Given Carol is signed in to the integration
    And she has started connecting her MySQL account

  Rule: the state must be the one this session sent, and only once (RFC 9700 4.7.1, 2.1)

    @rfc9700 @csrf @state
    Scenario: A callback replayed after it connected makes no second token request, and just lands the user
      Given Carol has completed connecting as alice
      When the same callback arrives again
      Then she lands on "/"
      And no token request is made

    @rfc9700 @csrf @state
    Scenario: A reused state is refused when its first use did not connect
      Given the provider has sent Carol back with a code
      And someone has already redeemed that code
      And Carol's browser has delivered the callback, in vain
      When the same callback arrives again
      Then it is refused with "state_already_used"
      And no token request is made

    @rfc9700 @referer
    Scenario: The callback page sends no Referer, so the code never leaks from it
      When Carol's browser delivers the callback the provider sent
      Then the answer tells the browser to send no Referer

    @rfc9700 @referer
    Scenario: A refused callback sends no Referer either
      When a callback arrives with a state the integration never issued
      Then the answer tells the browser to send no Referer

    @rfc9700 @csrf @state
    Scenario: A state from another browser session is refused
      Given Mallory is signed in to the integration
      When Mallory's browser delivers Carol's callback
      Then it is refused with "state_mismatch"
      And no token request is made
      And Carol's pending authorization is still usable

    @rfc9700 @csrf @state @fapi2-security-profile-final-client-test-ensure-authorization-response-with-invalid-state-fails
    Scenario: A state the integration never issued is refused
      When a callback arrives with a state the integration never issued
      Then it is refused with "state_unknown"
      And no token request is made

    @rfc9700 @csrf @state @fapi2-security-profile-final-client-test-ensure-authorization-response-with-invalid-missing-state-fails
    Scenario: A callback without state is refused
      When a callback arrives without a state
      Then it is refused with "state_missing"
      And no token request is made

    @rfc9700 @state @needs-clock
    Scenario: A state older than the pending authorization's lifetime is refused
      Given the provider has sent Carol back with a code
      And her pending authorization has outlived its lifetime
      When Carol's browser delivers the callback
      Then it is refused with "state_expired"
      And no token request is made

    @state
    Scenario: A callback in a browser that is not signed in is refused
      When Dave's browser, not signed in, delivers Carol's callback
      Then it is refused with "session_required"
      And no token request is made
      And Carol's pending authorization is still usable

  Rule: the issuer must be the one we sent the user to (RFC 9207 2.4, RFC 9700 4.4.2)

    @rfc9207 @mix-up @fapi2-security-profile-final-client-test-invalid-authorization-response-iss
    Scenario: A callback naming another issuer is refused
      When the callback arrives with the issuer "https://attacker.example"
      Then it is refused with "issuer_mismatch"
      And no token request is made

    @rfc9207 @mix-up @fapi2-security-profile-final-client-test-remove-authorization-response-iss
    Scenario: A callback without issuer is refused when the provider promises to send one
      When the callback arrives without the issuer
      Then it is refused with "issuer_missing"
      And no token request is made

    @rfc9207 @mix-up
    Scenario: The issuer is checked before the state, so a forged callback cannot burn it
      When the callback arrives with the issuer "https://attacker.example"
      Then it is refused with "issuer_mismatch"
      And Carol's pending authorization is still usable

  Rule: every error the provider may send is shown for what it is (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6)

    @rfc6749-4.1.2.1 @oidcc-3.1.2.6
    Scenario Outline: The provider answers <error>
      When the provider answers the request with "<error>"
      Then Carol sees the "<error>" page telling her <advice>
      And no token request is made
      And nothing is stored for her

      Examples: the user or policy said no
        | error                     | advice                               |
        | access_denied             | "You declined the access"            |
        | invalid_scope             | "Contact the integration's administrator" |
        | unauthorized_client       | "Contact the integration's administrator" |
        | unsupported_response_type | "Contact the integration's administrator" |
        | invalid_request           | "Contact the integration's administrator" |

      Examples: the provider is having trouble
        | error                   | advice                 |
        | server_error            | "try again later"      |
        | temporarily_unavailable | "try again shortly"    |

      Examples: the provider needs the user (OpenID Connect)
        | error                | advice                            |
        | login_required       | "sign in at the provider"         |
        | consent_required     | "approve the access"              |
        | interaction_required | "complete the steps at the provider" |

    @rfc6749-4.1.2.1
    Scenario: Denying at the provider's consent page shows access_denied
      When Carol denies the access at the provider
      Then Carol sees the "access_denied" page telling her "You declined the access"
      And nothing is stored for her

    @rfc6749-4.1.2.1
    Scenario: An error the RFC does not define is shown as a failed authorization
      When the provider answers the request with "vendor_meltdown"
      Then Carol sees the "authorization_failed" page telling her "Start the connection again"
      And nothing is stored for her

    @rfc6749-4.1.2.1 @xss
    Scenario: The provider's error_description is shown escaped
      When the provider answers the request with "access_denied" described as "<script>alert('owned')</script>"
      Then Carol sees the description "<script>alert('owned')</script>" as text, not markup

    @rfc6749-4.1.2.1 @state
    Scenario: An error callback ends the attempt, so its state cannot be used again
      Given the provider has answered the request with "access_denied"
      When the same callback arrives again
      Then it is refused with "state_already_used"

  Rule: a successful callback carries a code (RFC 6749 4.1.2)

    @rfc6749-4.1.2
    Scenario: A callback without code or error is refused
      When a callback arrives without a code
      Then it is refused with "code_missing"
      And no token request is made

  Rule: an error page quotes nothing the request made up (docs/decisions.md, error-page-quotes-nothing)

    A refusal says what went wrong in the integration's own words: a
    parameter name or a path someone put in a link is never shown back, so
    no one can make the integration's page say "Your session expired, sign
    in at evil.example".

    @xss
    Scenario: A repeated parameter is refused without its name quoted back
      When Carol's browser is sent to the callback with the parameter "Your session expired, sign in at evil.example" twice
      Then she sees an error page that does not say "evil.example"

    @xss
    Scenario: An overlong parameter is refused without its name quoted back
      When Carol's browser is sent to the callback with the parameter "Your session expired, sign in at evil.example" 3000 characters long
      Then she sees an error page that does not say "evil.example"

    @xss
    Scenario: An unknown address is refused without the path quoted back
      When Carol's browser goes to "/Your-session-expired.-Sign-in-at-evil.example"
      Then she sees an error page that does not say "evil.example"
