/**
 * `GET /`: sign in, or the connection status with the Connect button; once
 * connected, the databases, the tables of the one chosen (`?database=`),
 * the first rows of the table chosen (`&table=`) with a Next page link that
 * follows the vendor's cursor (`&after=`), and the write step: a
 * form to insert a row when `databases:write` was granted, otherwise a link
 * that asks the provider for it in addition (incremental authorization).
 */
import type { Connection } from '../store/store';
import type { VendorRow, VendorTable } from '../vendor-api/vendor-api';
import { html } from './html';
import { layout } from './layout';

export function signInPage(): string {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
      <p>Sign in to this integration (a demo sign-in: any username will do), then connect your MySQL Cloud account.</p>
      <form method="post" action="/session">
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          required
          maxlength="64"
          pattern="[A-Za-z0-9._\\-]+"
          autocomplete="username"
        />
        <button type="submit">Sign in</button>
      </form>`,
  );
}

/**
 * The user's databases, or the error code that kept us from listing them;
 * the database and table chosen, with what was read of them.
 */
export interface DatabasesView {
  readonly names?: readonly string[];
  readonly problem?: string;
  readonly database?: {
    readonly name: string;
    readonly tables?: readonly VendorTable[];
    readonly table?: {
      readonly name: string;
      readonly rows: readonly VendorRow[];
      /** The cursor this page starts after (absent: the first page). */
      readonly after?: string;
      /** The cursor of the page that follows, `null` on the last. */
      readonly next: string | null;
    };
    /** Why its tables or rows could not be read (an error code). */
    readonly problem?: string;
  };
}

const writeScope = 'databases:write';

function databasesSection(databases: DatabasesView | undefined, scopes: readonly string[]) {
  if (!databases) return '';
  if (databases.problem) {
    return html`<p class="note" data-databases-problem>
      Your databases could not be listed just now (<code>${databases.problem}</code>).
    </p>`;
  }
  const names = databases.names ?? [];
  const link = (name: string) => html`<a href="/?database=${encodeURIComponent(name)}">${name}</a>`;
  return html`<h2>Your databases</h2>
    ${
      names.length
        ? html`<ul data-databases>
            ${names.map((name) => html`<li data-database="${name}">${link(name)}</li>`)}
          </ul>`
        : html`<p>No databases yet.</p>`
    }
    ${databases.database ? databaseSection(databases.database, scopes) : ''}`;
}

function databaseSection(database: NonNullable<DatabasesView['database']>, scopes: readonly string[]) {
  if (database.problem) {
    return html`<p class="note" data-tables-problem>
      This database or table could not be read just now (<code>${database.problem}</code>).
    </p>`;
  }
  const tableLink = (name: string) =>
    html`<a href="/?database=${encodeURIComponent(database.name)}&amp;table=${encodeURIComponent(name)}">${name}</a>`;
  const tables = database.tables ?? [];
  return html`<h2>Tables of <code>${database.name}</code></h2>
    <ul data-tables>
      ${tables.map(
        (table) =>
          html`<li data-table="${table.name}">
            ${tableLink(table.name)}
            <small data-columns
              >${(table.columns ?? []).map((column) => `${column.name} ${column.type ?? ''}`.trim()).join(', ')}</small
            >
          </li>`,
      )}
    </ul>
    ${
      database.table
        ? rowsSection(
            database.name,
            database.table,
            tables.find((table) => table.name === database.table?.name),
            scopes,
          )
        : ''
    }`;
}

function rowsSection(
  database: string,
  table: NonNullable<NonNullable<DatabasesView['database']>['table']>,
  described: VendorTable | undefined,
  scopes: readonly string[],
) {
  const columns = described?.columns?.map((column) => column.name) ?? Object.keys(table.rows[0] ?? {});
  const cell = (value: unknown) =>
    typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
  const firstPage = `/?database=${encodeURIComponent(database)}&table=${encodeURIComponent(table.name)}`;
  const thisPage = table.after === undefined ? firstPage : `${firstPage}&after=${encodeURIComponent(table.after)}`;
  const writable = scopes.includes(writeScope);
  const insertable = columns.filter((column) => column !== 'id');
  return html`<h2>${table.after === undefined ? 'First rows' : 'Rows'} of <code>${table.name}</code></h2>
    <table data-rows>
      <thead>
        <tr>
          ${columns.map((column) => html`<th>${column}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${table.rows.map(
          (row) =>
            html`<tr data-row>
              ${columns.map((column) => html`<td>${cell(row[column])}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
    <p data-pages>
      ${table.after === undefined ? '' : html`<a href="${firstPage}" data-first-page>First page</a>`}
      ${table.next === null ? '' : html`<a href="${firstPage}&after=${encodeURIComponent(table.next)}" data-next-page>Next page</a>`}
    </p>
    ${
      writable
        ? html`<h3>Add a row</h3>
            <div>
              <form
                method="post"
                action="/api/databases/${encodeURIComponent(database)}/tables/${encodeURIComponent(table.name)}/rows"
                data-insert-form
              >
                ${insertable.map((column) => html`<label for="column-${column}">${column}</label> <input id="column-${column}" name="${column}" /><br />`)}
                <button type="submit">Add the row</button>
              </form>
            </div>`
        : html`<p data-write-access>
            This connection may read your databases, not write to them.
            <a
              class="button"
              href="/connect?scope=${encodeURIComponent(writeScope)}&amp;return_to=${encodeURIComponent(thisPage)}"
              >Allow writing</a
            >
          </p>`
    }`;
}

/** The status page of `user`; `signOut` when the integration's own sign-in (the demo's) signed them in. */
export function statusPage(
  user: { readonly id: string },
  connection: Connection | undefined,
  databases: DatabasesView | undefined,
  options: { readonly signOut: boolean; readonly now: number },
): string {
  const signOut = options.signOut ? signOutForm() : '';
  if (!connection) {
    return layout(
      'Not connected',
      html`<h1>Hello, ${user.id}</h1>
        <p class="status not-connected" data-connection-status="not_connected">
          Your MySQL Cloud account is not connected.
        </p>
        <a class="button" href="/connect">Connect your MySQL account</a>
        ${signOut}`,
    );
  }
  if (connection.status === 'reauth_required') {
    return layout(
      'Reconnect needed',
      html`<h1>Hello, ${user.id}</h1>
        <p class="status not-connected" data-connection-status="reauth_required">
          Your MySQL Cloud account must be connected again.
        </p>
        <p>
          The provider no longer accepts this connection (<code data-reauth-reason
            >${connection.reauthReason ?? 'unknown'}</code
          >), for example because access was revoked there.
        </p>
        <a class="button" href="/connect">Connect again</a>
        ${disconnectForm()} ${signOut}`,
    );
  }
  // On one line: the account's text is exactly its name (and email), with no layout whitespace around it.
  const account = `${connection.accountName ?? connection.subject}${connection.accountEmail ? ` (${connection.accountEmail})` : ''}`;
  return layout(
    'Connected',
    html`<h1>Hello, ${user.id}</h1>
      <p class="status connected" data-connection-status="connected">Connected to your MySQL Cloud account.</p>
      <dl>
        <dt>Account</dt>
        <dd data-account>${account}</dd>
        <dt>Scopes</dt>
        <dd data-scopes>${connection.scopes.join(' ')}</dd>
        <dt>Access expires</dt>
        <dd data-access-expires>${expiryOf(connection.accessTokenExpiresAt, options.now)}</dd>
      </dl>
      ${databasesSection(databases, connection.scopes)}
      <a class="button" href="/connect">Connect again</a>
      ${disconnectForm()} ${signOut}`,
  );
}

/**
 * How an access token's expiry reads: the page's local time, and how long from now by the integration's clock.
 * The formatter is made on first use: making it loads ICU's locale data, ~13 ms of a start's CPU (bench/README.md, B6).
 */
let expiryFormatter: Intl.DateTimeFormat | undefined;
export const expiryFormat = {
  format: (date: number): string =>
    (expiryFormatter ??= new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' })).format(date),
};

function expiryOf(expiresAt: number | undefined, now: number) {
  if (expiresAt === undefined) return 'unknown';
  const minutes = Math.round((expiresAt - now) / 60_000);
  const relative =
    minutes > 1
      ? `in ${minutes} minutes`
      : minutes === 1
        ? 'in 1 minute'
        : minutes === 0
          ? expiresAt > now
            ? 'in less than a minute'
            : 'just now'
          : `${-minutes} minute${minutes === -1 ? '' : 's'} ago`;
  return html`<time datetime="${new Date(expiresAt).toISOString()}">${expiryFormat.format(expiresAt)}</time> (<span
      data-expires-in
      >${relative}</span
    >)`;
}

function disconnectForm() {
  return html`<form method="post" action="/disconnect">
    <button type="submit" class="secondary">Disconnect</button>
  </form>`;
}

function signOutForm() {
  return html`<form method="post" action="/session/end" class="sign-out">
    <button type="submit" class="link">Sign out</button>
  </form>`;
}
