/**
 * jose, loaded on first use: an ID token check, a signed client assertion or
 * DPoP proof, a JWKS. A start needs none of them, and jose (ESM, loaded
 * through `require`) was a tenth of a start's CPU (bench/README.md, B6).
 * Its types are imported as types only (`import type ... from 'jose'`),
 * which load nothing.
 */
import type * as Jose from 'jose';

let loaded: typeof Jose | undefined;

export function jose(): typeof Jose {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('jose') as typeof Jose);
}
