@bad-input
Feature: Bad input gets a clear refusal, never a crash

  The callback and the sign-in form take input from the open web: from
  browsers, from broken providers and from attackers probing for a stack
  trace. Each malformed request gets a 4xx with a stable error code and a
  page that says what went wrong; none gets a 500, and none changes
  anything that is stored.

  Background:
    Given Carol is signed in to the integration
    And she has started connecting her MySQL account

  Rule: a malformed callback is refused before anything is looked up (RFC 6749 3.1: no parameter more than once)

    Parameters are named exactly, each at most once: "state[]" is not the
    state, so a callback carrying only that has no state. A value longer than
    2048 characters, or a query longer than 8192, is malformed, as is invalid
    percent-encoding or UTF-8. None of these spends the attempt.

    @rfc6749-3.1
    Scenario Outline: A callback with <problem> is refused
      When Carol's browser arrives at the callback with <problem>
      Then it is refused with "<code>"
      And no token request is made
      And Carol's pending authorization is still usable

      Examples:
        | problem                               | code              |
        | a repeated state                      | malformed_request |
        | a repeated code                       | malformed_request |
        | invalid percent-encoding              | malformed_request |
        | percent-encoded bytes that are not UTF-8 | malformed_request |
        | a state of 3000 characters            | malformed_request |
        | a query of 10000 characters           | malformed_request |

      @state @csrf
      Examples: no state that could be ours
        | problem                               | code              |
        | an array where the state belongs      | state_missing     |
        | nothing but the issuer                | state_missing     |

      @rfc9207 @mix-up
      Examples: no issuer at all
        | problem                               | code              |
        | an empty query                        | issuer_missing    |

  Rule: the sign-in form takes only what it expects

    A username is 1 to 64 letters, digits, dots, dashes or underscores, sent
    as a form or as JSON; a body over 4 KB is too large. Only the
    integration's own pages may sign someone in: a post is refused when its
    Sec-Fetch-Site is anything but same-origin or none (a sibling site is
    refused too), or when its Origin is not the integration's own origin,
    the origin of its redirect URI ("Origin: null", as a sandboxed frame
    sends, included). Each header is checked on its own: an older browser
    sends Origin without Sec-Fetch-Site. The Referer is not looked at. A
    post with neither header, as a client that is not a browser sends it,
    is allowed (contract 6).

    @design-contract
    Scenario Outline: Signing in with <problem> is refused
      When someone posts <problem> to the sign-in form
      Then it is refused with "<code>"
      And no session is created

      Examples:
        | problem                     | code              |
        | the username "<script>"     | invalid_username  |
        | an empty username           | invalid_username  |
        | a username of 65 characters | invalid_username  |
        | a JSON array                | invalid_username  |
        | malformed JSON              | malformed_request |
        | a body of 10 kilobytes      | payload_too_large |

    @csrf @rfc9700-4.7
    Scenario Outline: A sign-in posted from <where> is refused
      When <where> posts the sign-in form for Mallory
      Then it is refused with "cross_site_request"
      And no session is created

      Examples:
        | where                                 |
        | another site's page                   |
        | an older browser on another site      |
        | a sandboxed frame                     |
        | a sibling site that forges the Origin |

    @csrf @rfc9700-4.7
    Scenario Outline: A sign-in posted from <where> is accepted
      When <where> posts the sign-in form for Dave
      Then a session is created

      Examples:
        | where                                          |
        | the integration's own page                     |
        | an older browser on the integration's own page |
        | a client that is not a browser                 |

  Rule: the rest of the surface answers in the same way

    A HEAD request never starts a connect or redeems a code: at the callback
    it is refused as a method not allowed, with no redirect; at /connect it
    sends no one to the provider, and nothing is left pending.

    @design-contract
    Scenario: An unknown address gets not_found
      When Carol's browser asks for "/wp-admin.php"
      Then it is refused with "not_found"

    @design-contract
    Scenario: A wrong method gets method_not_allowed
      When Carol's browser deletes "/connect"
      Then it is refused with "method_not_allowed"

    @rfc9700
    Scenario: A HEAD request to the callback, as a link scanner sends, does not redeem the code
      When a link scanner sends HEAD to Carol's callback
      Then the scanner is told 405, with no redirect
      And no token request is made
      And Carol's pending authorization is still usable

    @design-contract
    Scenario: A HEAD request to /connect, as a link preview sends, starts no authorization request
      When Carol's browser sends HEAD to "/connect"
      Then Carol is not sent to the provider, and no authorization request is made
      And Carol's pending authorization is still usable

    @design-contract
    Scenario: A disconnect without a session is refused
      When a client without session posts a disconnect
      Then it is refused with "session_required"

    @design-contract
    Scenario: The API answers in JSON when the session is missing
      When a client without session asks for "/api/connection"
      Then it is refused with "session_required"
      And the answer is JSON
