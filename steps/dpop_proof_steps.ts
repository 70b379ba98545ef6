/**
 * Steps of the mock's check of DPoP proofs (features/fapi2-dpop.feature,
 * contract 10.1): proofs signed with the connection's own key, so that only
 * their time and their `jti` can be wrong, sent to the vendor API with the
 * connection's access token. In-process: the key is read from our store.
 */
import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { proofFutureLeewaySeconds } from '../mock-provider/dpop-proofs';
import { openDpopKey } from '../src/crypto/sealed-dpop-key';
import { dpopProof } from '../src/oauth/dpop';
import { got, type Response } from './support/http';
import type { Person } from './support/people';
import type { ConformanceWorld } from './support/world';

interface ProofState {
  readonly accessToken: string;
  readonly proof: string;
  readonly url: string;
  answers: Array<Response<string>>;
}

const states = new WeakMap<ConformanceWorld, ProofState>();

function stateOf(world: ConformanceWorld): ProofState {
  const state = states.get(world);
  assert.ok(state, 'a proof was sent');
  return state;
}

/** A proof of the person's connection key for `GET <api>/databases`, issued `aheadSeconds` after the mock's now. */
async function proofOf(world: ConformanceWorld, person: Person, aheadSeconds: number): Promise<ProofState> {
  const store = await world.inProcess.storeForChecks();
  const connection = await store.findConnection(person.username);
  assert.ok(connection, `${person.name} is connected`);
  const key = openDpopKey(world.inProcess.integration.cipher, connection);
  assert.ok(key, 'her connection is DPoP-bound');
  const { accessToken } = person.tokensAtConnect;
  const url = `${await world.provider.resourceBaseUrl()}/databases`;
  const mockNow = Date.parse((await world.provider.clock()).now);
  const proof = await dpopProof(key, { method: 'GET', url, accessToken }, mockNow + aheadSeconds * 1000);
  return { accessToken, proof, url, answers: [] };
}

async function send(state: ProofState): Promise<void> {
  state.answers.push(
    await got(state.url, {
      headers: { authorization: `DPoP ${state.accessToken}`, dpop: state.proof },
      throwHttpErrors: false,
    }),
  );
}

When(
  "someone calls the vendor API with {person}'s access token and a proof of her/his connection's key issued {int} seconds ahead",
  async function (this: ConformanceWorld, person: Person, seconds: number) {
    const state = await proofOf(this, person, seconds);
    states.set(this, state);
    await send(state);
  },
);

Given(
  "someone has called the vendor API with {person}'s access token and a proof of her/his connection's key issued as far ahead as the mock allows",
  async function (this: ConformanceWorld, person: Person) {
    const state = await proofOf(this, person, proofFutureLeewaySeconds);
    states.set(this, state);
    await send(state);
    assert.equal(state.answers[0]?.statusCode, 200, state.answers[0]?.body);
  },
);

When('{int} seconds pass for the mock', async function (this: ConformanceWorld, seconds: number) {
  await this.provider.advanceClock(seconds);
});

When('the same proof is sent again', async function (this: ConformanceWorld) {
  await send(stateOf(this));
});

Then(
  'the vendor API refuses that proof with {int} {string}',
  function (this: ConformanceWorld, status: number, error: string) {
    const answer = stateOf(this).answers.at(-1);
    assert.ok(answer, 'an answer');
    assert.equal(answer.statusCode, status, answer.body);
    assert.match(String(answer.headers['www-authenticate']), new RegExp(`^DPoP .*error="${error}"`));
    assert.doesNotMatch(answer.body, /wonderland_shop/, 'no data');
  },
);

Then('a proof of the same key issued now is taken', async function (this: ConformanceWorld) {
  const state = await proofOf(this, this.people.subject, 0);
  await send(state);
  assert.equal(state.answers[0]?.statusCode, 200, state.answers[0]?.body);
});
