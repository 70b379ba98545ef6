@provider @rfc8414-3 @oidc-discovery-4
Feature: The provider's metadata

  An integration configures itself from the provider's metadata: where to send
  the account, where to redeem codes, which keys sign ID tokens, and what the
  provider offers (PKCE methods, `iss`, revocation, PAR, DPoP). The metadata
  must name the issuer exactly as the integration was told it (RFC 8414 3.3);
  what it offers beyond the code flow is the provider's choice, and reported.

  Scenario: Discovery names the issuer and the endpoints of the code flow
    When the client reads the provider's metadata
    Then it names the issuer exactly, with the endpoints of the code flow
    And what it advertises is reported
