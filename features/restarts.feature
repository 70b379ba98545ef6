@mysql @restarts @in-process
Feature: Restarts and a lost database lose nothing

  Instances restart: deploys, crashes, autoscaling. Whatever was in
  flight must survive in the database or fail cleanly: a connect can be
  finished after a restart, a refresh cut short by one leaves the tokens
  usable, and a database that goes away mid-request gives a clear 503,
  writes nothing half-way, and is picked up again when it is back.

  Scenario: A connect survives a restart between the authorization request and the callback
    Given Alice is signed in to the integration
    And she has started connecting her MySQL account
    When the integration restarts
    And Alice approves at the provider as alice
    Then she is connected to the account "Alice Liddell"

  @process @rotation
  Scenario: A refresh cut short by a crash loses no token
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice
    And the integration runs as its own process, configured only by its environment
    And the provider has revoked Alice's access token early
    And the provider's token endpoint will answer only after 3 seconds
    When Alice lists her databases, and the integration's process is killed while the provider holds its refresh
    Then her stored refresh token is still the one she had, and the provider still accepts it
    When the integration is started again
    And Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"

  @store-faults
  Scenario: A database lost mid-request gives store_unavailable, writes nothing, and is picked up again when back
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice
    And the integration reaches its database through a proxy
    When the database connection is cut
    And Alice lists her databases
    Then it is refused with "store_unavailable"
    And her connection and tokens are exactly as they were
    When the database connection is back
    And Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"

  @store-faults @rfc7009
  Scenario: A disconnect while the database is away changes nothing and revokes nothing
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice
    And the integration reaches its database through a proxy
    When the database connection is cut
    And Alice tries to disconnect her MySQL account
    Then it is refused with "store_unavailable"
    And her connection and tokens are exactly as they were
    And her tokens still work at the provider

  @store-faults @rfc7009
  Scenario: A database lost after the disconnect was recorded still revokes, and the queue catches up
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice
    And the integration reaches its database through a proxy
    And the database connection will be cut when the provider receives the first revocation
    When Alice tries to disconnect her MySQL account
    Then she is disconnected
    And the provider no longer accepts either of her tokens
    When the database connection is back
    And 1 minute passes and the integration retries waiting revocations
    Then nothing of her connection is stored

  @process
  Scenario: An unreachable database stops the integration at start, with one clear sentence
    When the integration is started as its own process with MySQL at a port where nothing listens
    Then it exits with status 1
    And it says that MySQL cannot be used, and why
    And it prints no stack trace

  @process @migrations
  Scenario: A schema newer than the integration knows stops it at start
    Given the database schema was migrated by a newer version of the integration
    When the integration is started as its own process
    Then it exits with status 1
    And it says that the schema is newer than it knows
    And it prints no stack trace

  @process @migrations
  Scenario: npm run migrate brings an empty database to the current schema, and a second run changes nothing
    Given an empty database
    When "npm run migrate" runs against it
    Then it says it migrated to version 3
    When "npm run migrate" runs against it
    Then it says it is already at version 3

  @process @key-rotation
  Scenario: npm run rotate-keys re-encrypts every stored token with the newest key
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice
    When "npm run rotate-keys" runs with the key ring "k2, k1"
    Then it says it re-encrypted 1 connection with key "k2"
    And each of her tokens is sealed with the key "k2"
