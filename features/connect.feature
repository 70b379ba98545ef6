@connect
Feature: A signed-in user connects their MySQL account

  This is the whole point of the integration: a user of our product presses
  Connect, approves at the MySQL vendor, and comes back connected. From then
  on the integration holds tokens on their behalf, so what it stores must be
  exactly what the provider granted, encrypted, and never shown back. The
  account is named as the provider names it, by the ID token's "name" claim.

  Background:
    Given Alice is signed in to the integration

  @design-contract
  Scenario: Before connecting, the home page offers to connect
    When Alice opens the integration
    Then she sees that her MySQL account is not connected, with a Connect button

  @rfc6749-4.1 @oidcc-3.1 @oidcc-client-test @oidcc-client-test-idtoken-sig-rs256
  Scenario: Approving at the provider connects the account
    When Alice connects her MySQL account as alice
    Then she is connected to the account "Alice Liddell"
    And her connection has the scopes "openid profile offline_access databases:read"
    And her home page names the account "Alice Liddell" and the scopes "openid profile offline_access databases:read"

  @rfc9700 @design-token-storage @in-process
  Scenario: The tokens are stored encrypted
    When Alice connects her MySQL account as alice
    Then her access token and refresh token are stored encrypted with the key "k1"

  @rfc9700
  Scenario: The connection holds the tokens the provider issued for the account approved
    When Alice connects her MySQL account as alice
    Then the provider confirms the access token it issued is active for alice

  @rfc9700 @design-contract
  Scenario: The connection status never shows a token
    When Alice connects her MySQL account as alice
    Then her connection status shows no token, code or secret

  @design-contract
  Scenario: The user comes back where they started
    When Alice connects her MySQL account as alice, starting from "/databases?sort=name"
    Then she lands on "/databases?sort=name"

  @mock-provider
  Scenario: A wrong password at the provider asks again, and the right one then connects
    When Alice starts connecting her MySQL account
    And she signs in at the provider as alice with the password "queen-of-hearts"
    Then the provider shows the sign-in form again with "Wrong username or password."
    When she approves at the provider as alice
    Then she is connected to the account "Alice Liddell"

  @design-contract
  Scenario: Each user has their own connection
    Given Bob is signed in to the integration
    When Alice connects her MySQL account as alice
    And Bob connects his MySQL account as bob
    Then Alice is connected to the account "Alice Liddell"
    And Bob is connected to the account "Bob the Builder"

  @design-contract
  Scenario: A visitor who is not signed in is offered the sign-in form
    When Dave, who is not signed in, opens the integration
    Then he sees the sign-in form

  @rfc6749-4.1.1
  Scenario: Connecting needs a signed-in user
    When Dave, who is not signed in, starts connecting
    Then he is refused with "session_required"
