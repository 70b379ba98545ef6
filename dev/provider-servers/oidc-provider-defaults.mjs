// oidc-provider with its own default configuration, for the provider profile
// (docs/provider-mode.md): one confidential client, one account, its
// development sign-in and consent pages (devInteractions, on by default), and
// PKCE required for every client; everything else is oidc-provider's default
// (no revocation, no introspection, rotation only past 70% of a refresh
// token's life, claims by scope only: OIDC Core 5.4).
// Settings: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT ?? 4421);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID ?? 'provider-profile',
      client_secret: process.env.CLIENT_SECRET ?? 'provider-profile-secret',
      // Several, space-separated: the harness's listener and our integration's callback.
      redirect_uris: (process.env.REDIRECT_URI ?? 'http://127.0.0.1:4422/callback').split(/\s+/).filter(Boolean),
      grant_types: ['authorization_code', 'refresh_token'],
    },
  ],
  pkce: { required: () => true },
});
// devInteractions signs in any login with any password; the account is its login.
provider.listen(port, '127.0.0.1');
process.stdout.write(`oidc-provider (default configuration) at ${issuer}\n`);
process.once('SIGTERM', () => process.exit(0));
