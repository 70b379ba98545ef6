@account-profile @flow
Feature: The connected account is named from the ID token, or else from userinfo

  The home page names the vendor account the user connected. A lenient
  provider puts the account's name in the ID token; a conforming one, asked
  for an access token too, gives only the subject there and the profile
  claims at its userinfo endpoint (OpenID Connect Core 5.4). So the
  integration takes the name from the ID token when it has one, and
  otherwise asks userinfo with the access token it was just issued (as
  DPoP in the FAPI 2.0 rerun). Userinfo must speak of the same account as
  the ID token (5.3.4): an answer naming another account refuses the whole
  connect and revokes the tokens just issued. A userinfo that fails only
  costs the name: the connection is kept, shown by its subject (contract
  5.3, "The account's name").

  The mock here gives only the subject in its ID tokens unless it is told
  to put the profile claims there too (contract 10.1).

  Background:
    Given Carol is signed in to the integration

  @contract-5.3
  Scenario: A provider that names the account in the ID token is not asked again
    Given the provider puts the profile claims in the ID token
    When Carol connects her MySQL account as alice
    Then the ID token the provider issued at the connect names "Alice Liddell"
    And Carol is connected to the account "Alice Liddell"
    And the provider received no userinfo request

  @contract-5.3 @oidcc-client-test-scope-userinfo-claims
  Scenario: The name comes from userinfo when the ID token has none
    When Carol connects her MySQL account as alice
    Then the ID token the provider issued at the connect names no one
    And Carol is connected to the account "Alice Liddell"
    And the provider received one userinfo request, with the access token it issued at the connect

  # In-process: it changes the integration's SCOPES.
  @contract-5.3 @in-process
  Scenario: With the email scope granted, the email comes from userinfo too
    Given the integration asks only for the scopes "openid profile email offline_access databases:read"
    When Carol connects her MySQL account as alice
    Then Carol is connected to the account "Alice Liddell", with the email "alice@example.com"
    And the provider received one userinfo request, with the access token it issued at the connect

  @contract-5.3 @oidcc-5.3.4 @oidcc-client-test-userinfo-invalid-sub
  Scenario: A userinfo answer about another account refuses the connect and revokes its tokens
    Given the provider's userinfo will name another account than the ID token
    And she has started connecting her MySQL account
    When Carol approves at the provider as alice
    Then she is refused with "userinfo_subject_mismatch"
    And nothing is stored for her
    And the provider received the revocation of the refresh token, then of the access token, issued to that code exchange

  # In-process: a running integration keeps the metadata it discovered, which only a restart of ours empties
  # (contract 3.6).
  @contract-5.3 @in-process
  Scenario: A provider that offers no userinfo leaves the account shown by its subject, and is not asked
    Given the provider offers no userinfo endpoint
    And the integration reads the provider's metadata afresh
    When Carol connects her MySQL account as alice
    Then Carol is connected, her account shown as "acct_alice" with no name
    And the provider received no userinfo request

  @contract-5.3
  Scenario Outline: A userinfo endpoint that <fault> leaves the account shown by its subject
    Given the provider's userinfo endpoint keeps failing: <fault>
    When Carol connects her MySQL account as alice
    Then Carol is connected, her account shown as "acct_alice" with no name
    And the integration asked the provider's userinfo, with the access token it issued at the connect
    When she lists her databases
    Then she sees the databases "wonderland_shop, tea_party"

    Examples:
      | fault                                      |
      | answers 500                                |
      | answers garbage                            |
      | drops the connection                       |
      | answers the OAuth error "invalid_request"  |
