@demo @in-process
Feature: The demo and the mock run from one command each

  A newcomer's first contact with the project is `npm start`; QA's is often
  `npm run start:mock`. Each must come up with nothing else installed, say
  where it runs and how to sign in, and work in a browser from there.

  @process @design-demo
  Scenario: The demo runs the mock and the integration together, and a person can connect through it
    Given the demo is started with "npm start"
    Then it prints the integration's address, the provider's address and the accounts "alice / wonderland, bob / builder"
    When Carol signs in to the demo and connects her MySQL account as alice
    Then she is connected to the account "Alice Liddell"

  @process @design-mock
  Scenario: The mock provider runs alone and tells a client what it needs
    Given the mock is started alone with "npm run start:mock"
    Then it prints its issuer, the client id "mysql-integration", a client secret and the redirect URI
    And its discovery document names that issuer and requires PKCE with S256

  @process @design-mock @control-api
  Scenario: QA scripts a fault on the mock run alone, with one HTTP call
    Given the mock is started alone with "npm run start:mock"
    When QA posts the fault {"endpoint": "discovery", "status": 503, "times": 1} to its control API
    Then its discovery document answers 503, then 200
    And its control API lists 2 requests to discovery, with the statuses 503 and 200

  @process @design-mock @control-api
  Scenario: The mock's control API refuses a malformed control, and moves the mock's clock on request
    Given the mock is started alone with "npm run start:mock"
    When QA posts the fault {"endpoint": "nowhere", "status": 503} to its control API
    Then the control API answers 400 "invalid_request"
    When QA moves the mock's clock 2 hours forward
    Then the mock's clock reads about 2 hours ahead

  Rule: the demo's pages say what a person needs, in a person's words

    @design-demo @demo-page
    Scenario: A table longer than a page offers a Next page link that follows the vendor's cursor
      Given Alice has connected her MySQL account as alice
      When Alice opens the table "wonderland_shop.orders" on the integration's page
      And she follows its Next page link until there is none
      Then she has seen the rows 1 to 45 of "orders" once each, in order, on 5 pages of at most 10
      And the last page offers the first page and no Next page

    @design-demo @demo-page
    Scenario: A cursor the contract does not allow is noted on the page, and the vendor is not asked
      Given Alice has connected her MySQL account as alice
      When Alice opens the table "wonderland_shop.orders" on the integration's page after the cursor "../aWQ6MTA"
      Then the page notes that it could not read them, with "malformed_request"
      And the vendor was asked for no rows

    @design-demo @demo-page @needs-clock
    Scenario: The access's expiry is shown as a local time, with how long it has left by the integration's clock
      Given Alice has connected her MySQL account as alice
      When Alice opens the integration's page
      Then it shows her access expiring in 60 minutes, at the local time of the expiry the connection reports
      When 1500 seconds pass
      And Alice opens the integration's page
      Then it shows her access expiring in 35 minutes, at the local time of the expiry the connection reports

    @design-mock @incremental-authorization
    Scenario: The mock's consent page shows what is already granted apart from what is asked for now
      Given Alice has connected her MySQL account as alice
      When Alice allows the integration to write to her databases
      Then the consent page asked for "databases:write" and showed "openid profile offline_access databases:read" as already granted
