/**
 * The HTML pages, with the markup the contract names: `data-error-code`,
 * `data-error-advice`, `data-connection-status`, the Connect link. Every
 * value is escaped.
 */
import type { Problem } from './problems';
import type { Connection } from './store';

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head><body>${body}</body></html>`;

const signOut = '<form method="post" action="/session/end"><button type="submit">Sign out</button></form>';

export const signInPage = () =>
  page(
    'Sign in',
    `<h1>Sign in</h1><form method="post" action="/session"><label for="username">Username</label>
<input id="username" name="username" required maxlength="64"><button type="submit">Sign in</button></form>`,
  );

export function statusPage(userId: string, connection: Connection | undefined): string {
  const hello = `<h1>Hello, ${escape(userId)}</h1>`;
  if (!connection) {
    return page(
      'Not connected',
      `${hello}<p data-connection-status="not_connected">Your MySQL account is not connected.</p>
<a class="button" href="/connect">Connect your MySQL account</a>${signOut}`,
    );
  }
  const status =
    connection.status === 'connected'
      ? 'Connected.'
      : `Your MySQL account must be connected again (${escape(connection.reason ?? '')}).`;
  return page(
    'Your connection',
    `${hello}<p data-connection-status="${connection.status}">${status}</p>
<dl><dt>Account</dt><dd data-account>${escape(connection.name ?? connection.subject)}</dd><dt>Scopes</dt><dd data-scopes>${escape(connection.scopes.join(' '))}</dd></dl>
<a class="button" href="/connect">Connect again</a><form method="post" action="/disconnect"><button type="submit">Disconnect</button></form>${signOut}`,
  );
}

export const errorPage = (problem: Problem) =>
  page(
    'That did not work',
    `<h1>That did not work</h1><p>Error code: <code data-error-code>${problem.code}</code></p>
<p data-error-message>${escape(problem.message)}</p>${problem.extra.description === undefined ? '' : `<p>The provider said: <q data-error-description>${escape(problem.extra.description)}</q></p>`}
<p data-error-advice>${escape(problem.advice)}</p><p><a href="/">Back to the home page</a></p>`,
  );
