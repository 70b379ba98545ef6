@identity @in-process
Feature: The host product says who the user is

  The integration never decides by itself who a user is: the host product
  does, through one seam. The demo sign-in (anyone may sign in with any
  name) is one way, fit for the demo and the harness only; a product puts
  the integration behind its own proxy, which names the signed-in user in
  a request header. Which one runs is a required setting, so a deployment
  that forgets to choose does not start, rather than letting anyone in.

  The header is believed only from the proxy: the integration is told the
  proxies' addresses and judges each request by the address its connection
  comes from, never by X-Forwarded-For, which any client can write. Behind
  one proxy every user shares its address, so the per-address rate limits
  count each user apart. These are our integration's deployment options
  (contract 4.2 and 7, "ours"): every scenario here runs in-process only.

  Rule: the identity is chosen on purpose, never assumed

    Scenario: Without IDENTITY the integration refuses to start
      Given the integration's environment sets IDENTITY to ""
      When the configuration is checked
      Then it is refused because "IDENTITY is required: "trusted-header" (the user id comes from IDENTITY_HEADER, set by your proxy) or "demo" (anyone may sign in as anyone: never in production)."

    Scenario: The trusted header must be named
      Given the integration's environment sets IDENTITY to "trusted-header"
      And the integration's environment sets TRUSTED_PROXY_ADDRESSES to "127.0.0.1"
      When the configuration is checked
      Then it is refused because "IDENTITY_HEADER is required with IDENTITY=trusted-header."

    Scenario: The trusted header needs the addresses of the proxies that set it, wherever the integration listens
      Given the integration's environment sets IDENTITY to "trusted-header"
      And the integration's environment sets IDENTITY_HEADER to "X-Forwarded-User"
      And the integration's environment sets HOST to "127.0.0.1"
      When the configuration is checked
      Then it is refused because "TRUSTED_PROXY_ADDRESSES is required with IDENTITY=trusted-header: the addresses of the proxies that set IDENTITY_HEADER, such as 127.0.0.1."

    Scenario: The proxies' addresses must be addresses
      Given the integration's environment sets IDENTITY to "trusted-header"
      And the integration's environment sets IDENTITY_HEADER to "X-Forwarded-User"
      And the integration's environment sets TRUSTED_PROXY_ADDRESSES to "10.0.0.5, proxy.internal"
      When the configuration is checked
      Then it is refused because "TRUSTED_PROXY_ADDRESSES must be comma-separated IP addresses or CIDR ranges of your proxy, such as 10.0.0.5 or 10.0.0.0/24."

    Scenario: Named proxies let the integration listen on every interface
      Given the integration's environment sets IDENTITY to "trusted-header"
      And the integration's environment sets IDENTITY_HEADER to "X-Forwarded-User"
      And the integration's environment sets TRUSTED_PROXY_ADDRESSES to "10.0.0.5,10.1.0.0/16,fd00::1"
      And the integration's environment sets HOST to "0.0.0.0"
      When the configuration is checked
      Then it is accepted

  Rule: behind the host product's proxy, the user is whoever its header names, and no one else

    Background:
      Given the integration takes its users from the "X-Forwarded-User" header set by a trusted proxy

    Scenario: The header names the user; a request without it reaches no one's connection
      When the proxy asks for the connection status of a user "carol"
      Then the proxy's answer is 200 and says "not_connected"
      When a request without the header asks for "/api/connection"
      Then the proxy's answer is refused with "session_required"
      When a request without the header asks for "/"
      Then the proxy's answer is refused with "session_required"

    Scenario: The header from any address but the proxy's is refused, and believed from the proxy
      When a client at another address than the proxy's asks for "/api/connection" as a user "carol"
      Then the proxy's answer is refused with "untrusted_identity_header"
      When a client at another address than the proxy's asks for "/connect" as a user "carol"
      Then the proxy's answer is refused with "untrusted_identity_header"
      When a client at another address than the proxy's asks for "/api/connection" without the header
      Then the proxy's answer is refused with "session_required"
      When the proxy asks for the connection status of a user "carol"
      Then the proxy's answer is 200 and says "not_connected"

    Scenario: X-Forwarded-For cannot make a client the proxy
      Given the integration believes the X-Forwarded-For its proxy appends
      When a client at another address than the proxy's asks for "/api/connection" as a user "carol" claiming in X-Forwarded-For to be the proxy
      Then the proxy's answer is refused with "untrusted_identity_header"

    Scenario: The demo sign-in is switched off
      When a browser posts the username "mallory" to the demo sign-in
      Then the proxy's answer is refused with "not_found"

    Scenario: A connect started for one user is completed only for that user
      Given the proxy has started connecting the MySQL account of a user "carol"
      When the provider's answer to that connect arrives for a user "mallory", with a code the provider never issued
      Then the proxy's answer is refused with "state_mismatch"
      When the provider's answer to that connect arrives for a user "carol", with a code the provider never issued
      Then the proxy's answer is refused with "invalid_grant"
