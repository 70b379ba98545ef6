@provider
Feature: The authorization request and its response

  The integration relies on the provider to bind each code to its PKCE
  challenge, to send the account back only to the registered redirect URI,
  and to echo `state` (and, per RFC 9207, name itself with `iss`). These run
  the test account through the provider's own sign-in and consent pages.

  Background:
    Given the provider's metadata

  Rule: PKCE binds the code to the client that asked for it (RFC 7636, RFC 9700 2.1.1)

    @rfc7636-4.2
    Scenario: An S256 code challenge is taken
      When the account authorizes the client with an S256 code challenge
      Then the provider sends a code back that redeems with its code verifier

    @rfc7636-4.6 @rfc9700-2.1.1
    Scenario Outline: A code is refused without its own code verifier
      Given the account authorized the client with an S256 code challenge
      When the client redeems the code <verifier>
      Then the token endpoint refuses it with invalid_grant
      And the refusal is reported as the PKCE check

      Examples: a verifier that does not match, and a downgrade to no PKCE
        | verifier                   |
        | with a wrong code verifier |
        | without its code verifier  |

    @rfc9700-2.1.1 @reported
    Scenario: Whether a request without PKCE is refused is reported
      When the account authorizes the client without a code challenge
      Then the provider's answer to a request without PKCE is reported

    @rfc7636-4.2 @reported
    Scenario: Whether the plain method is taken is reported
      When the account authorizes the client with a plain code challenge
      Then the provider's answer to plain PKCE is reported

  Rule: The response goes to the registered redirect URI only, with state and iss

    @rfc9700-4.1.3 @rfc6749-4.1.2.1
    Scenario: A redirect URI that is not exactly the registered one is refused
      When the account authorizes the client with a redirect URI that extends the registered one
      Then the provider does not send the browser there

    @rfc6749-4.1.2
    Scenario: state comes back unchanged
      When the account authorizes the client with a state of unusual characters
      Then the response carries the same state

    @rfc9207-2
    Scenario: iss names the issuer, and is there when discovery advertises it
      When the account authorizes the client with an S256 code challenge
      Then iss names the issuer, and is there when discovery says so
