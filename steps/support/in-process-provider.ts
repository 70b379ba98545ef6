/**
 * The provider driver of the mock started in the test process: each control
 * of mock-provider/control-table.ts parses its input with the entry's
 * schema, calls the mock's behaviour (`MockControls`, run on the mock's own
 * clock) and parses the answer with the entry's output schema, as the remote
 * driver parses the HTTP answer.
 */
import type { MockProvider } from '../../mock-provider';
import { type InProcessProvider, provider } from './provider-driver';

export function inProcessProvider(local: MockProvider): InProcessProvider {
  return {
    mode: 'in-process',
    local,
    issuer: local.issuer,
    client: { client_id: local.client.client_id, redirect_uris: [...local.client.redirect_uris] },
    ...provider(async (name, control, input) => {
      // Each behaviour takes its own entry's parsed input: the table's types were checked where both were written.
      const behaviour = local.controls[name] as (input: unknown) => unknown;
      return control.output.parse(await behaviour(control.input.parse(input)));
    }),
  };
}
