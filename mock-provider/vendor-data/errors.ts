/**
 * What the vendor's data plane refuses, as values with a stable code (the
 * resource API answers them as they are: RFC 6750 and RFC 6749 codes, never
 * a database's own error text).
 */
export type VendorDataErrorCode = 'invalid_request' | 'not_found' | 'insufficient_scope' | 'temporarily_unavailable';

const statuses: Record<VendorDataErrorCode, 400 | 403 | 404 | 503> = {
  invalid_request: 400,
  insufficient_scope: 403,
  not_found: 404,
  temporarily_unavailable: 503,
};

export class VendorDataError extends Error {
  readonly status: 400 | 403 | 404 | 503;

  constructor(
    readonly code: VendorDataErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.status = statuses[code];
  }
}

export const notFound = (what: 'database' | 'table'): VendorDataError =>
  new VendorDataError('not_found', `no such ${what}`);
export const invalidRequest = (description: string): VendorDataError =>
  new VendorDataError('invalid_request', description);
