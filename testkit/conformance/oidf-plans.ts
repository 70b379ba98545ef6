/**
 * The OpenID Foundation conformance suite's client (RP) test plans that this
 * harness answers, module by module, under the suite's own module names
 * (`testName` of each module's `@PublishTestModule`). Read from the suite's
 * source (gitlab.com/openid/conformance-suite, GitHub mirror
 * openid-certification/conformance-suite, commit 12f2a4da of 2026-08-20):
 * the plan classes named in `source`, in their order.
 *
 * A module is covered by the scenarios tagged `@<module name>`; one that no
 * scenario can check here carries the reason in `notApplicable`, and
 * docs/conformance.md says the same. `npm run conformance` fails when a
 * module has neither, or both, or when a feature carries a module tag that
 * no plan lists (a misspelt name).
 */
export interface PlanModule {
  /** The suite's module name, the tag of the scenarios that check it. */
  readonly name: string;
  /** What the suite's module does to the client, in a few words. */
  readonly checks: string;
  /** Why no scenario can check it against this integration; absent when scenarios do. */
  readonly notApplicable?: string;
}

export interface OidfPlan {
  /** The suite's plan name (`testPlanName`). */
  readonly name: string;
  readonly title: string;
  /** The plan's class in the suite. */
  readonly source: string;
  /**
   * The security profile the plan's scenarios must run in: `fapi2` counts only
   * scenarios of the FAPI 2.0 rerun (`@fapi2`, or `@flow` and not `@basic-only`),
   * `basic` only scenarios outside `@fapi2` features.
   */
  readonly profile: 'basic' | 'fapi2';
  readonly modules: readonly PlanModule[];
}

