@security-headers
Feature: Pages are never cached, and tell the browser what it may do with them

  Every page of the integration may carry a user's session data: no cache
  along the way may keep it, no other site may frame it, and the browser
  runs nothing on it that the integration did not serve itself. The headers
  the contract requires (docs/contract.md, section 8.1) say so on every
  answer.

  @design-contract
  Scenario: Pages that carry session data are never cached, and carry the security headers
    Given Alice is signed in to the integration
    When Alice opens the integration
    Then the answer forbids caching and carries the security headers

  @every-page
  Scenario Outline: Every answer carries the security headers, refusals and redirects too: <page>
    When Alice's browser opens <page>
    Then the answer forbids caching and carries the security headers, with the Referrer-Policy "<referrer policy>"

    # The callback's URL holds the code: at the callback, refusals included, the browser sends no Referer at all.
    Examples:
      | page                                                | referrer policy |
      | the home page, not signed in                        | same-origin     |
      | a path where nothing is                             | same-origin     |
      | the sign-in's answer                                | same-origin     |
      | the callback with an empty query                    | no-referrer     |
      | the callback the provider sent, connecting as alice | no-referrer     |
