/**
 * Structured JSON logs (pino). Code never logs a token, secret, key or
 * authorization code; redaction is the second line of defence, for any field
 * under those names that slips into a log object.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const redactedPaths = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'token',
  'password',
  'authorization',
  'cookie',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.code',
  '*.code_verifier',
  '*.client_secret',
  '*.token',
  '*.password',
  '*.authorization',
  '*.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'mysql-integration' } };
  return destination ? pino(options, destination) : pino(options);
}