export const oidfPlans: readonly OidfPlan[] = [
  {
    name: 'oidcc-client-basic-certification-test-plan',
    title: 'OpenID Connect Core: Basic Certification Profile Relying Party Tests (Basic RP)',
    source: 'src/main/java/net/openid/conformance/openid/client/OIDCCClientBasicTestPlan.java',
    profile: 'basic',
    modules: [
      { name: 'oidcc-client-test', checks: 'the code flow succeeds (rp-response_type-code)' },
      { name: 'oidcc-client-test-invalid-iss', checks: 'an ID token with another iss is refused' },
      { name: 'oidcc-client-test-missing-sub', checks: 'an ID token without sub is refused' },
      { name: 'oidcc-client-test-invalid-aud', checks: 'an ID token for another audience is refused' },
      { name: 'oidcc-client-test-missing-iat', checks: 'an ID token without iat is refused' },
      {
        name: 'oidcc-client-test-kid-absent-single-jwks',
        checks: 'a token without kid is verified with the single key of the JWKS',
      },
      {
        name: 'oidcc-client-test-kid-absent-multiple-jwks',
        checks: 'a token without kid, several keys in the JWKS: refused, or each key tried',
      },
      { name: 'oidcc-client-test-idtoken-sig-rs256', checks: 'an ID token signed with RS256 is verified and accepted' },
      { name: 'oidcc-client-test-idtoken-sig-none', checks: 'an unsigned ID token (alg none) is refused' },
      { name: 'oidcc-client-test-invalid-sig-rs256', checks: 'an ID token with a bad RS256 signature is refused' },
      {
        name: 'oidcc-client-test-userinfo-invalid-sub',
        checks: 'a userinfo sub other than the ID token sub is refused',
      },
      { name: 'oidcc-client-test-nonce-invalid', checks: 'an ID token with another nonce is refused' },
      {
        name: 'oidcc-client-test-scope-userinfo-claims',
        checks: 'claims are asked for with scope values (profile, email, phone, address)',
      },
      { name: 'oidcc-client-test-client-secret-basic', checks: 'the client authenticates with client_secret_basic' },
    ],
  },
  {
    name: 'oidcc-client-config-certification-test-plan',
    title: 'OpenID Connect Core: Configuration Certification Profile Relying Party Tests (Config RP)',
    source: 'src/main/java/net/openid/conformance/openid/client/OIDCCClientConfigTestPlan.java',
    profile: 'basic',
    modules: [
      { name: 'oidcc-client-test-discovery-openid-config', checks: 'the provider is found and used by discovery' },
      {
        name: 'oidcc-client-test-discovery-jwks-uri-keys',
        checks: 'the keys are fetched from the jwks_uri of discovery, which changes every run',
      },
      {
        name: 'oidcc-client-test-discovery-issuer-mismatch',
        checks: 'a discovery document naming another issuer is refused',
      },
      { name: 'oidcc-client-test-idtoken-sig-none', checks: 'an unsigned ID token (alg none) is refused' },
      {
        name: 'oidcc-client-test-signing-key-rotation-just-before-signing',
        checks: 'keys rotated just before the ID token is signed are fetched again',
      },
      {
        name: 'oidcc-client-test-signing-key-rotation',
        checks: 'keys rotated since they were cached are fetched again',
      },
    ],
  },
  {
    name: 'fapi2-security-profile-final-client-test-plan',
    title:
      'FAPI2-Security-Profile-Final: Relying Party (client) test (plain_fapi, private_key_jwt, DPoP, unsigned requests, plain response)',
    source: 'src/main/java/net/openid/conformance/fapi2spfinal/FAPI2SPFinalClientTestPlan.java',
    profile: 'fapi2',
    modules: [
      {
        name: 'fapi2-security-profile-final-client-test-happy-path',
        checks: 'the whole flow with DPoP nonces demanded at the token endpoint and the resource server',
      },
      {
        name: 'fapi2-security-profile-final-client-test-discovery-issuer-mismatch',
        checks: 'a discovery document naming another issuer is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-iss',
        checks: 'an ID token with another iss is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-aud',
        checks: 'an ID token for another audience is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-secondary-aud',
        checks: 'an ID token with an untrusted extra audience is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-null-alg',
        checks: 'an unsigned ID token (alg none) is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-alternate-alg',
        checks: 'an ID token signed with RS256 is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-expired-exp',
        checks: 'an expired ID token is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-missing-exp',
        checks: 'an ID token without exp is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-missing-aud',
        checks: 'an ID token without aud is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-missing-iss',
        checks: 'an ID token without iss is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-valid-aud-as-array',
        checks: 'an aud array holding only the client is accepted',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-nonce',
        checks: 'an ID token with another nonce is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-missing-nonce',
        checks: 'an ID token without nonce is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-authorization-response-iss',
        checks: 'an authorization response naming another issuer is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-remove-authorization-response-iss',
        checks: 'an authorization response without iss is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-ensure-authorization-response-with-invalid-state-fails',
        checks: 'an authorization response with a state never issued is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-ensure-authorization-response-with-invalid-missing-state-fails',
        checks: 'an authorization response without state is refused',
      },
      {
        name: 'fapi2-security-profile-final-client-test-token-endpoint-response-without-expires_in',
        checks: 'a token response without expires_in is accepted',
      },
      {
        name: 'fapi2-security-profile-final-client-test-token-type-case-insensitivity',
        checks: 'a token_type in inverted case (dPoP) is accepted',
      },
      {
        name: 'fapi2-security-profile-final-client-test-rs-dpop-auth-scheme-case-insensitivity',
        checks: 'a resource server nonce demand under the scheme in another case (dpop) is answered',
      },
      {
        name: 'fapi2-security-profile-final-client-test-happy-path-no-dpop-nonce',
        checks: 'the whole flow with no DPoP nonce demanded',
      },
      {
        name: 'fapi2-security-profile-final-client-test-invalid-openbanking-intent-id',
        checks: 'an ID token with another openbanking_intent_id is refused',
        notApplicable:
          "the UK Open Banking and AU CDR variants only: the suite's @VariantNotApplicable excludes plain_fapi, the variant of a vendor's plain FAPI 2.0, and the integration asks for no openbanking_intent_id",
      },
      {
        name: 'fapi2-security-profile-final-client-refresh-token-test',
        checks: 'a resource server that always answers 401 makes the client refresh twice',
        notApplicable:
          "the Open Banking Brazil, CBUAE and KSA variants only: the suite's @VariantNotApplicable excludes plain_fapi; refresh under FAPI 2.0 is checked by the fapi2 rerun of features/refresh.feature",
      },
    ],
  },
];

/** Every module name of the plans (a module in two plans, such as oidcc-client-test-idtoken-sig-none, once). */
export const oidfModuleNames: ReadonlySet<string> = new Set(
  oidfPlans.flatMap((plan) => plan.modules.map((module) => module.name)),
);

/** Whether a tag names an OIDF client-test module (so that a misspelt one is caught). */
export function looksLikeOidfModuleTag(tag: string): boolean {
  return /^@(oidcc-client-|fapi2-security-profile-final-client-)/.test(tag);
}
