/**
 * Reading a page the way a person filling it in would: its forms, their
 * fields and buttons, and the error code an error page shows.
 */
export interface HtmlForm {
  readonly action: string;
  readonly method: string;
  readonly fields: ReadonlyMap<string, string>;
  readonly buttons: ReadonlyArray<{ name: string; value: string; label: string }>;
}

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
};

export function formsOf(page: string, baseUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, tag = '', inner = ''] = match;
    const fields = new Map<string, string>();
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name) fields.set(name, attribute(input[0], 'value') ?? '');
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map((button) => ({
      name: attribute(button[0], 'name') ?? '',
      value: attribute(button[0], 'value') ?? '',
      label: (button[2] ?? '').trim(),
    }));
    forms.push({
      action: new URL(attribute(tag, 'action') ?? baseUrl, baseUrl).href,
      method: (attribute(tag, 'method') ?? 'get').toLowerCase(),
      fields,
      buttons,
    });
  }
  return forms;
}

/** The one form on a page that has a field or button of this name. */
export function formWith(page: string, baseUrl: string, name: string): HtmlForm {
  const form = formsOf(page, baseUrl).find(
    (candidate) => candidate.fields.has(name) || candidate.buttons.some((b) => b.name === name),
  );
  if (!form) throw new Error(`no form with "${name}" on the page:\n${page.slice(0, 2000)}`);
  return form;
}

/** Text of a page as a reader sees it: the five entities unescaped (contract 4.1). */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The text of the (first) element carrying the attribute `name`, unescaped;
 * undefined when there is none (contract 4.1).
 */
export function textOfElementWith(page: string, name: string): string | undefined {
  const match = new RegExp(
    `<([a-zA-Z][\\w-]*)\\b[^>]*\\s${name}(?:\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s>]+))?[^>]*>([^<]*)</\\1\\s*>`,
  ).exec(page);
  return match?.[2] === undefined ? undefined : unescapeHtml(match[2]).trim();
}

/** The value of the page's `data-connection-status` attribute (contract 3.1); undefined when it has none. */
export function connectionStatusOf(page: string): string | undefined {
  return /\sdata-connection-status="([^"]*)"/.exec(page)?.[1];
}

/** Whether the page holds an `<a>` whose `href` is exactly `href` (contract 3.1: the Connect link is `/connect`). */
export function linksTo(page: string, href: string): boolean {
  return [...page.matchAll(/<a\b[^>]*>/gi)].some((tag) => attribute(tag[0], 'href') === href);
}

/**
 * The stable error code a refusal shows (contract 4.1): `error` of a JSON
 * answer, or the text of the element carrying `data-error-code` in an HTML
 * page.
 */
export function errorCodeOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { error?: unknown };
    if (typeof json.error === 'string') return json.error;
  } catch {
    // not JSON: an HTML page
  }
  return textOfElementWith(body, 'data-error-code');
}
