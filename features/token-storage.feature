@token-storage @in-process
Feature: Tokens at rest are encrypted, and the keys can rotate without losing any

  The store is where tokens sit for months, in backups and replicas too.
  So no token is ever stored in the clear: each is sealed with AES-256-GCM
  under a key of the ring named beside it. Keys rotate: a new key goes
  first in the ring, every stored token is re-encrypted with it, and the
  old key can then be retired. A key missing from the ring is reported
  plainly and loses nothing.

  Background:
    Given Alice is signed in to the integration
    And Alice has connected her MySQL account as alice

  @rfc9700 @design-token-storage
  Scenario: The stored connection holds no token in the clear
    When the stored connection of Alice is read as raw data
    Then it holds neither her access token nor her refresh token
    And each of them is sealed with the key "k1"

  @design-token-storage @key-rotation
  Scenario: A new key reads old tokens and seals new ones
    Given the integration restarts with the key ring "k2, k1"
    When her access token has expired
    And Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"
    And each of her tokens is sealed with the key "k2"

  @design-token-storage @key-rotation
  Scenario: Rotating the keys re-encrypts every stored token with the newest key
    Given the integration restarts with the key ring "k2, k1"
    When the keys are rotated
    Then 1 connection was re-encrypted
    And each of her tokens is sealed with the key "k2"
    When the integration restarts with the key ring "k2"
    And Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"

  @design-token-storage @key-rotation
  Scenario: A key missing from the ring is reported plainly, and nothing is lost
    Given the integration restarts with the key ring "k2"
    When Alice lists her databases
    Then it is refused with "encryption_key_unavailable"
    And her stored connection is what it was before the restart
    When the integration restarts with the key ring "k2, k1"
    And Alice lists her databases
    Then she sees the databases "wonderland_shop, tea_party"
