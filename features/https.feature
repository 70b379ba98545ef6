@https @tls
Feature: The provider is reached over verified TLS, and the integration insists on HTTPS

  "Always use HTTPS": every exchange with the provider carries a code, a
  verifier, a client secret or a token. In these scenarios the mock runs
  over real TLS with a certificate from a throwaway CA made at test time;
  the integration trusts that CA through PROVIDER_CA_FILE, never by turning
  verification off. A certificate that does not verify stops the flow with
  a clear error, and nothing is stored. Served over HTTPS itself, the
  integration marks its cookie Secure and tells browsers to stay on HTTPS
  for a year (Strict-Transport-Security: max-age=31536000). Every page
  forbids caching and carries a Content-Security-Policy that allows nothing
  inline and nothing from elsewhere, nosniff, and a Referrer-Policy that
  keeps URLs on this site.

  @in-process
  Rule: the whole flow runs over verified TLS (RFC 9700 2, RFC 6749 10.9)

    @rfc9700 @design-contract
    Scenario: Connecting over HTTPS
      Given Alice is signed in to the integration
      When Alice connects her MySQL account as alice
      Then she is connected to the account "Alice Liddell"

    @rfc9700 @rfc6749-6
    Scenario: Refreshing over HTTPS
      Given Alice is signed in to the integration
      And Alice has connected her MySQL account as alice, with an access token that has expired
      When Alice lists her databases
      Then she sees the databases "wonderland_shop, tea_party"
      And the provider received 1 refresh request

  @in-process
  Rule: a certificate that does not verify stops the flow, and nothing is stored

    @rfc9700
    Scenario Outline: A provider certificate <kind> is refused with provider_tls_error
      Given Carol is signed in to the integration
      And the provider presents a certificate <kind>
      When Carol tries to start connecting her MySQL account
      Then it is refused with "provider_tls_error"
      And she is still signed in, and not connected
      And the provider received no request from the integration

      Examples:
        | kind             |
        | from another CA  |
        | for another name |
        | expired          |

  Rule: served over HTTPS, the integration keeps browsers on HTTPS

    @design-contract @in-process
    Scenario: Behind a TLS-terminating proxy, the session cookie is Secure and pages send Strict-Transport-Security
      Given the integration is served at an https address behind a trusted TLS-terminating proxy
      When Dave signs in through the proxy
      Then the session cookie is marked Secure, HttpOnly and SameSite=Lax
      And the answer tells the browser to stay on HTTPS
      And the session cookie carries the __Host- prefix: Path=/ and no Domain

    # In-process only: an integration may trust a TLS-terminating proxy (contract 8.2), and one on loopback sends
    # from where the harness's requests come; such an integration rightly takes the header at its word, and no
    # declared setting (contract 2.2) tells the harness whether a remote integration trusts a proxy.
    @design-contract @in-process
    Scenario: Without TRUST_PROXY, a forged X-Forwarded-Proto gets neither a Secure cookie nor Strict-Transport-Security
      When Dave signs in claiming to come through a TLS proxy
      Then no cookie the answer sets, whatever its name, is marked Secure
      And the answer does not send Strict-Transport-Security
