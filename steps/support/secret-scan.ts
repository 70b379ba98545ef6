/**
 * Every secret value a scenario saw: the client secret, the session and
 * encryption keys, every token the provider issued or was shown, every code,
 * verifier, state and nonce, every cookie the browsers held. None of them
 * may appear in any log line the integration wrote.
 */
import { strict as assert } from 'node:assert';
import type { ConformanceWorld } from './world';

const secretParameters = ['code', 'code_verifier', 'refresh_token', 'token', 'client_secret', 'state', 'nonce', 'access_token'];

export async function secretsSeen(world: ConformanceWorld): Promise<Set<string>> {
  const secrets = new Set<string>([world.config.clientSecret, ...world.config.sessionKeys]);
  for (const key of world.config.tokenEncryptionKeys.keys.values()) secrets.add(key.toString('base64url'));
  for (const request of world.mock.requests.requests) {
    for (const name of secretParameters) {
      const value = request.params[name];
      if (typeof value === 'string') secrets.add(value);
    }
    if (request.bearerToken) secrets.add(request.bearerToken);
    for (const token of request.issuedTokens) secrets.add(token);
  }
  for (const actor of world.actors.values()) {
    for (const cookie of await actor.agent.jar.getCookies(world.url('/'))) secrets.add(cookie.value);
    for (const url of actor.agent.history) {
      for (const name of ['code', 'state']) {
        const value = new URL(url).searchParams.get(name);
        if (value) secrets.add(value);
      }
    }
  }
  return new Set([...secrets].filter((secret) => secret.length >= 8));
}

export async function assertNoSecretInLogs(world: ConformanceWorld): Promise<void> {
  const secrets = await secretsSeen(world);
  for (const line of world.logLines) {
    for (const secret of secrets) {
      assert.ok(!line.includes(secret), `a secret (${secret.slice(0, 4)}…) appears in a log line: ${line.replace(secret, '[SECRET]').slice(0, 300)}`);
    }
  }
}
