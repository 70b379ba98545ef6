/**
 * The World: fresh per scenario. It puts together the system under test
 * ("the integration", in-process or remote), "the provider" (the mock,
 * in-process or remote, through provider-driver.ts), the people of the
 * scenario with their browsers, and the child processes a scenario starts.
 * What steps remember for later steps is in the scene of their feature area
 * (scenes/). The HTTP detail of the tasks lives in
 * tasks.ts; the deep checks of our own store in store-probe.ts.
 */
import { type IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import type { JWK } from 'jose';
import type { Page } from 'playwright-core';

import { integrationClient } from '../../testkit/local-system';
import { ChildProcesses } from './child-processes';
import { InProcessIntegration, type StoreKind } from './in-process-integration';
import { startInProcessMock } from './in-process-mock';
import type { Capability, IntegrationDriver } from './integration-driver';
import { People } from './people';
import type { InProcessProvider, ProviderDriver } from './provider-driver';
import { RemoteIntegration, remoteTarget } from './remote-integration';
import { connectRemoteProvider } from './remote-provider';
import { fapi2Environment, newClientKey, type SecurityProfile, securityProfileOf } from './security-profile';
import { declaredSettings } from './settings';
import type { StoreProbe } from './store-probe';
import { type CertificateKind, tlsMaterial } from './tls';
import type { HttpResponse } from './user-agent';

export class ConformanceWorld extends World {
  /** The certificate the in-process mock presents in an @https scenario (the harness trusts the test CA). */
  tls: CertificateKind | undefined;
  readonly people = new People(() => (this.tls ? tlsMaterial().caPem : undefined));
  readonly processes = new ChildProcesses();
  /** The integration under test. */
  sut!: IntegrationDriver;
  /** The provider (the mock). */
  provider!: ProviderDriver;
  /** The last answer anyone in the scenario got from the integration. */
  lastAnswer: HttpResponse | undefined;
  /** The browser page of an @browser scenario. */
  page: Page | undefined;
  /** Where the integration under test answers when a scenario starts one of its own (the demo). */
  integrationUrl: string | undefined;
  /** Under FAPI 2.0: the integration's private client signing keys (CLIENT_SIGNING_KEYS), newest first. */
  clientKeys: JWK[] = [];

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** The store profile of this run: `memory` (default) or `mysql` (cucumber's worldParameters). */
  get storeKind(): StoreKind {
    return (this.parameters as { store?: string }).store === 'mysql' ? 'mysql' : 'memory';
  }

  /**
   * The security profile of this run (cucumber's worldParameters): `basic`, or
   * `fapi2` (the mock's FAPI 2.0 profile, our integration with PAR,
   * private_key_jwt and DPoP). Remote: the profile the integration declares
   * (SECURITY_PROFILE, contract 2.2), or `fapi2` under the remote-fapi2 profile.
   */
  get securityProfile(): SecurityProfile {
    if (remoteTarget() && declaredSettings(remoteTarget()?.integrationUrl ?? '').securityProfile === 'fapi2')
      return 'fapi2';
    return securityProfileOf(this.parameters);
  }

  /** In-process: our src/ started for this scenario; remote: INTEGRATION_URL and MOCK_URL (the remote profile). */
  get mode(): 'in-process' | 'remote' {
    return remoteTarget() ? 'remote' : 'in-process';
  }

  /** Start the provider and the integration (in-process), or reach them and reset the mock (remote). */
  async start(options: { tls?: CertificateKind } = {}): Promise<void> {
    const remote = remoteTarget();
    if ((this.parameters as { store?: string }).store === 'remote' && !remote) {
      throw new Error(
        'the remote profile checks a running integration: set INTEGRATION_URL and MOCK_URL (see docs/contract.md)',
      );
    }
    if (remote) {
      this.provider = await connectRemoteProvider(remote.mockUrl);
      await this.provider.reset();
      this.sut = await RemoteIntegration.connect(remote.integrationUrl);
      return;
    }
    this.tls = options.tls;
    const profile = this.securityProfile;
    const integration = await InProcessIntegration.listen(this.storeKind);
    this.sut = integration;
    const provider = await startInProcessMock(integrationClient(integration.redirectUri), {
      profile,
      store: this.storeKind,
      ...(this.tls ? { tls: this.tls } : {}),
    });
    this.provider = provider;
    if (profile === 'fapi2') this.clientKeys = [newClientKey('client-1')];
    await integration.start(provider.local, {
      ...(this.tls ? { caFile: tlsMaterial().caFile } : {}),
      ...(profile === 'fapi2' ? { environment: fapi2Environment(this.clientKeys) } : {}),
    });
  }

  async stop(): Promise<void> {
    await this.processes.stop();
    await Promise.allSettled([this.sut?.stop(), this.provider?.local?.close()]);
  }

  /** Our own integration, for the steps only it allows (its scenarios are tagged @in-process). */
  get inProcess(): InProcessIntegration {
    if (!(this.sut instanceof InProcessIntegration)) {
      throw new Error(
        'this step needs our integration in-process (its internals, its configuration): tag the scenario @in-process',
      );
    }
    return this.sut;
  }

  /** The in-process mock, for the steps only it allows (its scenarios are tagged @in-process). */
  get inProcessProvider(): InProcessProvider {
    if (this.provider.mode !== 'in-process')
      throw new Error('this step needs the mock in-process: tag the scenario @in-process');
    return this.provider;
  }

  /** Restart the in-process mock on its port, presenting another certificate (the integration is left as it is). */
  async presentCertificate(kind: CertificateKind): Promise<void> {
    const mock = this.inProcessProvider.local;
    await mock.close();
    this.provider = await startInProcessMock(mock.client, {
      tls: kind,
      port: Number(new URL(mock.issuer).port),
      profile: mock.profile,
    });
  }

  /**
   * Whether the integration under test offers a capability (integration-driver.ts): a step asks this, never which
   * driver it has (docs/decisions.md, `harness-capabilities`).
   */
  can(capability: Capability): boolean {
    return this.sut.capabilities[capability];
  }

  /**
   * Our store, read as the harness, for the deep checks made in addition in-process (capability `store`); throws,
   * naming the capability, when the integration under test offers none. A check made only where it is offered asks
   * `can('store')` first.
   */
  get store(): StoreProbe {
    return this.sut.store();
  }

  /** An absolute URL of the integration under test. */
  url(path: string): string {
    return new URL(path, this.integrationUrl ?? this.sut.baseUrl).href;
  }

  /** The integration's origin, as a browser on its pages sends it. */
  get origin(): string {
    return new URL(this.url('/')).origin;
  }

  /**
   * Time passes for the integration and the provider alike (needs the integration's clock: in-process, or the
   * remote hook). Each has a clock of its own (mock-provider/clock.ts), in-process too: both are moved.
   */
  async timePasses(seconds: number): Promise<void> {
    await this.sut.advanceClock(seconds);
    await this.provider.advanceClock(seconds);
  }
}

setWorldConstructor(ConformanceWorld);
