/**
 * `return_to`: where the user lands after connecting. Only a path on this
 * origin is accepted, so the integration is never an open redirector
 * (RFC 9700 4.11.1): no scheme, no host, no `//host` or `/\host`, no
 * backslash or control character anywhere, and the path must resolve back to
 * our own origin.
 */
import { IntegrationError } from '../errors';

export function checkReturnTo(value: string | undefined, origin: string): string {
  if (value === undefined || value === '') return '/';
  const refuse = () => new IntegrationError('invalid_return_to', 'the "return_to" parameter must be a path on this site');
  if (value.length > 512 || !value.startsWith('/') || value.startsWith('//')) throw refuse();
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) throw refuse();
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw refuse();
  }
  if (decoded.startsWith('//') || decoded.includes('\\')) throw refuse();
  const resolved = new URL(value, origin);
  if (resolved.origin !== origin) throw refuse();
  return `${resolved.pathname}${resolved.search}`;
}
