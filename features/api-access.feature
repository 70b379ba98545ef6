@api-access @flow
Feature: The integration reads the user's databases with their token, and only theirs

  Once connected, the integration calls the vendor's API on the user's
  behalf. The user sees their own databases; the token that opens them
  stays on the server, in no response; and a connection that was never
  granted access to the databases says so plainly. A database name is 1 to
  64 letters, digits, "_", "$" or "-"; any other is refused before the
  vendor is called.

  Background:
    Given Alice is signed in to the integration

  @rfc6750
  Scenario: A connected user lists her databases
    Given Alice has connected her MySQL account as alice
    When Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"

  @rfc6750
  Scenario: A connected user lists the tables of one database
    Given Alice has connected her MySQL account as alice
    When Alice lists the tables of "wonderland_shop"
    Then she sees the tables "customers, orders, products"

  @rfc6750 @in-process
  Scenario: The vendor's API under a base URL with a path is called under that path
    Given the vendor's API is served under "/vendor/v1", and the integration's API base URL is there
    And Alice has connected her MySQL account as alice
    When Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"
    When Alice lists the tables of "wonderland_shop"
    Then she sees the tables "customers, orders, products"
    And every request the vendor API received was under "/vendor/v1"

  # Contract 3.5 ("Refusals of all four") and 4.2: the list exists for every account, so its 404 is a wrong
  # API_BASE_URL, said as such; a named database's or table's 404 stays not_found.
  @rfc6750 @api-base-url
  Scenario: A databases list the vendor answers 404 is a misconfigured API base URL, not a missing database
    Given Alice has connected her MySQL account as alice
    And the vendor's API has moved to "/vendor/v1", away from the integration's API base URL
    When Alice lists her databases
    Then it is refused with "vendor_api_not_found", naming API_BASE_URL and no secret
    And when she lists the tables of "tea_party", it is refused with "not_found"

  @rfc6750 @cross-user
  Scenario: Each user sees only the databases of the account they connected
    Given Alice has connected her MySQL account as alice
    And Bob has connected his MySQL account as bob
    When Bob lists his databases
    Then he sees the databases "builder_yard"

  @rfc6750 @cross-user
  Scenario: A database of another account is not found
    Given Alice has connected her MySQL account as alice
    When Alice lists the tables of "builder_yard"
    Then it is refused with "not_found"

  @rfc6750-3.1 @in-process
  Scenario: A connection without the databases scope gets insufficient_scope
    Given the integration asks only for the scopes "openid profile offline_access"
    And Alice has connected her MySQL account as alice
    When Alice lists her databases
    Then it is refused with "insufficient_scope"

  @rfc9700 @design-contract
  Scenario: No response of the API carries a token
    Given Alice has connected her MySQL account as alice
    When Alice lists her databases and the tables of "tea_party"
    Then none of the answers holds her access token or refresh token

  @design-contract
  Scenario: Listing databases before connecting gets not_connected
    When Alice lists her databases
    Then it is refused with "not_connected"

  @design-contract
  Scenario: Listing databases without signing in gets session_required
    When a client without session asks for "/api/databases"
    Then it is refused with "session_required"

  @design-contract
  Scenario: A database name that could not exist is refused before any call
    Given Alice has connected her MySQL account as alice
    When Alice lists the tables of "../../token"
    Then it is refused with "malformed_request"
    And the vendor API received no request

  Rule: only this site can write to the user's databases (contract 6, RFC 9700 4.7)

    An insert changes the user's data at the vendor: a page of another site
    that makes the user's browser post one is refused before the vendor is
    called, even when the connection may write.

    @csrf @rfc9700-4.7
    Scenario Outline: An insert posted from <where> is refused, and nothing is written at the vendor
      Given Alice has connected her MySQL account as alice
      And Alice has allowed the integration to write to her databases
      When <where> posts a row to "tea_party.guests" in Alice's browser
      Then it is refused with "cross_site_request"
      And the vendor API received no insert
      And the vendor's tables are as they were

      Examples:
        | where                                 |
        | another site's page                   |
        | an older browser on another site      |
        | a sandboxed frame                     |
        | a sibling site that forges the Origin |
