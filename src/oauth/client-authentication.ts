/**
 * `client_secret_basic` (RFC 6749 2.3.1): client id and secret, each
 * form-urlencoded, joined by a colon, in an HTTP Basic Authorization header.
 */
export function clientSecretBasic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
