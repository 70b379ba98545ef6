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
  return match?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
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
  const form = formsOf(page, baseUrl).find((candidate) => candidate.fields.has(name) || candidate.buttons.some((b) => b.name === name));
  if (!form) throw new Error(`no form with "${name}" on the page:\n${page.slice(0, 2000)}`);
  return form;
}

/** The stable error code an error page or JSON error shows. */
export function errorCodeOf(body: string): string | undefined {
  const fromHtml = /data-error-code>([^<]*)</.exec(body)?.[1];
  if (fromHtml !== undefined) return fromHtml;
  try {
    const json = JSON.parse(body) as { error?: unknown };
    return typeof json.error === 'string' ? json.error : undefined;
  } catch {
    return undefined;
  }
}
