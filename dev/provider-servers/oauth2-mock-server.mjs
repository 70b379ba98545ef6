// oauth2-mock-server (npm) as it comes, for the provider profile
// (docs/provider-mode.md): one RS256 signing key, no client registration, no
// sign-in page (its authorization endpoint answers at once with a code).
// Settings: PORT.
import { OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.env.PORT ?? 4431);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(port, '127.0.0.1');
process.stdout.write(`oauth2-mock-server at ${server.issuer.url}\n`);
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
