@sessions @cross-user
Feature: One user's session opens that user's connection, and nothing else

  The integration holds several users' tokens. A signed-in user reaches
  only their own connection: no route takes a user id, the session decides,
  and a session cookie that was not signed by the integration, or that
  belongs to a session that has ended, opens nothing. Signing out ends the
  session on the server, so a copy of the cookie kept from before is dead,
  and signs the browser out too (ours clears its cookie). Signing in starts
  a new session and ends the one the browser held: a session cookie planted
  in the browser beforehand (session fixation) opens nothing afterwards
  (contract 3.2).

  Background:
    Given Alice is signed in to the integration
    And Bob is signed in to the integration
    And Alice has connected her MySQL account as alice
    And Bob has connected his MySQL account as bob

  @csrf
  Scenario Outline: Alice's browser cannot reach Bob's connection by <trick>
    When Alice's browser tries to reach Bob's connection by <trick>
    Then none of the answers shows Bob's databases or account
    And Bob's connection is exactly as it was

    Examples: asking for Bob's data by name
      | trick                                                  |
      | naming Bob in the query                                |

    @in-process
    Examples: forging our signed session cookie
      | trick                                                  |
      | sending Bob's session id signed with her own signature |
      | sending Bob's session id without a signature           |
      | sending a made-up session signed with her signature    |

  Scenario: A session cookie kept from before sign-out is dead after sign-out
    Given Alice keeps a copy of her session cookie
    When Alice signs out
    Then the kept cookie opens nothing: her connection status answers "session_required"
    And her browser is signed out too

  @session-fixation
  Scenario: A session cookie planted in the browser before a sign-in opens nothing after it
    Given Mallory is signed in to the integration
    And Mallory keeps a copy of her session cookie
    And Mallory's session cookie is planted in Alice's browser
    When Alice signs in to the integration
    Then the kept cookie opens nothing: her connection status answers "session_required"
    And Alice is connected to the account "Alice Liddell"

  @csrf @rfc9700-4.7
  Scenario Outline: A sign-out posted from <where> is refused
    When <where> posts a sign-out in Alice's browser
    Then it is refused with "cross_site_request"
    And Alice is still signed in

    Examples:
      | where                                 |
      | another site's page                   |
      | an older browser on another site      |
      | a sandboxed frame                     |
      | a sibling site that forges the Origin |

  @in-process
  Scenario: Expired sessions are swept from the store, not kept until someone looks them up
    Given 5 people signed in to the integration earlier
    When 9 hours pass
    And Dave is signed in to the integration
    Then the store holds 1 session
