@identity @in-process
Feature: The host product says who the user is

  The integration never decides by itself who a user is: the host product
  does, through one seam. The demo sign-in (anyone may sign in with any
  name) is one way, fit for the demo and the harness only; a product puts
  the integration behind its own proxy, which names the signed-in user in
  a request header. Which one runs is a required setting, so a deployment
  that forgets to choose does not start, rather than letting anyone in.

  Rule: the identity is chosen on purpose, never assumed

    Scenario: Without IDENTITY the integration refuses to start
      Given the integration's environment sets IDENTITY to ""
      When the configuration is checked
      Then it is refused because "IDENTITY is required: "trusted-header" (the user id comes from IDENTITY_HEADER, set by your proxy) or "demo" (anyone may sign in as anyone: never in production)."

    Scenario: The trusted header must be named
      Given the integration's environment sets IDENTITY to "trusted-header"
      When the configuration is checked
      Then it is refused because "IDENTITY_HEADER is required with IDENTITY=trusted-header."

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

    Scenario: The demo sign-in is switched off
      When a browser posts the username "mallory" to the demo sign-in
      Then the proxy's answer is refused with "not_found"

    Scenario: A connect started for one user is completed only for that user
      Given the proxy has started connecting the MySQL account of a user "carol"
      When the provider's answer to that connect arrives for a user "mallory"
      Then the proxy's answer is refused with "state_mismatch"
      When the provider's answer to that connect arrives for a user "carol", with a code the provider never issued
      Then the proxy's answer is refused with "invalid_grant"
