import { strict as assert } from 'node:assert';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { After, Given, Then, When } from '@cucumber/cucumber';

import { conformanceTable } from '../testkit/conformance/coverage';
import { requirements } from '../testkit/conformance/requirements';
import { projectRoot } from '../testkit/project-root';
import { buildReport, reportHtml, summaryLines } from './support/conformance-report';
import { contractPreflight, preflightFailure, type PreflightProblems } from './support/contract-preflight';
import { errorCodeOf } from './support/html-forms';
import { got } from './support/http';
import { needed, sceneOf } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

/** The conformance table as a step drew it. */
interface ConformanceTableScene {
  /** The lines of the conformance table. */
  conformanceTable?: string[];
}

const conformanceTableScene = sceneOf<ConformanceTableScene>(() => ({}));

function row(world: ConformanceWorld, id: string): string {
  const lines = needed(conformanceTableScene(world).conformanceTable, 'the conformance table');
  const found = lines.find((line) => line.startsWith(`| ${id} |`));
  assert.ok(found, `a row for requirement ${id}`);
  return found;
}

When('the conformance table is drawn from the features', function (this: ConformanceWorld) {
  conformanceTableScene(this).conformanceTable = conformanceTable(join(projectRoot, 'features')).lines;
});

Then(
  /^requirement "(\w+)" \([^)]*\) is covered by "([^"]+)"$/,
  function (this: ConformanceWorld, id: string, file: string) {
    const line = row(this, id);
    assert.match(line, / covered \|$/);
    assert.ok(line.includes(file), line);
  },
);

Then(/^requirement "(\w+)" \([^)]*\) is marked uncovered$/, function (this: ConformanceWorld, id: string) {
  assert.match(row(this, id), /\*\*UNCOVERED\*\* \|$/);
});

Then('every requirement appears once', function (this: ConformanceWorld) {
  const lines = needed(conformanceTableScene(this).conformanceTable, 'the conformance table');
  assert.equal(lines.length, requirements.length + 2);
  assert.equal(new Set(requirements.map((requirement) => requirement.id)).size, requirements.length);
});

/**
 * The contract preflight (contract 9.4), run here against our integration
 * in-process, as it is and behind a proxy that changes one thing of its
 * pages: so the preflight is seen to catch a wrong shape, and to pass a
 * right one.
 */
interface PreflightScene {
  /** Where the preflight looks: our integration, or the proxy in front of it. */
  url?: string;
  proxy?: Server;
  problems?: PreflightProblems;
}
const preflightScenes = new WeakMap<ConformanceWorld, PreflightScene>();
const preflightScene = (world: ConformanceWorld): PreflightScene => {
  const scene = preflightScenes.get(world) ?? {};
  preflightScenes.set(world, scene);
  return scene;
};

/**
 * A proxy in front of `upstream` whose HTML answers go through `rewrite`; it passes the integration's own origin on.
 */
async function rewritingProxy(upstream: string, rewrite: (html: string) => string): Promise<Server> {
  const target = new URL(upstream);
  const server = createServer((request, response) => {
    const own = `http://${request.headers.host ?? ''}`;
    const headers = { ...request.headers, host: target.host };
    if (headers.origin === own) headers.origin = target.origin;
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          if (/text\/html/i.test(String(answer.headers['content-type']))) body = Buffer.from(rewrite(body.toString()));
          const location = answer.headers.location?.replace(target.origin, own);
          response.writeHead(answer.statusCode ?? 502, {
            ...answer.headers,
            ...(location ? { location } : {}),
            'content-length': String(body.length),
          });
          response.end(request.method === 'HEAD' ? undefined : body);
        });
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

Given('our integration is running', async function (this: ConformanceWorld) {
  await this.start();
  preflightScene(this).url = this.sut.baseUrl;
});

Given(
  /^its error pages mark the code as (<[^>]+>) instead of with data-error-code$/,
  async function (this: ConformanceWorld, markup: string) {
    const scene = preflightScene(this);
    const wrong = /^<(\w+)\s([^>]*)>$/.exec(markup);
    assert.ok(wrong, `markup like <code class="error-code">: ${markup}`);
    scene.proxy = await rewritingProxy(this.sut.baseUrl, (html) =>
      html.replace(/<(\w+)([^>]*)\sdata-error-code(?:="[^"]*")?/g, `<${wrong[1]}$2 ${wrong[2]}`),
    );
    const { port } = scene.proxy.address() as AddressInfo;
    scene.url = `http://127.0.0.1:${port}/`;
    // The same page, straight from our integration, has the attribute: the proxy made the one difference.
    const straight = await got(new URL('/connect', this.sut.baseUrl), { throwHttpErrors: false });
    const proxied = await got(new URL('/connect', scene.url), { throwHttpErrors: false });
    assert.equal(errorCodeOf(straight.body), 'session_required');
    assert.equal(errorCodeOf(proxied.body), undefined, 'the proxied page has no data-error-code');
    assert.ok(proxied.body.includes(markup), `the proxied page marks the code as ${markup}`);
  },
);

When('the contract preflight checks it', async function (this: ConformanceWorld) {
  const scene = preflightScene(this);
  scene.problems = await contractPreflight(needed(scene.url, 'where the integration answers'));
});

Then('the preflight finds no problem', function (this: ConformanceWorld) {
  assert.deepEqual(needed(preflightScene(this).problems, 'the preflight'), []);
});

Then(
  'the preflight stops the run, each of its problems naming {string}',
  function (this: ConformanceWorld, section: string) {
    const problems = needed(preflightScene(this).problems, 'the preflight');
    assert.ok(problems.length > 0, 'the preflight found a problem');
    for (const problem of problems) assert.ok(problem.startsWith(`${section}:`), problem);
    const message = preflightFailure('the integration', problems);
    assert.ok(
      problems.some((problem) => problem.includes('data-error-code')),
      `a problem names data-error-code:\n${message}`,
    );
  },
);

Then('the run\'s report has "contract shape" failed, and no requirement failed', function (this: ConformanceWorld) {
  const problems = needed(preflightScene(this).problems, 'the preflight');
  const report = buildReport([], { outcome: 'failed', problems });
  assert.equal(report.contractShape.outcome, 'failed');
  assert.deepEqual(report.contractShape.problems, problems);
  assert.deepEqual(
    report.requirements.filter((requirement) => requirement.outcome === 'failed').map((requirement) => requirement.id),
    [],
    'no requirement failed',
  );
  assert.ok(report.requirements.every((requirement) => requirement.outcome === 'not run'));
  assert.match(reportHtml(report), /contract shape: the routes and methods/);
  assert.match(summaryLines(report).join('\n'), /contract shape: failed\n {4}contract 4\.1:/);
});

After({ tags: '@contract-preflight' }, async function (this: ConformanceWorld) {
  const proxy = preflightScenes.get(this)?.proxy;
  if (proxy) await new Promise((resolve) => proxy.close(resolve));
});
