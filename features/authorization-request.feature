@authorization-request @flow
Feature: The authorization request asks for exactly what it needs

  The authorization request is the one part of the flow that travels
  through the user's browser, where anything in it can be seen, logged or
  changed. So it carries only what the provider needs to identify us and
  bind the answer to this attempt: the registered redirect URI, a fresh
  state, a fresh nonce and a PKCE challenge. Every secret stays on our side.
  Asking for offline_access (a refresh token), it also sends prompt=consent:
  OpenID Connect Core 11 issues a refresh token for offline access only with
  consent, and the mock, like most providers, silently drops it otherwise,
  so refresh and revocation would fail later for no visible reason.

  Background:
    Given Alice is signed in to the integration

  Rule: PKCE with S256, a fresh verifier every attempt, never in the browser (RFC 7636, RFC 9700 2.1.1)

    @rfc7636 @rfc9700 @pkce
    Scenario: The request carries an S256 code challenge
      When Alice starts connecting her MySQL account
      Then the authorization request carries an S256 code challenge

    @rfc7636 @rfc9700 @pkce
    Scenario: The token request proves possession of the challenge's verifier
      When Alice connects her MySQL account as alice
      Then the token request carries a code verifier of at least 43 characters matching the challenge
      And the code verifier never appeared in a URL her browser visited

    @rfc7636 @rfc9700 @pkce @state @nonce
    Scenario: Every attempt gets a fresh verifier, state and nonce
      When Alice starts connecting her MySQL account twice
      Then the two attempts share no code challenge, state or nonce
      And each state and nonce carries at least 256 bits

  Rule: the redirect URI is exactly the registered one (RFC 6749 4.1.1, RFC 9700 2.1)

    @rfc6749-4.1.1 @rfc9700 @redirect-uri
    Scenario: The redirect URI is the registered one, and the token request repeats it
      When Alice connects her MySQL account as alice
      Then the authorization request's redirect URI is exactly the registered one
      And the token request's redirect URI is the same

  Rule: only the code flow, and no secret or token in any URL (RFC 9700 2.1.2)

    @rfc9700 @no-token-in-url @nonce @oidcc-client-test-scope-userinfo-claims
    Scenario: Only response_type=code is asked for, with an OpenID nonce
      When Alice starts connecting her MySQL account
      Then the authorization request asks for response type "code" with the scopes "openid profile offline_access databases:read"
      And it carries a nonce
      And it asks for consent, as offline access needs

    @rfc9700 @no-token-in-url
    Scenario: No client secret or token ever travels in a URL
      When Alice connects her MySQL account as alice
      Then no URL her browser visited holds the client secret or a token

  Rule: return_to is a path on this site, never a way off it (RFC 9700 4.11.1)

    @rfc9700 @open-redirect
    Scenario Outline: A return_to that leaves the site is refused: <return_to>
      When Alice starts connecting her MySQL account, to come back to "<return_to>"
      Then she is refused with "invalid_return_to"
      And no authorization request is made

      Examples: other origins
        | return_to                 |
        | https://evil.example/     |
        | //evil.example/path       |
        | /\evil.example            |
        | http:evil.example         |
        | javascript:alert(1)       |
        | evil.example              |

      Examples: encoded tricks
        | return_to                 |
        | /%2Fevil.example          |
        | /%5Cevil.example          |
        | /%2F%2Fevil.example       |
        | /%E0%A4%A                 |

      Examples: dot segments that resolve to another host
        | return_to                 |
        | /.//evil.example/x        |
        | /a/..//evil.example/x     |
        | /%2e//evil.example        |
        | /./%2Fevil.example        |

    @rfc9700 @open-redirect
    Scenario: A query whose own percent-encoding cannot be read is malformed, return_to or not
      The encoding is read twice, and each reading has its own refusal
      (contract 4.2, 5.1): a query that cannot be percent-decoded is
      malformed_request, like any other; a return_to read from it whose path
      cannot be percent-decoded in turn (the "/%E0%A4%A" above, sent encoded
      as "%2F%25E0%25A4%25A") is not a path on this site: invalid_return_to.

      When Alice starts connecting her MySQL account with the query "return_to=/%E0%A4%A" as it is
      Then she is refused with "malformed_request"
      And no authorization request is made

    @rfc9700 @open-redirect
    Scenario: A path on this site is accepted as return_to
      When Alice starts connecting her MySQL account, to come back to "/databases?sort=name"
      Then she is sent to the provider's authorization endpoint
