/**
 * `GET /`: sign in, or the connection status with the Connect button.
 */
import type { Connection } from '../store/store';
import { html } from './html';
import { layout } from './layout';

export function signInPage(): string {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p>Sign in to this integration (a demo sign-in: any username will do), then connect your MySQL Cloud account.</p>
<form method="post" action="/session">
<label for="username">Username</label>
<input id="username" name="username" required maxlength="64" pattern="[A-Za-z0-9._\\-]+" autocomplete="username">
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The user's databases, or the error code that kept us from listing them. */
export interface DatabasesView {
  readonly names?: readonly string[];
  readonly problem?: string;
}

function databasesSection(databases: DatabasesView | undefined) {
  if (!databases) return '';
  if (databases.problem) {
    return html`<p class="note" data-databases-problem>Your databases could not be listed just now (<code>${databases.problem}</code>).</p>`;
  }
  const names = databases.names ?? [];
  return html`<h2>Your databases</h2>
${names.length ? html`<ul data-databases>${names.map((name) => html`<li>${name}</li>`)}</ul>` : html`<p>No databases yet.</p>`}`;
}

/** The status page of `user`; `signOut` when the integration's own sign-in (the demo's) signed them in. */
export function statusPage(
  user: { readonly id: string },
  connection: Connection | undefined,
  databases: DatabasesView | undefined,
  options: { readonly signOut: boolean },
): string {
  const signOut = options.signOut ? signOutForm() : '';
  if (!connection) {
    return layout(
      'Not connected',
      html`<h1>Hello, ${user.id}</h1>
<p class="status not-connected" data-connection-status="not_connected">Your MySQL Cloud account is not connected.</p>
<a class="button" href="/connect">Connect your MySQL account</a>
${signOut}`,
    );
  }
  if (connection.status === 'reauth_required') {
    return layout(
      'Reconnect needed',
      html`<h1>Hello, ${user.id}</h1>
<p class="status not-connected" data-connection-status="reauth_required">Your MySQL Cloud account must be connected again.</p>
<p>The provider no longer accepts this connection (<code data-reauth-reason>${connection.reauthReason ?? 'unknown'}</code>), for example because access was revoked there.</p>
<a class="button" href="/connect">Connect again</a>
${disconnectForm()}
${signOut}`,
    );
  }
  const expiry = connection.accessTokenExpiresAt === undefined ? 'unknown' : new Date(connection.accessTokenExpiresAt).toISOString();
  return layout(
    'Connected',
    html`<h1>Hello, ${user.id}</h1>
<p class="status connected" data-connection-status="connected">Connected to your MySQL Cloud account.</p>
<dl>
<dt>Account</dt><dd data-account>${connection.accountName ?? connection.subject}${connection.accountEmail ? html` (${connection.accountEmail})` : ''}</dd>
<dt>Scopes</dt><dd data-scopes>${connection.scopes.join(' ')}</dd>
<dt>Access expires</dt><dd>${expiry}</dd>
</dl>
${databasesSection(databases)}
<a class="button" href="/connect">Connect again</a>
${disconnectForm()}
${signOut}`,
  );
}

function disconnectForm() {
  return html`<form method="post" action="/disconnect"><button type="submit" class="secondary">Disconnect</button></form>`;
}

function signOutForm() {
  return html`<form method="post" action="/session/end" class="sign-out"><button type="submit" class="link">Sign out</button></form>`;
}
