/**
 * Every secret value a scenario saw: the client secret and the keys the
 * harness gave the integration, every token the provider issued or was
 * shown, every code, verifier, state and nonce, every cookie the browsers
 * held. None of them may appear in any log line the integration wrote (ours
 * in-process; a remote one's when it offers the "logs" hook).
 */
import { strict as assert } from 'node:assert';

import { observabilityScene } from './scenes/observability';
import type { ConformanceWorld } from './world';

const secretParameters = [
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'client_secret',
  'state',
  'nonce',
  'access_token',
];

export async function secretsSeen(world: ConformanceWorld): Promise<Set<string>> {
  const secrets = new Set<string>(world.sut.knownSecrets());
  for (const request of await world.provider.requests()) {
    for (const name of secretParameters) {
      const value = request.params[name];
      if (typeof value === 'string') secrets.add(value);
    }
    if (request.bearerToken) secrets.add(request.bearerToken);
    for (const token of request.issuedTokens) secrets.add(token);
  }
  for (const person of world.people.all()) {
    for (const cookie of await person.agent.jar.getCookies(world.url('/'))) secrets.add(cookie.value);
    for (const url of person.agent.history) {
      for (const name of ['code', 'state']) {
        const value = new URL(url).searchParams.get(name);
        if (value) secrets.add(value);
      }
    }
  }
  return new Set([...secrets].filter((secret) => secret.length >= 8));
}

export async function assertNoSecretInLogs(world: ConformanceWorld): Promise<void> {
  if (!world.can('logs')) return;
  const lines = (await world.sut.logLines()).slice(observabilityScene(world).logLinesAtStart);
  const secrets = await secretsSeen(world);
  for (const line of lines) {
    for (const secret of secrets) {
      assert.ok(
        !line.includes(secret),
        `a secret (${secret.slice(0, 4)}…) appears in a log line: ${line.replace(secret, '[SECRET]').slice(0, 300)}`,
      );
    }
  }
}
