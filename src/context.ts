/**
 * What every route of the integration is built with.
 */
import type { Logger } from 'pino';
import type { Config } from './config';
import type { TokenCipher } from './crypto/token-cipher';
import type { ProviderClient } from './http/provider-client';
import type { Discovery } from './oauth/discovery';
import type { JwksCache } from './oauth/jwks';
import type { RateLimiter } from './http/rate-limits';
import type { Metrics } from './observability/metrics';
import type { Store } from './store/store';
import type { Revocations } from './tokens/revocations';
import type { TokenManager } from './tokens/token-manager';
import type { VendorApi } from './tokens/vendor-api';

export interface Integration {
  readonly config: Config;
  readonly store: Store;
  readonly discovery: Discovery;
  readonly jwks: JwksCache;
  readonly http: ProviderClient;
  readonly cipher: TokenCipher;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly rateLimiter: RateLimiter;
  /** The integration's own origin (from REDIRECT_URI). */
  readonly origin: string;
  /** Epoch milliseconds; a test can move it. */
  readonly now: () => number;
  readonly tokens: TokenManager;
  readonly vendorApi: VendorApi;
  readonly revocations: Revocations;
}
