@id-token
Feature: The ID token is verified in full before the connection is kept

  The ID token tells the integration which vendor account the user
  connected. A client that trusts a token with the wrong issuer, audience,
  nonce or signature can be made to attach someone else's account to this
  user. So every claim OpenID Connect Core 3.1.3.7 names is checked, and a
  token that fails any check leaves nothing behind. The provider here is the
  mock in its tampering mode: a real provider would never send these.
  Every integration is judged by the refusal's code, invalid_id_token; the
  reasons beside each forgery are our own integration's words, checked by
  an outline of their own that runs only in-process (contract 9.2). Ours
  tolerates 30 seconds of clock skew, on the expiry and on the issue time
  alike: a token issued further in the future is refused. A token typed as anything but a plain JWT (an
  access token, "at+jwt") is not an ID token, and a subject longer than the
  255 characters OpenID Connect allows is refused before anything is kept.

  Background:
    Given Carol is signed in to the integration
    And she has started connecting her MySQL account

  Rule: a token that fails any check is refused (OpenID Connect Core 3.1.3.7)

    @oidcc-3.1.3.7
    Scenario Outline: An ID token <forgery> is refused (<module>)
      Given the provider will send an ID token <forgery>
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And nothing is stored for her

      Examples: claims
        | forgery                             | reason                                    | module                      |
        | from another issuer                 | unexpected "iss" claim value              | oidcc-invalid-iss           |
        | for another client                  | unexpected "aud" claim value              | oidcc-invalid-aud           |
        | with an untrusted extra audience    | unexpected "aud" claim value              | oidcc-invalid-secondary-aud |
        | with an empty audience list         | unexpected "aud" claim value              | oidcc-invalid-aud           |
        | with an authorized party not us     | unexpected "azp" claim value              | oidcc-invalid-azp           |
        | that has expired                    | expired ("exp" claim)                     | oidcc-expired-id-token      |
        | without "iat"                       | missing "iat" claim                       | oidcc-missing-iat           |
        | without "sub"                       | missing "sub" claim                       | oidcc-missing-sub           |
        | with an empty "sub"                 | missing "sub" claim                       | oidcc-missing-sub           |
        | with a numeric "sub"                | unexpected "sub" claim value              | oidcc-missing-sub           |

      @nonce @oidcc-3.1.3.7
      Examples: the nonce (OpenID Connect Core 3.1.2.1, 3.1.3.7 item 11)
        | forgery                             | reason                                    | module                      |
        | with another nonce                  | unexpected "nonce" claim value            | oidcc-nonce-invalid         |
        | without "nonce"                     | missing "nonce" claim                     | oidcc-nonce-missing         |

      Examples: signatures
        | forgery                                        | reason                                   | module                  |
        | with a bad RS256 signature                     | signature verification failed            | oidcc-invalid-sig-rs256 |
        | with a bad ES256 signature                     | unexpected JWS "alg" header value        | oidcc-invalid-sig-es256 |
        | signed with "none"                             | unexpected JWS "alg" header value        | oidcc-idtoken-unsigned  |
        | signed with ES256, not the registered RS256    | unexpected JWS "alg" header value        | oidcc-alg-mismatch      |
        | signed with a key the provider never published | no single provider key matches the token | oidcc-unknown-key       |

      Examples: time, type and size (issue 13)
        | forgery                            | reason                            | module                  |
        | issued a year from now             | "iat" claim in the future         | iat-in-the-future       |
        | typed as an access token (at+jwt)  | unexpected JWT "typ" header value | explicit-typing         |
        | with a "sub" of 256 characters     | unexpected "sub" claim value      | sub-longer-than-allowed |

    @oidcc-3.1.3.7 @in-process
    Scenario Outline: Our integration's refusal of an ID token <forgery> gives the reason "<reason>"
      Given the provider will send an ID token <forgery>
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And the refusal says "<reason>"

      Examples:
        | forgery                                        | reason                                   |
        | from another issuer                            | unexpected "iss" claim value             |
        | for another client                             | unexpected "aud" claim value             |
        | with an untrusted extra audience               | unexpected "aud" claim value             |
        | with an empty audience list                    | unexpected "aud" claim value             |
        | with an authorized party not us                | unexpected "azp" claim value             |
        | that has expired                               | expired ("exp" claim)                    |
        | without "iat"                                  | missing "iat" claim                      |
        | without "sub"                                  | missing "sub" claim                      |
        | with an empty "sub"                            | missing "sub" claim                      |
        | with a numeric "sub"                           | unexpected "sub" claim value             |
        | with another nonce                             | unexpected "nonce" claim value           |
        | without "nonce"                                | missing "nonce" claim                    |
        | with a bad RS256 signature                     | signature verification failed            |
        | with a bad ES256 signature                     | unexpected JWS "alg" header value        |
        | signed with "none"                             | unexpected JWS "alg" header value        |
        | signed with ES256, not the registered RS256    | unexpected JWS "alg" header value        |
        | signed with a key the provider never published | no single provider key matches the token |
        | issued a year from now                         | "iat" claim in the future                |
        | typed as an access token (at+jwt)              | unexpected JWT "typ" header value        |
        | with a "sub" of 256 characters                 | unexpected "sub" claim value             |

  Rule: what the specification allows is accepted

    @oidcc-3.1.3.7
    Scenario: An audience array holding only this client is accepted
      Given the provider will send an ID token with an audience array holding only this client
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

    @oidcc-3.1.3.7
    Scenario: An ID token issued a few seconds ahead, within the clock tolerance, is accepted
      Given the provider will send an ID token issued 10 seconds from now, within the tolerance
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

    @oidcc-3.1.3.7 @jwks
    Scenario: A JWKS of a single key without key id is used for a token without key id (oidcc-kid-absent-single-jwks)
      Given the provider publishes a single signing key without key id
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

    @oidcc-3.1.3.7 @jwks
    Scenario: A signing key rotated since the keys were cached is fetched once more (oidcc-signing-key-rotation)
      Given Carol has completed connecting as alice
      And the provider has since rotated its signing key
      When Carol connects again as alice
      Then she is connected to the account "Alice Liddell"
      And the integration fetched the provider's keys once more

    @oidcc-3.1.3.7 @jwks @needs-clock
    Scenario: A key the provider withdrew is no longer trusted once the cached keys have aged
      Given Carol has completed connecting as alice
      And the provider has since withdrawn the key that signs its ID tokens
      When a day passes
      And Carol signs in again and connects as alice
      Then she is refused with "invalid_id_token"

    @oidcc-3.1.3.7 @jwks
    Scenario: An unknown key makes one refetch, not a loop
      Given Carol has completed connecting as alice
      And the provider will send an ID token signed with a key the provider never published
      When Carol connects again as alice
      Then she is refused with "invalid_id_token"
      And the integration fetched the provider's keys once more
