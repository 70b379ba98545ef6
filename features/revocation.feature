@revocation @flow
Feature: Disconnecting revokes the tokens at the provider, and forgets them here

  When a user disconnects, the tokens must stop working at the provider,
  not just vanish from our store: a leaked copy of a token that was only
  deleted locally still opens the user's databases. RFC 7009 revocation is
  how; and because a 200 from the revocation endpoint proves little (it
  answers 200 for tokens it does not know), each scenario checks that the
  tokens are really dead by asking the provider's introspection endpoint.
  Connecting again while connected replaces the connection, and revokes the
  tokens it replaces in the same way.

  Background:
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice

  Rule: the refresh token is revoked first, then the access token, then the local copy is deleted (RFC 7009 2.1)

    Both tokens are tried, even when the first fails. Disconnecting needs a
    signed-in user, and a user who is not connected is simply told so: no
    revocation request is made.

    @rfc7009
    Scenario: Disconnecting revokes both tokens and forgets the connection
      When Alice disconnects her MySQL account
      Then the provider received the revocation of her refresh token, then of her access token, from the integration
      And the provider no longer accepts either of her tokens
      And nothing of her connection is stored
      And she sees that her MySQL account is not connected, with a Connect button

    @rfc7009
    Scenario: Disconnecting twice is harmless
      Given Alice has disconnected her MySQL account
      When Alice disconnects her MySQL account
      Then she sees that her MySQL account is not connected, with a Connect button
      And the provider received 2 revocation requests in all

  Rule: a provider that cannot revoke now still gets the local tokens deleted, and is asked again later (RFC 7009 2.2.1)

    Only a 200 (or unsupported_token_type) confirms a revocation. An
    unconfirmed one is queued; its next try is due after the provider's
    Retry-After when it sent one, otherwise after the revocation retry
    interval, doubled after each failed attempt (30 s, 60 s, 120 s by
    default), never more than an hour.

    @rfc7009 @needs-clock @needs-revocation-queue
    Scenario: A revocation endpoint answering 503 with Retry-After is asked again after that delay
      Given the provider's revocation endpoint will answer 503 with "Retry-After: 120" twice
      When Alice disconnects her MySQL account
      Then nothing of her connection is stored, and the revocation of 2 of her tokens is waiting
      And her tokens still work at the provider
      When 1 minute passes and the integration retries waiting revocations
      Then the provider received 2 revocation requests in all
      When 2 more minutes pass and the integration retries waiting revocations
      Then the provider has confirmed the revocation of every token that waited, and accepts none of them
      And the provider no longer accepts either of her tokens
      And nothing of her connection is stored

    @rfc7009 @needs-clock @needs-revocation-queue
    Scenario: A revocation endpoint that fails is retried with backoff until it succeeds
      Given the provider's revocation endpoint will answer 500 3 times
      When Alice disconnects her MySQL account
      Then nothing of her connection is stored, and the revocation of 2 of her tokens is waiting
      When the first backoff has passed and the integration retries waiting revocations
      Then nothing of her connection is stored, and the revocation of 1 of her tokens is waiting
      When the second backoff has passed and the integration retries waiting revocations
      Then the provider has confirmed the revocation of every token that waited, and accepts none of them
      And the provider no longer accepts either of her tokens
      And nothing of her connection is stored

    @rfc7009 @in-process @needs-clock @needs-revocation-queue
    Scenario: Queued revocations that cannot be opened do not block the ones behind them, and are given up in the end
      Given 100 queued revocations, older than any other, sealed with a key the integration no longer has
      And the provider's revocation endpoint keeps failing: answers 503
      When Alice disconnects her MySQL account
      And the provider's revocation endpoint is back
      And 1 minute passes and the integration retries waiting revocations
      And 2 more minutes pass and the integration retries waiting revocations
      Then the provider no longer accepts either of her tokens
      When the integration retries waiting revocations every hour, 20 times
      Then no revocation is waiting any more

  Rule: a script that disconnects is told whether the revocation is done

    A disconnect that asks for JSON gets an answer instead of a redirect: it
    is not connected any more, and the revocation is "done" when the provider
    confirmed both tokens, or "pending" while one waits in the queue.

    @rfc7009
    Scenario: A disconnect asking for JSON is told the revocation is done
      When Alice disconnects her MySQL account, asking for JSON
      Then the answer says she is not connected, and the revocation is "done"
      And the provider no longer accepts either of her tokens

    @rfc7009
    Scenario: A disconnect asking for JSON while the provider cannot revoke is told the revocation is pending
      Given the provider's revocation endpoint keeps failing: answers 500
      When Alice disconnects her MySQL account, asking for JSON
      Then the answer says she is not connected, and the revocation is "pending"

  Rule: a provider that offers no revocation is not said to have revoked anything (contract 5.7, RFC 8414 2)

    A provider whose metadata names no revocation_endpoint cannot be asked
    to revoke: nothing is sent and nothing is queued (a queued revocation
    could never be confirmed), the connection is forgotten all the same, and
    the answer says "not_offered", not "done": the tokens live at the
    provider until they expire. The Background's connect filled the
    integration's discovery cache, which only a restart of our own
    integration empties (contract 3.6): in-process only.

    @rfc7009 @contract-5.7 @in-process
    Scenario: A disconnect from a provider that offers no revocation endpoint is told the revocation is "not_offered"
      Given the provider offers no revocation endpoint
      And the integration reads the provider's metadata afresh
      And Alice connects again, signing in at the provider as alice
      When Alice disconnects her MySQL account, asking for JSON
      Then the answer says she is not connected, and the revocation is "not_offered"
      And the provider received 0 revocation requests in all
      And nothing of her connection is stored
      And her tokens still work at the provider

  Rule: only this site can disconnect (RFC 9700 4.7)

    Only the integration's own pages may disconnect: Sec-Fetch-Site and
    Origin are each checked on their own, as at the sign-in (contract 6).

    @csrf @rfc9700-4.7
    Scenario Outline: A disconnect posted from <where> is refused
      When <where> posts a disconnect in Alice's browser
      Then it is refused with "cross_site_request"
      And she is connected to the account "Alice Liddell"
      And the provider received 0 revocation requests in all

      Examples:
        | where                                 |
        | another site's page                   |
        | an older browser on another site      |
        | a sandboxed frame                     |
        | a sibling site that forges the Origin |

  Rule: tokens that are replaced or dropped are revoked as at a disconnect, queued in the same change that replaces them

    A reconnect replaces the connection: the tokens it replaces must not
    stay alive at the provider, whoever's they were. A refresh that loses
    to a reconnect was issued tokens nothing will keep: they are revoked
    too, not just dropped.

    @rfc7009
    Scenario: Connecting again as another account revokes the replaced tokens
      When Alice connects again, signing in at the provider as bob
      Then Alice is connected to the account "Bob the Builder"
      And the provider no longer accepts the tokens issued when she first connected
      And the provider still accepts the tokens of her current connection
      When Alice disconnects her MySQL account
      Then the provider no longer accepts any token it issued to the integration

    @rfc7009 @needs-clock @needs-revocation-queue
    Scenario: A refresh that loses to a reconnect has the tokens it was issued revoked
      Given her access token comes within the refresh margin
      And the provider's revocation endpoint keeps failing: answers 503
      When Alice lists her databases, and while the provider is slow to answer that refresh, signs in at the provider as bob and connects again
      Then Alice is connected to the account "Bob the Builder"
      When the provider's revocation endpoint is back
      And 2 minutes pass and the integration retries waiting revocations
      Then the provider no longer accepts the tokens that refresh was issued
      And the provider no longer accepts the tokens issued when she first connected
      And the provider still accepts the tokens of her current connection
