@discovery @flow
Feature: The provider is found by discovery, and its metadata is trusted only from itself

  The integration knows one thing about the provider: its issuer. Every
  endpoint and key comes from the provider's discovery document, so the
  integration works with any standards-following provider. The document
  counts only if it names that same issuer (OpenID Connect Discovery 4.3);
  otherwise an attacker who can serve it could send users anywhere.

  The keys, too, are fetched where the discovery document says, which may
  change from one run to the next. Against a remote integration the harness
  cannot empty the discovery cache that earlier scenarios filled (contract
  3.6), so the scenarios that change the document run in-process only.

  Background:
    Given Carol is signed in to the integration

  @oidc-discovery-4.3 @oidcc-client-test-discovery-openid-config
  Scenario: The authorization request goes to the discovered endpoint
    When Carol starts connecting her MySQL account
    Then she is sent to the provider's authorization endpoint

  @oidc-discovery-4.3 @mix-up @in-process @oidcc-client-test-discovery-issuer-mismatch @fapi2-security-profile-final-client-test-discovery-issuer-mismatch
  Scenario: A discovery document naming another issuer is refused
    Given the provider's discovery document names the issuer "https://attacker.example"
    When Carol tries to start connecting her MySQL account
    Then it is refused with "provider_error"
    And no authorization request is made

  @oidc-discovery-4.3 @rfc9700 @in-process
  Scenario: A discovery document sending the token request over plain HTTP is refused
    Given the provider's discovery document names the token endpoint "http://mysql-cloud.example/token"
    When Carol tries to start connecting her MySQL account
    Then it is refused with "provider_error"
    And no authorization request is made

  @oidc-discovery-4 @jwks @in-process @oidcc-client-test-discovery-jwks-uri-keys
  Scenario: The keys are fetched from the jwks_uri the discovery document names, wherever it moved
    Given the provider's discovery document names a jwks_uri of its own for this run
    When Carol connects her MySQL account as alice
    Then she is connected to the account "Alice Liddell"
    And the provider's keys were fetched from that jwks_uri only

  @oidc-discovery-4 @in-process
  Scenario: A provider whose discovery is down is reported unavailable, then found once it is back
    Given the provider's discovery is down
    When Carol tries to start connecting her MySQL account
    Then it is refused with "provider_unavailable"
    When the provider's discovery is back
    And Carol starts connecting her MySQL account
    Then she is sent to the provider's authorization endpoint

  @oidc-discovery-4 @retries @in-process
  Scenario: A discovery failure that passes is retried without the user noticing
    Given the provider's discovery will answer 503
    When Carol starts connecting her MySQL account
    Then she is sent to the provider's authorization endpoint
    And the provider's discovery document was fetched 2 times

  @oidc-discovery-4 @in-process
  Scenario: The discovery document is fetched once and cached
    When Carol connects her MySQL account as alice
    And Carol connects again as alice
    Then the provider's discovery document was fetched 1 time
