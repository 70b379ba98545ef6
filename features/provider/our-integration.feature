@provider @our-integration
Feature: Our integration against this provider

  README says our integration works with any standards-following provider.
  These scenarios show it, for the provider under test: our integration,
  compiled and started as operators start it, pointed at this issuer by its
  settings alone (ISSUER_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
  API_BASE_URL), with the demo sign-in (contract 3.2) and the test hooks of
  contract 9.1. A person signs in, connects through the provider's own
  pages, reads their data with the stored access token (the vendor API where
  the provider has one; else the provider's userinfo, through the harness's
  stand-in for the API), has the token refreshed when due, and disconnects.
  They need a second redirect URI registered for the client
  (INTEGRATION_REDIRECT_URI), where our integration takes the callback;
  without one they are skipped, with that reason (docs/provider-mode.md).

  Background:
    Given the provider's metadata
    And our integration, started against this provider

  @contract-5.1 @contract-5.2 @contract-3.4
  Scenario: Connect: through the provider's pages, back to our callback, the connection stored
    Given a person signed in to our integration
    When they connect through the provider's pages
    Then our integration shows them connected to this provider's account

  @contract-3.5 @oidc-core-5.3
  Scenario: The stored access token reads the account's data
    Given a person connected through our integration
    When they list their databases
    Then our integration answers with what the provider's API gave for the stored access token

  @contract-5.5
  Scenario: A due access token is refreshed, and the new one works
    Given a person connected through our integration, who listed their databases
    When the access token is due, and they list their databases again
    Then our integration refreshed it: the provider's API took a new access token

  @contract-5.7
  Scenario: Disconnect forgets the connection, and the provider confirms the revocation
    Given a person connected through our integration, who listed their databases
    When they disconnect
    Then our integration shows them not connected, and says whether the revocation is done

  @contract-5.7 @rfc7009-2.1 @reported
  Scenario: After Disconnect, the provider refuses the access token our integration held
    Given a person connected through our integration, who listed their databases
    When they disconnect
    Then the provider refuses the access token our integration held, where it offers revocation
