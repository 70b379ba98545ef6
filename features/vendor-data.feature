@vendor-data @flow
Feature: The integration reads and writes the user's own tables, and nothing else

  The point of a MySQL integration is the data: the tables of the user's
  databases, their columns and their rows. The integration reaches them
  with the user's access token, so the vendor decides what that token may
  see: the databases of the account the user connected, read-only unless
  the user granted "databases:write". The integration adds its own checks in
  front: a name that could not be a MySQL identifier is refused before the
  vendor is called, a page of rows is never larger than 100, and once the
  user disconnects, or revokes the access at the vendor, nothing more is
  read. A database name is 1 to 64 letters, digits, "_", "$" or "-"; a
  table or column name 1 to 64 letters, digits, "_" or "$".

  Background:
    Given Alice has connected her MySQL account as alice

  Rule: a user reads her own tables, with their columns and rows (RFC 6750)

    @rfc6750
    Scenario: The tables of a database come with their columns
      When Alice lists the tables of "tea_party"
      Then she sees the tables "cups, guests"
      And the table "guests" has the columns "id, name, seat"

    @rfc6750
    Scenario: A user reads the rows of her own table
      When Alice reads the rows of "tea_party.guests"
      Then she sees the rows whose name is "Mad Hatter, March Hare, Dormouse, Alice"

  Rule: no user reaches another account's data, even by its name (RFC 6750)

    @rfc6750 @cross-user
    Scenario: Bob cannot read Alice's table, even by its name
      Given Bob has connected his MySQL account as bob
      When Bob reads the rows of "wonderland_shop.customers"
      Then it is refused with "not_found"
      And no answer Bob got holds a row of Alice's

    @rfc6750 @cross-user
    Scenario: Bob cannot write to Alice's table, even with write access of his own
      Given Bob has connected his MySQL account as bob
      And Bob has allowed the integration to write to his databases
      When Bob adds a row to "tea_party.guests" with the name "Knave of Hearts" and the seat 9
      Then it is refused with "not_found"
      And the vendor's tables are as they were

  Rule: a connection granted databases:read only cannot write (RFC 6750 3.1)

    @rfc6750-3.1
    Scenario: A write on a read-only connection is refused, and nothing is written
      When Alice adds a row to "tea_party.guests" with the name "Cheshire Cat" and the seat 5
      Then it is refused with "insufficient_scope"
      And the vendor's tables are as they were

  Rule: access ends when the user ends it (RFC 7009)

    @rfc7009
    Scenario: After Disconnect, the next query is refused
      Given Alice has disconnected her MySQL account
      When Alice reads the rows of "tea_party.guests"
      Then it is refused with "not_connected"
      And the provider no longer accepts either of her tokens

    @rfc6749-5.2
    Scenario: After she revokes the access at the vendor, the next query is refused
      Given Alice has revoked the integration's access at the vendor
      When Alice reads the rows of "tea_party.guests"
      Then it is refused with "reconnect_required"
      And her connection needs to be made again because of "invalid_grant"

  Rule: a page of rows is bounded, and the pages together hold every row once

    Scenario: Without a limit, a page holds 20 rows and a cursor to the next page
      When Alice reads the rows of "wonderland_shop.orders"
      Then she gets 20 rows, in the order of their id, and a cursor to the next page

    Scenario: Following the cursors returns every row once, in the order of their id
      When Alice reads every page of "wonderland_shop.orders", 20 rows at a time
      Then she has read every row the vendor holds in "wonderland_shop.orders", each once, in the order of their id
      And the last page said no page follows it

    Scenario: A cursor given for one table is refused on another
      The vendor binds each cursor to the table it was given for (contract
      10.1), and the integration passes on its refusal (contract 3.5).

      When Alice reads the rows of "wonderland_shop.customers" after the cursor she was given for "wonderland_shop.orders"
      Then it is refused with "malformed_request"

    Scenario: A page of 100 rows is the most one may ask for
      When Alice reads the rows of "wonderland_shop.orders", 100 at a time
      Then she gets every row the vendor holds in "wonderland_shop.orders", and no cursor

    Scenario Outline: A limit of <limit> is refused before any call
      When Alice reads the rows of "wonderland_shop.orders" with the limit "<limit>"
      Then it is refused with "malformed_request"
      And the vendor API received no request

      Examples: outside 1 to 100
        | limit |
        | 0     |
        | 101   |
        | 1000  |

      Examples: not a whole number
        | limit |
        | -1    |
        | 2.5   |
        | ten   |

  Rule: a row is an object of column names to values, and the vendor has the last word on them

    Scenario Outline: A row <what> is refused with invalid_row, and nothing is written
      Given Alice has allowed the integration to write to her databases
      When Alice sends the insert <body> to "tea_party.guests"
      Then it is refused with "invalid_row"
      And the vendor's tables are as they were

      Examples: not a row
        | what                    | body                                          |
        | without values          | {"row": {"name": "Knave", "seat": 5}}         |
        | as a list               | {"values": ["Knave", 5]}                      |
        | of no column            | {"values": {}}                                |
        | holding an object       | {"values": {"name": {"$gt": ""}, "seat": 5}}  |

      Examples: a row the table cannot take
        | what                      | body                                                  |
        | with a column it lacks    | {"values": {"name": "Knave", "seat": 5, "crown": 1}}  |
        | with text for a number    | {"values": {"name": "Knave", "seat": "five"}}         |
        | without a column it needs | {"values": {"name": "Knave"}}                         |

    @faults
    Scenario: A vendor page larger than the limit asked for is not passed on
      Given the vendor's API will answer the next page with 21 rows
      When Alice reads the rows of "wonderland_shop.orders"
      Then it is refused with "provider_error"

  Rule: a row is never written twice, and a vendor outage loses nothing (RFC 9110 9.2.2)

    An insert is not idempotent: it is sent again only when the vendor said
    it did not process it (503, 429). Whatever else happens to it, the user
    gets a stable code, and her connection and tokens stay as they were.

    @faults
    Scenario: An insert the vendor answers 500 to is not sent again
      Given Alice has allowed the integration to write to her databases
      And the provider's resource API will answer 500 once
      When Alice adds a row to "tea_party.guests" with the name "Cheshire Cat" and the seat 5
      Then it is refused with "provider_unavailable"
      And the vendor API received that insert once
      And the vendor's tables are as they were

    @faults
    Scenario: While the vendor cannot take it, an insert is provider_unavailable, and nothing is lost
      Given Alice has allowed the integration to write to her databases
      And the provider's resource API keeps failing: answers 503
      When Alice adds a row to "tea_party.guests" with the name "Cheshire Cat" and the seat 5
      Then it is refused with "provider_unavailable"
      And her connection and tokens are exactly as they were
      And the vendor's tables are as they were

  Rule: a name is a name, never SQL

    @hostile-input
    Scenario Outline: A table named <what> is refused, and nothing changes
      When Alice reads the rows of the table "<name>" in "tea_party"
      Then it is refused with "malformed_request"
      And the vendor API received no request
      And the vendor's tables are as they were

      Examples:
        | what                      | name                                 |
        | in backticks              | `guests`                             |
        | with a statement after it | guests; DROP TABLE guests            |
        | closing its quote         | guests` ; DROP DATABASE tea_party; -- |
        | as a path                 | ../../databases                      |

    @hostile-input
    Scenario: A column named with a statement is refused, and nothing changes
      Given Alice has allowed the integration to write to her databases
      When Alice adds a row to "tea_party.guests" with a column named "name`) VALUES ('x'); DROP TABLE guests; --"
      Then it is refused with "malformed_request"
      And the vendor's tables are as they were

    @hostile-input
    Scenario: A column's name is judged before the vendor judges the values: a bad name beside a bad value is malformed_request
      Names are checked before any call to the vendor (contract 3.5), so a
      row that the vendor would refuse as well never reaches it.

      Given Alice has allowed the integration to write to her databases
      When Alice sends the insert {"values": {"name`": "Knave", "seat": "five"}} to "tea_party.guests"
      Then it is refused with "malformed_request"
      And the vendor's tables are as they were

  Rule: each of the vendor's MySQL users holds only what the API needs, on its own databases by their exact names (contract 10.1)

    These look past the API, at the vendor's MySQL server itself: they
    connect as an account's own MySQL user, as the vendor does for every
    statement of that account, and see what the server lets it do.

    @mysql @in-process
    Scenario Outline: Alice's <role> MySQL user cannot read another account's database whose name differs from hers only at an "_"
      Given another account has a database "teaXparty" on the vendor's server, with a row in its table "secrets"
      When Alice's <role> MySQL user reads the table "secrets" of "teaXparty"
      Then the vendor's server refuses it for want of a privilege

      Examples:
        | role       |
        | read-only  |
        | read-write |

    @mysql @in-process
    Scenario Outline: Alice's read-write MySQL user only adds rows: it <what> no row
      When Alice's read-write MySQL user <what> the rows of "tea_party.guests"
      Then the vendor's server refuses it for want of a privilege
      And the vendor's tables are as they were

      Examples:
        | what    |
        | changes |
        | deletes |

    @mysql @in-process
    Scenario: The vendor's MySQL users exist only where the vendor connects from
      Then every MySQL user of the vendor's data is at the host the server sees the mock connect from, none at any host

  Rule: the demo page shows a database's tables, the first rows of one, and the write step

    @in-process @demo-page
    Scenario: The page shows the tables and the first rows, and offers to allow writing
      When Alice opens the table "tea_party.guests" on the integration's page
      Then the page shows the tables "cups, guests" and 4 rows of "guests"
      And it offers a link that asks the provider for "databases:write"

    @in-process @demo-page
    Scenario: A table the vendor does not show her is a note on the page, not an error page
      When Alice opens the table "builder_yard.tools" on the integration's page
      Then the page notes that it could not read them, with "not_found"
