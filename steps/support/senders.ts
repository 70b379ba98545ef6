/**
 * Who posts to a state-changing route, by the headers a browser sends with
 * the post and a page cannot set (contract 6, RFC 9700 4.7): the
 * `{sender}` of the step text. The integration's origin is the World's.
 */
import { defineParameterType } from '@cucumber/cucumber';

import { ownPageOf, type SiteHeaders } from './user-agent';
import type { ConformanceWorld } from './world';

const senders: Record<string, (origin: string) => SiteHeaders> = {
  // Allowed: the integration's own pages, and clients that are not browsers.
  "the integration's own page": ownPageOf,
  // A browser without Fetch Metadata sends only Origin.
  "an older browser on the integration's own page": (origin) => ({ origin }),
  'a client that is not a browser': () => ({}),
  // Refused: each one alone says the post came from elsewhere.
  "another site's page": () => ({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
  'an older browser on another site': () => ({ origin: 'https://evil.example' }),
  'a sandboxed frame': () => ({ origin: 'null' }),
  // Only Sec-Fetch-Site, which a page cannot set, tells the truth here.
  'a sibling site that forges the Origin': (origin) => ({ origin, 'sec-fetch-site': 'same-site' }),
};

/** Longest first, so that no name is matched by a shorter one it begins with. */
const names = Object.keys(senders).sort((a, b) => b.length - a.length);

defineParameterType({
  name: 'sender',
  regexp: new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')),
  transformer(this: ConformanceWorld, name: string): SiteHeaders {
    return (senders[name] as (origin: string) => SiteHeaders)(this.origin);
  },
});
