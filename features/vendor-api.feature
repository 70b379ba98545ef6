@vendor-api @no-servers @in-process
Feature: The vendor's API gives a token its own account's data, and the database's grants hold on their own

  The resource API is the vendor's half of a public MySQL integration: what
  an access token can reach there is what the user allowed at the consent
  screen. These scenarios are the vendor's API as a client holding a token
  sees it (a bare OAuth client of the mock, no integration in between). On
  the memory profile the data is the mock's own copy in memory; on the mysql
  profile it is seeded into MariaDB for each run, each account has a
  read-only and a read-write MySQL user, and every statement runs as the
  user matching the token's account and scopes. So a token is checked twice:
  by the API, and by MySQL's own grants, which refuse on their own what the
  API should have refused.

  Rule: a token reaches its own account's databases and nothing else (RFC 6750 3.1)

    Scenario: Alice's token sees her databases, their tables with their columns, and her rows
      Given a client holds an access token of alice's for "databases:read"
      When the client lists the tables of "tea_party"
      Then it sees the tables "cups, guests", each with "id" as its first column of type "int"
      And the rows of "tea_party.guests" are "Mad Hatter, March Hare, Dormouse, Alice" in the order of their id

    Scenario Outline: Bob's token cannot reach Alice's database, even by its name
      Given a client holds an access token of bob's for "databases:read databases:write"
      When the client <call> of Alice's "tea_party"
      Then the vendor's API answers 404 "not_found"
      And the vendor's data is unchanged

      Examples:
        | call                       |
        | lists the tables           |
        | reads the rows of "guests" |
        | adds a guest to "guests"   |

    Scenario: A table the database does not have is not found
      Given a client holds an access token of alice's for "databases:read"
      When the client reads the rows of "tea_party.teapots"
      Then the vendor's API answers 404 "not_found"

    Scenario: A revoked token reads nothing more
      Given a client holds an access token of alice's for "databases:read"
      And the provider has revoked that access token
      When the client reads the rows of "tea_party.guests"
      Then the vendor's API answers 401 "invalid_token"

  Rule: rows come in bounded pages, keyed on the primary key

    Scenario: A table is read in pages of 20 by default, each with a cursor to the next, the last without
      Given a client holds an access token of alice's for "databases:read"
      When the client reads every page of "wonderland_shop.orders", following "next"
      Then it read pages of 20, 20 and 5 rows, 45 distinct rows in increasing id order
      And the last page's "next" is null

    Scenario Outline: A page larger than 100 rows, or a cursor the API did not give, is refused
      Given a client holds an access token of alice's for "databases:read"
      When the client reads "wonderland_shop.orders" with <query>
      Then the vendor's API answers 400 "invalid_request"

      Examples:
        | query                  |
        | limit=101              |
        | limit=0                |
        | limit=ten              |
        | after=not-a-cursor     |
        | limit=5&limit=6        |
        | order=id%20desc        |

    Scenario: The largest page holds 100 rows at most
      Given a client holds an access token of alice's for "databases:read"
      When the client reads "wonderland_shop.orders" with limit=100
      Then it gets 45 rows and "next" is null

  Rule: adding a row needs the databases:write scope (RFC 6750 3.1)

    Scenario: A read-only token cannot add a row, and is told which scope it lacks
      Given a client holds an access token of alice's for "databases:read"
      When the client adds a guest to "tea_party.guests"
      Then the vendor's API answers 403 "insufficient_scope", naming the scope "databases:write"
      And the vendor's data is unchanged

    Scenario: A token with databases:write adds a row, which the database stores and the next read shows
      Given a client holds an access token of alice's for "databases:read databases:write"
      When the client adds a guest to "tea_party.guests"
      Then the vendor's API answers 201 with the new row, its id assigned by the database
      And "tea_party.guests" holds one row more, the new guest last

    Scenario Outline: A value that does not fit its table is refused, and nothing is stored
      Given a client holds an access token of alice's for "databases:read databases:write"
      When the client adds to "tea_party.guests" the values <values>
      Then the vendor's API answers 400 "invalid_request"
      And the vendor's data is unchanged

      Examples:
        | values                                    |
        | {"name": "Knave", "seat": 5, "crown": 1}  |
        | {"id": 1, "name": "Knave", "seat": 5}     |
        | {"name": "Knave", "seat": "five"}         |
        | {"name": "Knave"}                         |
        | {"name": null, "seat": 5}                 |
        | {"name": "Knave", "seat": 2147483648}     |
        | {"name`": "Knave", "seat": 5}             |

    Scenario: Values are stored and answered as the database keeps them: a decimal with two places, a date as YYYY-MM-DD
      Given a client holds an access token of alice's for "databases:read databases:write"
      When the client adds to "wonderland_shop.orders" the values {"customer_id": 2, "total": 12.5, "placed_on": "2026-11-28"}
      Then the vendor's API answers 201 with the row {"id": 46, "customer_id": 2, "total": "12.50", "placed_on": "2026-11-28"}

    Scenario Outline: A decimal or a date the column cannot hold is refused, and nothing is stored
      Given a client holds an access token of alice's for "databases:read databases:write"
      When the client adds to "wonderland_shop.orders" the values <values>
      Then the vendor's API answers 400 "invalid_request"
      And the vendor's data is unchanged

      Examples:
        | values                                                          |
        | {"customer_id": 2, "total": "12.345", "placed_on": "2026-11-28"} |
        | {"customer_id": 2, "total": 123456789, "placed_on": "2026-11-28"} |
        | {"customer_id": 2, "total": "12.50", "placed_on": "2026-02-30"}  |
        | {"customer_id": 2, "total": "12.50", "placed_on": "28/11/2026"}  |

    Scenario Outline: A body that is not {"values": {...}} in JSON is refused, and nothing is stored
      Given a client holds an access token of alice's for "databases:read databases:write"
      When the client sends to "tea_party.guests" <body> as "<type>"
      Then the vendor's API answers 400 "invalid_request"
      And the vendor's data is unchanged

      Examples:
        | body                                                        | type                              |
        | {"values": {"name": "Knave", "seat": 5}, "then": "DROP"}    | application/json                  |
        | [{"name": "Knave", "seat": 5}]                              | application/json                  |
        | {"values": [["name", "Knave"], ["seat", 5]]}                | application/json                  |
        | {"values": {"name": "Knave"                                 | application/json                  |
        | name=Knave&seat=5                                           | application/x-www-form-urlencoded |
        | a value of 20 kB                                            | application/json                  |

  Rule: a hostile name is refused before it reaches any database, and nothing changes

    Scenario Outline: A name that is not a plain identifier is refused: <name>
      Given a client holds an access token of alice's for "databases:read databases:write"
      When the client reads the rows of the table "<name>" in "tea_party", then adds a guest to it
      Then both answers are 400 "invalid_request"
      And the vendor's data is unchanged

      Examples:
        | name                            |
        | guests`; DROP TABLE guests; --  |
        | guests; DROP DATABASE tea_party |
        | gu`ests                         |
        | guests' OR '1'='1               |
        | ../wonderland_shop              |

    Scenario Outline: A database of the server that is not the account's is not found: <name>
      Given a client holds an access token of alice's for "databases:read"
      When the client lists the tables of "<name>"
      Then the vendor's API answers 404 "not_found"

      Examples:
        | name               |
        | information_schema |
        | mysql              |
        | builder_yard       |

  Rule: the database's grants are a second lock, holding when the API's checks are bypassed

    The mock can skip its API's scope and ownership checks on purpose (the
    `apiChecks` mode). What is left is the database user the token maps to:
    on the mysql profile, MySQL itself refuses the statement; on the memory
    profile, the same grants kept in memory do.

    @second-lock
    Scenario: A read-only token's insert, let through by the API, is refused by the database's grants
      Given a client holds an access token of alice's for "databases:read"
      And the vendor's API checks are bypassed
      When the client adds a guest to "tea_party.guests"
      Then the vendor's API answers 403 "insufficient_scope", naming the scope "databases:write"
      And the vendor's database refused the INSERT as alice's read-only user
      And the vendor's data is unchanged

    @second-lock
    Scenario: Bob's read of Alice's rows, let through by the API, is refused by the database's grants
      Given a client holds an access token of bob's for "databases:read"
      And the vendor's API checks are bypassed
      When the client reads the rows of "tea_party.guests"
      Then the vendor's API answers 404 "not_found"
      And the vendor's database refused the SELECT as bob's read-only user

  Rule: the vendor's own MySQL, its outage and its cleanup

    @mysql
    Scenario: The vendor's MySQL going away is 503 temporarily_unavailable, without its error text, and nothing is lost
      Given a client holds an access token of alice's for "databases:read databases:write"
      And the vendor's database is reached through a proxy
      When the connection to the vendor's database is cut
      And the client adds a guest to "tea_party.guests"
      Then the vendor's API answers 503 "temporarily_unavailable"
      When the connection to the vendor's database is back
      Then the rows of "tea_party.guests" are "Mad Hatter, March Hare, Dormouse, Alice" in the order of their id

    @mysql
    Scenario: A run's databases and users are dropped when the mock stops
      Given a client holds an access token of alice's for "databases:read"
      And the client has read the rows of "tea_party.guests"
      When the mock stops
      Then no database or MySQL user of its run is left on the server

    @mysql
    Scenario: What a crashed run left behind is dropped when the next run starts
      Given a run of the vendor's data crashed, leaving its databases and users on the server
      When another run of the vendor's data starts
      Then the crashed run's databases and users are gone, and the new run's are there

  Rule: the consent page offers Decline, which answers access_denied (RFC 6749 4.1.2.1)

    Scenario: Alice declines a request for databases:write
      When a client asks alice for "databases:read databases:write" and she presses Decline
      Then the client is sent back with the error "access_denied" and no code
      And the consent page named "databases:write" in words
