@incremental-authorization @flow
Feature: The integration asks for write access only when the user first writes

  A user who only wants to look at her data should never be asked to let
  the integration change it. So the first connect asks for
  "databases:read" and nothing more. The first time she writes, the
  integration answers "insufficient_scope", names the scope the write needs
  and gives the link that asks the provider for it, in addition to the
  scopes already granted. When she approves, the connection holds the union
  of the scopes, and the tokens it replaces are revoked, as any replaced
  tokens must be (RFC 9700 2.2.2, RFC 7009). When she declines, nothing she
  had is lost: her read access stays exactly as it was.

  Background:
    Given Alice has connected her MySQL account as alice

  Rule: the first connect asks for read access only (RFC 6749 3.3)

    @rfc6749-3.3
    Scenario: A connected user holds databases:read and not databases:write
      Then her connection has the scopes "openid profile offline_access databases:read"

  Rule: a write without write access says which scope it needs and where to ask for it (RFC 6750 3.1)

    @rfc6750-3.1
    Scenario: The first write is answered with the scope it needs and a link that asks for it
      When Alice adds a row to "tea_party.guests" with the name "Cheshire Cat" and the seat 5
      Then it is refused with "insufficient_scope"
      And the answer names the scope "databases:write" and a link to ask for it

    @rfc6749-3.3
    Scenario: The link asks the provider for the scopes granted and databases:write
      When Alice follows the link to allow writing
      Then the provider is asked for the scopes "openid profile offline_access databases:read databases:write"

    @rfc6749-3.3
    Scenario: A scope the integration never asks for is refused
      When Alice asks to grant the scope "databases:admin"
      Then it is refused with "unknown_scope"
      And no new authorization request is made

  Rule: an approval grants the union of the scopes, and the replaced tokens are revoked (RFC 7009)

    @rfc7009 @rfc9700
    Scenario: After she approves, the connection holds both scopes and the old tokens are dead
      When Alice allows the integration to write to her databases
      Then her connection has the scopes "openid profile offline_access databases:read databases:write"
      And the provider no longer accepts the tokens issued when she first connected
      And the provider still accepts the tokens of her current connection

    Scenario: With write access, her row is written and she reads it back
      Given Alice has allowed the integration to write to her databases
      When Alice adds a row to "tea_party.guests" with the name "Cheshire Cat" and the seat 5
      Then the row is written with a new id, and the vendor holds one more row in "tea_party.guests"
      And reading "tea_party.guests" shows the name "Cheshire Cat" last

    @browser @in-process @demo-page
    Scenario: In a real browser, she allows writing from a table's page and adds a row with its form
      Given Alice opens the integration in her browser and signs in
      When she allows writing from the page of "tea_party.guests", signing in at the provider as alice and approving
      And she adds the guest "Cheshire Cat" at seat 5 with the page's form
      Then her browser shows "Cheshire Cat" in the last row of "guests"
      And her connection has the scopes "openid profile offline_access databases:read databases:write"

  Rule: an upgrade keeps the account; another account changes nothing, and its tokens are revoked (contract 3.7, 5.3)

    The link upgrades the connection she has: it must come back as the same
    account (the ID token's "iss" and "sub"). Signed in at the provider as
    someone else, she is refused with "account_mismatch"; her connection
    stays as it was, and the tokens the provider just issued to the other
    account are revoked. To connect another account, she connects again
    without a scope, or disconnects first.

    @rfc7009 @kept-or-revoked @same-account
    Scenario: Allowing writing while signed in at the provider as another account is refused
      When Alice follows the link to allow writing, and approves at the provider as bob
      Then she is refused with "account_mismatch"
      And she is connected to the account "Alice Liddell"
      And her connection has the scopes "openid profile offline_access databases:read"
      And her tokens still work at the provider
      And the provider received the revocation of the refresh token, then of the access token, issued to that code exchange

  Rule: connecting again keeps the scopes granted; asking for less is disconnecting first (contract 3.7, 5.1)

    A plain connect, from any link, asks for the configured scopes and those
    the connection holds, so it never takes write access away. She holds
    less only by disconnecting first: the next connect then asks for the
    configured scopes alone.

    @rfc6749-3.3 @connect-again
    Scenario: Connecting again with write access asks for it again, and keeps it
      Given Alice has allowed the integration to write to her databases
      When Alice connects again as alice
      Then the provider is asked for the scopes "openid profile offline_access databases:read databases:write"
      And her connection has the scopes "openid profile offline_access databases:read databases:write"

    @rfc6749-3.3 @connect-again
    Scenario: After a disconnect, connecting again asks for the configured scopes alone
      Given Alice has allowed the integration to write to her databases
      And Alice has disconnected her MySQL account
      When Alice connects again as alice
      Then the provider is asked for the scopes "openid profile offline_access databases:read"
      And her connection has the scopes "openid profile offline_access databases:read"

  Rule: a decline leaves the read access as it was (RFC 6749 4.1.2.1)

    @rfc6749-4.1.2.1
    Scenario: After she declines, she still reads and still cannot write
      When Alice follows the link to allow writing, and declines at the provider
      Then she is refused with "access_denied"
      And her connection has the scopes "openid profile offline_access databases:read"
      And her tokens still work at the provider
      And she still reads the rows of "tea_party.guests"
