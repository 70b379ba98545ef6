/**
 * Strict query parsing for the routes that act on what the provider or an
 * attacker put in a URL. Node's lenient parser silently keeps invalid
 * percent-encoding and turns a repeated parameter into an array; here each of
 * those is a `malformed_request`, naming the parameter at fault when it is one
 * of the protocol's: a name someone else chose is never quoted back (our
 * error page says nothing the request made up).
 */
import { IntegrationError } from '../errors';

export const maxQueryLength = 8192;
export const maxParameterLength = 2048;

/** The parameters our routes read, whose names a message may quote. */
const knownParameters = new Set([
  'code',
  'state',
  'iss',
  'error',
  'error_description',
  'error_uri',
  'session_state',
  'return_to',
]);

export function parseQueryParameters(querystring: string): ReadonlyMap<string, string> {
  if (querystring.length > maxQueryLength) {
    throw new IntegrationError('malformed_request', `the query is longer than ${maxQueryLength} characters`);
  }
  const parameters = new Map<string, string>();
  for (const pair of querystring.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const rawName = separator === -1 ? pair : pair.slice(0, separator);
    const rawValue = separator === -1 ? '' : pair.slice(separator + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw new IntegrationError('malformed_request', 'the query has invalid percent-encoding or UTF-8');
    }
    const named = knownParameters.has(name) ? `the "${name}" parameter` : 'a parameter';
    if (parameters.has(name)) throw new IntegrationError('malformed_request', `${named} appears more than once`);
    if (value.length > maxParameterLength) throw new IntegrationError('malformed_request', `${named} is too long`);
    parameters.set(name, value);
  }
  return parameters;
}
