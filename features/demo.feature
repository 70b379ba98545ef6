@process @demo
Feature: The demo and the mock run from one command each

  A newcomer's first contact with the project is `npm start`; QA's is often
  `npm run start:mock`. Each must come up with nothing else installed, say
  where it runs and how to sign in, and work in a browser from there.

  @design-demo
  Scenario: The demo runs the mock and the integration together, and a person can connect through it
    Given the demo is started with "npm start"
    Then it prints the integration's address, the provider's address and the accounts "alice / wonderland, bob / builder"
    When Carol signs in to the demo and connects her MySQL account as alice
    Then she is connected to the account "Alice Liddell"

  @design-mock
  Scenario: The mock provider runs alone and tells a client what it needs
    Given the mock is started alone with "npm run start:mock"
    Then it prints its issuer, the client id "mysql-integration", a client secret and the redirect URI
    And its discovery document names that issuer and requires PKCE with S256
