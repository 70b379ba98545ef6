/**
 * `npm run conformance`: each requirement beside the scenarios that check
 * it (found by their tags in features/), each uncovered one marked plainly;
 * then the OpenID Foundation's client test plans (oidf-plans.ts), module by
 * module, covered by which scenarios or not applicable and why. QA and
 * reviewers read these tables first. It exits non-zero when a plan's module
 * has neither a scenario nor a reason (docs/conformance.md).
 */
import { join } from 'node:path';

import { conformanceTable, planCoverage } from '../../testkit/conformance/coverage';
import { requirements } from '../../testkit/conformance/requirements';
import { projectRoot } from '../../testkit/project-root';

if (require.main === module) {
  const root = projectRoot;
  const { lines, covered, uncovered } = conformanceTable(join(root, 'features'));
  const plans = planCoverage(join(root, 'features'), join(root, 'docs', 'conformance.md'));
  process.stdout.write(
    `${lines.join('\n')}\n\n${covered} of ${requirements.length} requirements covered, ${uncovered} uncovered.\n\n` +
      `## The OpenID Foundation's client test plans (docs/conformance.md)\n\n${plans.lines.join('\n')}\n` +
      plans.counts
        .map(
          ({ plan, covered: byScenarios, notApplicable }) =>
            `${plan}: ${byScenarios} covered, ${notApplicable} not applicable`,
        )
        .join('\n') +
      '\n',
  );
  if (plans.problems.length > 0) {
    process.stderr.write(`\n${plans.problems.map((problem) => `- ${problem}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}
