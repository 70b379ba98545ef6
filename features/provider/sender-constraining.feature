@provider
Feature: Pushed authorization requests and DPoP, where the provider offers them

  An integration in the FAPI 2.0 profile pushes its requests (RFC 9126) and
  binds its tokens with DPoP (RFC 9449). Checked only against a provider whose
  discovery advertises them; skipped with the reason otherwise.

  Background:
    Given the provider's metadata

  @rfc9126-2
  Scenario: An authorization through a pushed request
    Given the provider advertises pushed authorization requests
    When the account authorizes the client through a pushed authorization request
    Then the provider sends a code back that redeems with its code verifier

  @rfc9449-5
  Scenario: A token request with a DPoP proof gets a DPoP-bound access token
    Given the provider advertises DPoP
    When the client redeems a code with a DPoP proof
    Then the access token is DPoP-bound, and userinfo takes it with a proof
