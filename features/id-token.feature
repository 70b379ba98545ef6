@id-token @flow
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

  Each group of examples, and each scenario, that does what a module of the
  OpenID Foundation's client test plans does carries that module's name as
  a tag (docs/conformance.md; `npm run conformance` lists them). In the
  FAPI 2.0 rerun the mock signs with ES256, the algorithm registered there:
  what is only true of an RS256 registration is tagged @basic-only, with
  the reason beside it.

  Background:
    Given Carol is signed in to the integration
    And she has started connecting her MySQL account

  Rule: a token that fails any check is refused (OpenID Connect Core 3.1.3.7)

    @oidcc-3.1.3.7
    Scenario Outline: An ID token <forgery> is refused
      Given the provider will send an ID token <forgery>
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And nothing is stored for her

      @oidcc-client-test-invalid-iss @fapi2-security-profile-final-client-test-invalid-iss
      Examples: another issuer
        | forgery             |
        | from another issuer |

      @fapi2-security-profile-final-client-test-invalid-missing-iss
      Examples: no issuer
        | forgery         |
        | without "iss"   |

      @oidcc-client-test-invalid-aud @fapi2-security-profile-final-client-test-invalid-aud
      Examples: another audience
        | forgery                     |
        | for another client          |
        | with an empty audience list |

      @fapi2-security-profile-final-client-test-invalid-missing-aud
      Examples: no audience
        | forgery       |
        | without "aud" |

      @fapi2-security-profile-final-client-test-invalid-secondary-aud
      Examples: an audience beside this client
        | forgery                          |
        | with an untrusted extra audience |

      Examples: the authorized party
        | forgery                         |
        | with an authorized party not us |

      @fapi2-security-profile-final-client-test-invalid-expired-exp
      Examples: expired
        | forgery          |
        | that has expired |

      @fapi2-security-profile-final-client-test-invalid-missing-exp
      Examples: no expiry
        | forgery       |
        | without "exp" |

      @oidcc-client-test-missing-iat
      Examples: no issue time
        | forgery       |
        | without "iat" |

      @oidcc-client-test-missing-sub
      Examples: no subject
        | forgery             |
        | without "sub"       |
        | with an empty "sub" |

      Examples: a subject that is not a string
        | forgery              |
        | with a numeric "sub" |

      @nonce @oidcc-client-test-nonce-invalid @fapi2-security-profile-final-client-test-invalid-nonce
      Examples: another nonce (OpenID Connect Core 3.1.2.1, 3.1.3.7 item 11)
        | forgery            |
        | with another nonce |

      @nonce @fapi2-security-profile-final-client-test-invalid-missing-nonce
      Examples: no nonce (OpenID Connect Core 3.1.2.1, 3.1.3.7 item 11)
        | forgery         |
        | without "nonce" |

      @oidcc-client-test-idtoken-sig-none @fapi2-security-profile-final-client-test-invalid-null-alg
      Examples: unsigned
        | forgery            |
        | signed with "none" |

      Examples: a bad signature of the registered algorithm
        | forgery                                      |
        | with a bad signature of the registered algorithm |

      # Not under fapi2: there ES256 is the registered algorithm and RS256 is refused before any signature is checked
      # (an RS256 ID token under FAPI 2.0: features/fapi2-security-profile.feature).
      @oidcc-client-test-invalid-sig-rs256 @basic-only
      Examples: a bad RS256 signature
        | forgery                    |
        | with a bad RS256 signature |

      # Not under fapi2: there ES256 is the registered algorithm, and the unpublished key's RS256 is refused before any key is looked up.
      @basic-only
      Examples: another algorithm or key than the registered RS256 one
        | forgery                                        |
        | with a bad ES256 signature                     |
        | signed with ES256, not the registered RS256    |
        | signed with a key the provider never published |

      Examples: time, type and size
        | forgery                           |
        | issued a year from now            |
        | typed as an access token (at+jwt) |
        | with a "sub" of 256 characters    |

    @oidcc-3.1.3.7 @in-process
    Scenario Outline: Our integration's refusal of an ID token <forgery> gives the reason "<reason>"
      Given the provider will send an ID token <forgery>
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And the refusal says "<reason>"

      Examples:
        | forgery                           | reason                            |
        | from another issuer               | unexpected "iss" claim value      |
        | without "iss"                     | missing "iss" claim               |
        | for another client                | unexpected "aud" claim value      |
        | with an untrusted extra audience  | unexpected "aud" claim value      |
        | with an empty audience list       | unexpected "aud" claim value      |
        | without "aud"                     | missing "aud" claim               |
        | with an authorized party not us   | unexpected "azp" claim value      |
        | that has expired                  | expired ("exp" claim)             |
        | without "exp"                     | missing "exp" claim               |
        | without "iat"                     | missing "iat" claim               |
        | without "sub"                     | missing "sub" claim               |
        | with an empty "sub"               | missing "sub" claim               |
        | with a numeric "sub"              | unexpected "sub" claim value      |
        | with another nonce                | unexpected "nonce" claim value    |
        | without "nonce"                   | missing "nonce" claim             |
        | signed with "none"                | unexpected JWS "alg" header value |
        | with a bad signature of the registered algorithm | signature verification failed |
        | issued a year from now            | "iat" claim in the future         |
        | typed as an access token (at+jwt) | unexpected JWT "typ" header value |
        | with a "sub" of 256 characters    | unexpected "sub" claim value      |

      # Not under fapi2: these reasons are those of an RS256 registration.
      @basic-only
      Examples: under the registered RS256
        | forgery                                        | reason                                   |
        | with a bad RS256 signature                     | signature verification failed            |
        | with a bad ES256 signature                     | unexpected JWS "alg" header value        |
        | signed with ES256, not the registered RS256    | unexpected JWS "alg" header value        |
        | signed with a key the provider never published | no single provider key matches the token |

  Rule: what the specification allows is accepted

    @oidcc-3.1.3.7 @fapi2-security-profile-final-client-test-valid-aud-as-array
    Scenario: An audience array holding only this client is accepted
      Given the provider will send an ID token with an audience array holding only this client
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

    @oidcc-3.1.3.7
    Scenario: An ID token issued a few seconds ahead, within the clock tolerance, is accepted
      Given the provider will send an ID token issued 10 seconds from now, within the tolerance
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

    @oidcc-3.1.3.7 @jwks @oidcc-client-test-kid-absent-single-jwks
    Scenario: A JWKS of a single key without key id is used for a token without key id
      Given the provider publishes a single signing key without key id
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"

    @oidcc-3.1.3.7 @jwks @oidcc-client-test-kid-absent-multiple-jwks
    Scenario: A token without key id, among several keys without key id, is refused or verified by each key in turn
      Given the provider publishes several signing keys without key id, the one that signs last
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell", or refused with "invalid_id_token" and nothing is stored for her

    @oidcc-3.1.3.7 @jwks @oidcc-client-test-kid-absent-multiple-jwks
    Scenario: A token without key id and with a bad signature is refused, whichever of several keys without key id is tried
      Given the provider publishes several signing keys without key id, the one that signs last
      And the provider will send an ID token with a bad signature of the registered algorithm
      When Carol approves at the provider as alice
      Then she is refused with "invalid_id_token"
      And nothing is stored for her

    @oidcc-3.1.3.7 @jwks @oidcc-client-test-signing-key-rotation
    Scenario: A signing key rotated since the keys were cached is fetched once more
      Given Carol has completed connecting as alice
      And the provider has since rotated its signing key
      When Carol connects again as alice
      Then she is connected to the account "Alice Liddell"
      And the integration fetched the provider's keys once more

    @oidcc-3.1.3.7 @jwks @oidcc-client-test-signing-key-rotation-just-before-signing
    Scenario: A signing key rotated after the authorization request, just before the ID token is signed, is fetched
      Given Carol has completed connecting as alice
      And she has started connecting again
      And the provider has since rotated its signing key
      When Carol approves at the provider as alice
      Then she is connected to the account "Alice Liddell"
      And the integration fetched the provider's keys once more

    @oidcc-3.1.3.7 @jwks @needs-clock
    Scenario: A key the provider withdrew is no longer trusted once the cached keys have aged
      Given Carol has completed connecting as alice
      And the provider has since withdrawn the key that signs its ID tokens
      When a day passes
      And Carol signs in again and connects as alice
      Then she is refused with "invalid_id_token"

    # Not under fapi2: the unpublished key is an RS256 one, refused there for its algorithm before any key is looked up.
    @oidcc-3.1.3.7 @jwks @basic-only
    Scenario: An unknown key makes one refetch, not a loop
      Given Carol has completed connecting as alice
      And the provider will send an ID token signed with a key the provider never published
      When Carol connects again as alice
      Then she is refused with "invalid_id_token"
      And the integration fetched the provider's keys once more
