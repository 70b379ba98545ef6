@conformance @no-servers @in-process
Feature: Every requirement of the conformance list is traced to the scenarios that check it

  A reviewer's first question is "which of the client-side requirements do
  you check, and where?". `npm run conformance` answers it from the tags of
  the scenarios themselves, so the answer cannot drift from the suite, and
  it names plainly what is not covered yet.

  @design-conformance
  Scenario: The table lists each requirement beside its scenarios, and marks the uncovered ones
    When the conformance table is drawn from the features
    Then requirement "1" (PKCE) is covered by "features/authorization-request.feature"
    And requirement "7" (the iss parameter) is covered by "features/callback.feature"
    And requirement "19" (DPoP and PAR) is covered by "features/fapi2-dpop.feature"
    And requirement "14b" (userinfo sub) is covered by "features/account-profile.feature"
    And every requirement appears once

  @design-conformance
  Scenario: Every module of the OpenID Foundation's client plans is covered by its tag, or set aside with a reason
    When the OpenID Foundation's client plans are held against the features
    Then every module of the Basic RP, Config RP and FAPI 2.0 client plans is covered or not applicable with a reason
    And against features that carry none of their tags, each module without a reason is named as a problem

  Rule: a remote run checks the contract's shapes once, before any scenario (contract 9.4)

    A page the harness cannot read would fail a hundred scenarios, and the
    report would then list PKCE, nonce and CSRF as failed whatever the
    integration does about them. So a remote run first asks for the routes,
    the home page, the JSON of /api/connection and /readyz, and a refusal as
    JSON and as an error page, with the readers the steps use; a wrong shape
    stops the run there, one line per problem naming its section.

    @contract-preflight @design-conformance
    Scenario: An integration in the contract's shapes passes the preflight
      Given our integration is running
      When the contract preflight checks it
      Then the preflight finds no problem

    @contract-preflight @design-conformance
    Scenario: Error pages without data-error-code stop the run before any requirement is judged
      Given our integration is running
      And its error pages mark the code as <code class="error-code"> instead of with data-error-code
      When the contract preflight checks it
      Then the preflight stops the run, each of its problems naming "contract 4.1"
      And the run's report has "contract shape" failed, and no requirement failed
