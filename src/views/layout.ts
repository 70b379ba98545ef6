/**
 * The page frame shared by every page of the integration. No script; the
 * stylesheet is served from this origin so the Content-Security-Policy can
 * forbid everything inline.
 */
import { type Html, html } from './html';

export const stylesheet = `
body{font-family:system-ui,sans-serif;background:#f5f7fa;color:#1f2933;margin:0;padding:2rem 1rem;line-height:1.5}
main{max-width:36rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin-top:0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
label{display:block;margin:.5rem 0 .25rem}input{padding:.5rem;font-size:1rem;width:100%;box-sizing:border-box;max-width:20rem}
button,.button{display:inline-block;padding:.5rem 1rem;font-size:1rem;margin-top:1rem;cursor:pointer;border-radius:.25rem;border:1px solid #2f5fa7;background:#2f5fa7;color:#fff;text-decoration:none}
button.secondary{background:#fff;color:#2f5fa7}button.link{background:none;border:none;color:#52606d;text-decoration:underline;padding:0}
form.sign-out{display:block;margin-top:1.5rem}form{display:inline-block;margin-right:.5rem}
.status{font-weight:600}.status.connected{color:#19703a}.status.not-connected{color:#8a5a00}
.error{background:#fdecea;border-left:4px solid #c62828;padding:.5rem 1rem}code{background:#eef1f5;padding:0 .25rem;border-radius:.2rem}
header{max-width:36rem;margin:0 auto 1rem;color:#52606d;font-size:.9rem}h2{font-size:1.1rem;margin-top:1.5rem}
.note{background:#fff8e1;border-left:4px solid #c9a227;padding:.5rem 1rem}
@media (max-width:30rem){body{padding:.75rem .5rem}main{padding:1rem}dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}`;

export function layout(title: string, body: Html): string {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · MySQL Integration</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <header>MySQL Integration</header>
        <main>${body}</main>
      </body>
    </html>`.value;
}
