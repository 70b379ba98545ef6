@process @demo @in-process
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

  @design-mock @control-api
  Scenario: QA scripts a fault on the mock run alone, with one HTTP call
    Given the mock is started alone with "npm run start:mock"
    When QA posts the fault {"endpoint": "discovery", "status": 503, "times": 1} to its control API
    Then its discovery document answers 503, then 200
    And its control API lists 2 requests to discovery, with the statuses 503 and 200

  @design-mock @control-api
  Scenario: The mock's control API refuses a malformed control, and moves the mock's clock on request
    Given the mock is started alone with "npm run start:mock"
    When QA posts the fault {"endpoint": "nowhere", "status": 503} to its control API
    Then the control API answers 400 "invalid_request"
    When QA moves the mock's clock 2 hours forward
    Then the mock's clock reads about 2 hours ahead
