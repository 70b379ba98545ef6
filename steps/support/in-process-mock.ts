/**
 * The mock provider started in the test process for one scenario, wrapped
 * in the provider driver. Its signing keys are generated once per run (RSA
 * key generation is the slowest part of starting it).
 */
import { startMockProvider, type ClientRegistration } from '../../mock-provider';
import { generateSigningKeys, type SigningKey } from '../../mock-provider/keys';
import { InProcessProvider } from './provider-driver';
import { tlsMaterial, type CertificateKind } from './tls';

let sharedKeys: Promise<SigningKey[]> | undefined;

/** Start the mock with the integration's registration; over TLS with a certificate of this kind when asked. */
export async function startInProcessMock(client: ClientRegistration, options: { tls?: CertificateKind; port?: number } = {}): Promise<InProcessProvider> {
  sharedKeys ??= generateSigningKeys();
  const mock = await startMockProvider({
    client,
    keys: await sharedKeys,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.tls ? { tls: tlsMaterial().certificates[options.tls] } : {}),
  });
  return new InProcessProvider(mock);
}
