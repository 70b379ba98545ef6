/**
 * The harness's interface to "the provider": everything a step does to the
 * mock. Its controls follow from mock-provider/control-table.ts (one method
 * an entry, called as the entry says); two drivers run them:
 * in-process-provider.ts calls the mock started in the test process,
 * remote-provider.ts drives a mock started elsewhere (`npm run start:mock`,
 * MOCK_URL) through its `/__control` HTTP API. Both parse what goes in and
 * what comes back with the table's schemas: a step cannot do in-process what
 * it could not do remotely. Written here once for both: the named helpers a
 * step reads better with (time passes, the modes one at a time), and a
 * reset that keeps the time that has passed.
 */
import { strict as assert } from 'node:assert';

import type { z } from 'zod';

import type { MockProvider } from '../../mock-provider';
import {
  type Control,
  type ControlName,
  controlNames,
  controlTable,
  type StepControls,
} from '../../mock-provider/control-table';
import type {
  ClientState,
  ClockState,
  Fault,
  KeyState,
  LifetimesChange,
  Modes,
  RateLimit,
  recordedRequestSchema,
  RevocationScope,
  Tampering,
  TokenState,
  vendorDataStateSchema,
} from '../../mock-provider/controls';
import type { Endpoint } from '../../mock-provider/endpoints';

export type RecordedRequest = z.output<typeof recordedRequestSchema>;
export type VendorDataState = z.output<typeof vendorDataStateSchema>;
export type {
  ClockState,
  Endpoint,
  Fault,
  KeyState,
  LifetimesChange,
  Modes,
  RateLimit,
  RevocationScope,
  Tampering,
  TokenState,
};

/** What the harness says in the provider's words, over the table's controls (the same for both drivers). */
interface ProviderVocabulary {
  /** Where the resource API is served now (issuer + its base path). */
  resourceBaseUrl(): Promise<string>;
  /** Each consent makes a new grant (on: the mock's default) or extends the account's grant (off: oidc-provider's). */
  setSeparateGrants(on: boolean): Promise<void>;
  /** What a revocation ends: that token only (`token`: the mock's default) or its whole grant (`grant`). */
  setRevocationScope(scope: RevocationScope): Promise<void>;
  /** Serve the resource API under this base path only (say `/vendor/v1`; default `/v1`). Its base URL now. */
  setResourceBasePath(path: string): Promise<string>;
  /**
   * Bypass the resource API's scope and ownership checks (on), leaving the vendor database's grants as the only lock.
   */
  bypassApiChecks(on: boolean): Promise<void>;
  /** fapi2: the token endpoint and the resource API demand a DPoP nonce (on), or not (off: the default). */
  setDpopNonces(on: boolean): Promise<void>;
  /**
   * Time passes for the provider: its clock moves forward. The integration's
   * clock is its own: `World.timePasses` moves both.
   */
  advanceClock(seconds: number): Promise<ClockState>;
  /** From now on the provider's clock runs `seconds` ahead of the integration's (negative: behind). */
  skewClock(seconds: number): Promise<ClockState>;
  /**
   * Wait until the provider holds a request to `endpoint` unanswered (a `delayMs` fault holds it until
   * `releaseHeld`); fails when none arrives within 2 s.
   */
  untilHeld(endpoint: Endpoint): Promise<void>;
  /**
   * Everything back to how the mock started (the table's `reset`), but the
   * time that has passed stays passed: the integration's clock only moves
   * forward, so the mock's is moved forward again to keep them in step.
   */
  reset(): Promise<void>;
}

interface ProviderBase extends Omit<StepControls, 'reset'>, ProviderVocabulary {
  /** The provider's issuer URL. */
  readonly issuer: string;
  /** The integration's registration at the provider: client_id and redirect URIs (never the secret). */
  readonly client: ClientState;
}

/** The mock started in the test process. */
export interface InProcessProvider extends ProviderBase {
  readonly mode: 'in-process';
  /**
   * The mock object itself, for what has no control (restarting it with another certificate, oidc-provider's models).
   */
  readonly local: MockProvider;
}

/** A mock running elsewhere, driven through its `/__control` HTTP API. */
export interface RemoteProvider extends ProviderBase {
  readonly mode: 'remote';
  readonly local?: undefined;
}

export type ProviderDriver = InProcessProvider | RemoteProvider;

/**
 * The table's controls as a step calls them, each sent by `send` (a driver's
 * one way of running a control, which parses the input and the answer with
 * the control's schemas), plus the vocabulary above.
 */
export function provider(
  send: (name: ControlName, control: Control, input: unknown) => Promise<unknown>,
): Omit<StepControls, 'reset'> & ProviderVocabulary {
  // Built by a loop over the table: each method is typed by its entry (StepControls), which TS cannot follow here.
  const controls = Object.fromEntries(
    controlNames.map((name) => {
      const control: Control = controlTable[name];
      const method = async (...args: unknown[]) => control.resultOf(await send(name, control, control.inputOf(args)));
      return [name, method];
    }),
  ) as StepControls;
  const setModes = controls.setModes;
  return {
    ...controls,
    resourceBaseUrl: async () => (await controls.about()).resourceBaseUrl,
    async setSeparateGrants(on) {
      await setModes({ separateGrants: on });
    },
    async setRevocationScope(scope) {
      await setModes({ revocationScope: scope });
    },
    async setResourceBasePath(path) {
      await setModes({ resourceBasePath: path });
      return (await controls.about()).resourceBaseUrl;
    },
    async bypassApiChecks(on) {
      await setModes({ apiChecks: on ? 'bypassed' : 'enforced' });
    },
    async setDpopNonces(on) {
      await setModes({ dpopNonces: on });
    },
    advanceClock: (seconds) => controls.changeClock({ advanceSeconds: seconds }),
    skewClock: (seconds) => controls.changeClock({ skewSeconds: seconds }),
    async untilHeld(endpoint) {
      for (let waited = 0; !(await controls.requests(endpoint)).some((request) => request.status === -1); waited += 1) {
        assert.ok(waited < 200, `a ${endpoint} request reached the provider, and is held there`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async reset() {
      const { advancedSeconds } = await controls.clock();
      await controls.reset();
      if (advancedSeconds > 0) await controls.changeClock({ advanceSeconds: Math.round(advancedSeconds) });
    },
  };
}
