@provider
Feature: The ID token and userinfo

  The integration knows the account by the ID token's `sub`, verified against
  the provider's keys (OIDC Core 3.1.3.7), and names it from the profile
  claims. A conforming provider may put those claims in userinfo only (OIDC
  Core 5.4): which claims come where is reported, and userinfo must speak of
  the same subject (OIDC Core 5.3.2).

  Background:
    Given the provider's metadata

  @oidc-core-3.1.3.7
  Scenario: The ID token verifies against the provider's keys
    Given the client holds tokens
    Then the ID token is signed by a key of the provider's JWKS, for this client, from this issuer, with the nonce sent
    And the claims it carries are reported

  @oidc-core-5.3
  Scenario: userinfo speaks of the ID token's subject
    Given the client holds tokens
    When the client asks userinfo with the access token
    Then userinfo's sub is the ID token's, and the claims it returns are reported
