/**
 * The OpenID Foundation's client plans held against the features (testkit/conformance/oidf-plans.ts,
 * docs/conformance.md): what `npm run conformance` prints, and the verdict that makes it fail.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Then, When } from '@cucumber/cucumber';

import { type PlanCoverage, planCoverage } from '../testkit/conformance/coverage';
import { oidfPlans } from '../testkit/conformance/oidf-plans';
import { projectRoot } from '../testkit/project-root';
import type { ConformanceWorld } from './support/world';

const coverages = new WeakMap<ConformanceWorld, PlanCoverage>();

When("the OpenID Foundation's client plans are held against the features", function (this: ConformanceWorld) {
  coverages.set(this, planCoverage(join(projectRoot, 'features'), join(projectRoot, 'docs', 'conformance.md')));
});

Then(
  'every module of the Basic RP, Config RP and FAPI 2.0 client plans is covered or not applicable with a reason',
  function (this: ConformanceWorld) {
    const coverage: PlanCoverage | undefined = coverages.get(this);
    assert.ok(coverage, 'the plans were held against the features');
    const counts: PlanCoverage['counts'] = coverage.counts;
    assert.deepEqual(coverage.problems, []);
    assert.deepEqual(
      oidfPlans.map((plan) => plan.name),
      [
        'oidcc-client-basic-certification-test-plan',
        'oidcc-client-config-certification-test-plan',
        'fapi2-security-profile-final-client-test-plan',
      ],
    );
    for (const plan of oidfPlans) {
      const planCounts = counts.find((count) => count.plan === plan.name);
      assert.equal((planCounts?.covered ?? 0) + (planCounts?.notApplicable ?? 0), plan.modules.length, plan.name);
    }
  },
);

Then('against features that carry none of their tags, each module without a reason is named as a problem', function () {
  const empty = mkdtempSync(join(tmpdir(), 'no-features-'));
  try {
    const { problems } = planCoverage(empty);
    const withoutReason = oidfPlans.flatMap((plan) =>
      plan.modules.filter((module) => module.notApplicable === undefined).map((module) => module.name),
    );
    assert.equal(problems.length, withoutReason.length);
    for (const name of withoutReason)
      assert.ok(
        problems.some((problem) => problem.includes(` ${name} `)),
        name,
      );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
