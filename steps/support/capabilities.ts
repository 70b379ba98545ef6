/**
 * Capabilities, not silence (docs/decisions.md, `harness-capabilities`):
 * against a remote integration, a scenario that needs what the integration
 * does not offer is skipped, never passed, and says why. In-process, our
 * integration offers everything (integration-driver.ts lists the
 * capabilities; a step asks `world.can(...)`).
 *
 *   @in-process               our internals: store, encryption at rest, restarts, MySQL, configuration, processes
 *   @needs-clock              the test hook "clock"
 *   @needs-revocation-queue   the test hook "revocation-queue"
 *   @needs-logs               the test hook "logs"
 *   @needs-metrics            GET /metrics
 *   @fapi2                    the FAPI 2.0 Security Profile, declared (SECURITY_PROFILE=fapi2, contract 5.8)
 */
import { capabilityTags, capabilityWords } from './integration-driver';
import { RemoteIntegration, remoteTarget } from './remote-integration';

/** The media type of the attachment that carries a skip reason (read by the conformance report). */
export const skipReasonMediaType = 'text/x.conformance-skip-reason';

export const inProcessReason =
  '@in-process: needs our own integration in-process (its store, configuration, processes or pages)';

export const fapi2Reason =
  '@fapi2: the integration does not declare the FAPI 2.0 Security Profile (SECURITY_PROFILE=fapi2, contract 5.8)';

/** Why a scenario with these tags cannot run against the integration under test; undefined when it can. */
export async function skipReason(
  tags: readonly string[],
  securityProfile: 'basic' | 'fapi2' = 'basic',
): Promise<string | undefined> {
  const remote = remoteTarget();
  if (!remote) return undefined;
  if (tags.includes('@in-process')) return inProcessReason;
  if (tags.includes('@fapi2') && securityProfile !== 'fapi2') return fapi2Reason;
  const offered = await RemoteIntegration.offered(remote.integrationUrl);
  for (const tag of tags) {
    const capability = capabilityTags[tag];
    if (capability && !offered.has(capability))
      return `${tag}: the integration does not offer ${capabilityWords[capability]}`;
  }
  return undefined;
}
