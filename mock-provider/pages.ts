/**
 * The vendor's own pages: login, consent and error. Plain HTML forms, no
 * script, so that a real browser and the harness's HTTP user agent complete
 * them the same way.
 */
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

const style = `
body{font-family:system-ui,sans-serif;background:#f4f1ea;color:#222;margin:0;padding:2rem 1rem}
main{max-width:24rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.25rem;margin-top:0}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{padding:.5rem 1rem;font-size:1rem;margin:1rem .5rem 0 0;cursor:pointer}
.error{color:#a00;background:#fee;padding:.5rem;border-radius:.25rem}ul{padding-left:1.25rem}
.vendor{font-size:.8rem;color:#666;text-transform:uppercase;letter-spacing:.05em}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body><main><p class="vendor">Mock MySQL Cloud</p>${body}</main></body>
</html>`;
}

export function loginPage(options: { action: string; clientName: string; username?: string; error?: string }): string {
  return page(
    'Sign in',
    `
<h1>Sign in to continue to ${escapeHtml(options.clientName)}</h1>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

const scopeWords: Record<string, string> = {
  openid: 'Know who you are at Mock MySQL Cloud',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Keep access while you are away (a refresh token)',
  'databases:read': 'List your databases and their tables, and read their rows',
  'databases:write': 'Add rows to the tables of your databases',
};

const scopeItems = (scopes: readonly string[]) =>
  scopes
    .map((scope) => `<li>${escapeHtml(scopeWords[scope] ?? scope)} <code>${escapeHtml(scope)}</code></li>`)
    .join('');

/**
 * What the client asks for now, in words, apart from what the account already granted it (an earlier
 * consent's grant, still standing), so that a request for more shows only the new scopes as new.
 */
export function consentPage(options: {
  action: string;
  clientName: string;
  scopes: readonly string[];
  granted: readonly string[];
}): string {
  const granted = new Set(options.granted);
  const asked = options.scopes.filter((scope) => !granted.has(scope));
  const kept = options.scopes.filter((scope) => granted.has(scope));
  return page(
    'Allow access',
    `
<h1>${escapeHtml(options.clientName)} asks to</h1>
<ul data-asked>${scopeItems(asked)}</ul>
${
  kept.length > 0
    ? `<p>You already allowed it to:</p>
<ul data-granted>${scopeItems(kept)}</ul>`
    : ''
}
<form method="post" action="${escapeHtml(options.action)}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Decline</button>
</form>`,
  );
}

export function errorPage(error: string, description?: string): string {
  return page(
    'Something went wrong',
    `
<h1>Something went wrong</h1>
<p class="error" role="alert"><code>${escapeHtml(error)}</code>${description ? `: ${escapeHtml(description)}` : ''}</p>`,
  );
}
