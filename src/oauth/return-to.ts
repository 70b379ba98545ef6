/**
 * `return_to`: where the user lands after connecting. Only a path on this
 * origin is accepted, so the integration is never an open redirector
 * (RFC 9700 4.11.1). The value is resolved as a browser would resolve it
 * (dot segments, backslashes, percent-encoding), and the result, which is
 * what goes into the `Location` header, must still be a plain path: it
 * starts with one `/`, not `//` or `/\`, and stays on our origin.
 */
import { IntegrationError } from '../errors';

export function checkReturnTo(value: string | undefined, origin: string): string {
  if (value === undefined || value === '') return '/';
  const refuse = () =>
    new IntegrationError('invalid_return_to', 'the "return_to" parameter must be a path on this site');
  // eslint-disable-next-line no-control-regex
  if (value.length > 512 || !value.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(value)) throw refuse();
  let resolved: URL;
  try {
    resolved = new URL(value, origin);
    decodeURIComponent(resolved.pathname);
  } catch {
    throw refuse();
  }
  const location = `${resolved.pathname}${resolved.search}`;
  if (resolved.origin !== origin || !/^\/(?![/\\])/.test(location) || /^\/(%2f|%5c)/i.test(location)) throw refuse();
  return location;
}
