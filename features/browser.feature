@browser @in-process
Feature: The whole flow works in a real browser

  An OAuth connect is a browser flow: redirects across two sites, cookies
  under SameSite rules, forms, the back button. A harness that only uses an
  HTTP client can pass while a real browser fails (ours once refused every
  sign-in, because the browser sent "Origin: null" under a no-referrer
  policy). These scenarios drive Debian's Chromium through the pages as a
  person would, and leave a screenshot of where each ended in the report.

  Background:
    Given Alice opens the integration in her browser and signs in

  @design-demo
  Scenario: Connect, sign in at the provider, approve: the page says connected
    When she connects her MySQL account in the browser, signing in at the provider as alice and approving
    Then her browser shows that she is connected as "Alice Liddell" with the scopes "openid profile offline_access databases:read"
    And her browser lists the databases "wonderland_shop, tea_party"

  @rfc6749-4.1.2.1
  Scenario: Denying at the provider shows the access-denied page
    When she connects her MySQL account in the browser, signing in at the provider as alice and denying
    Then her browser shows the error "access_denied" with what to do next

  @mock-provider
  Scenario: A wrong password at the provider, then the right one
    When she starts connecting in the browser and signs in at the provider as alice with the password "queen-of-hearts"
    Then the provider's page says "Wrong username or password."
    When she signs in at the provider as alice with her password and approves
    Then her browser shows that she is connected as "Alice Liddell" with the scopes "openid profile offline_access databases:read"

  @rfc7009
  Scenario: Disconnecting from the status page
    Given she has connected her MySQL account in the browser as alice
    When she presses Disconnect
    Then her browser shows that her MySQL account is not connected

  @rfc9700 @state
  Scenario: The back button, and a revisit of the callback, after a completed flow show no error
    Given she has connected her MySQL account in the browser as alice
    When she presses the back button and then revisits the callback address
    Then her browser shows that she is connected as "Alice Liddell" with the scopes "openid profile offline_access databases:read"
    And the provider received exactly 1 token request

  @csrf @design-contract
  Scenario: The session cookie is HttpOnly and SameSite=Lax, as the browser sees it
    Then her browser holds the session cookie as HttpOnly and SameSite=Lax

  @design-contract
  Scenario: The pages fit a phone's width
    Given she has connected her MySQL account in the browser as alice
    When her browser is as narrow as a phone
    Then the status page fits without scrolling sideways
