/**
 * The settings as a reader sees them: the README's settings table and
 * `.env.example`, rendered from the configuration's schema (src/config.ts),
 * where each setting is described once, beside its zod entry. `npm run
 * settings:docs` writes them; a scenario of features/configuration.feature
 * fails when either drifts from the schema.
 *
 * Each description is checked against the schema too: a documented default
 * must be the value the setting takes when unset, and a setting without one
 * must say what its absence means.
 */
import { isDeepStrictEqual } from 'node:util';

import { type SettingDoc, settingDocs, settingsSchema } from './config';

export interface DescribedSetting extends SettingDoc {
  readonly name: string;
}

/** Every setting the integration reads, in the schema's order, with its description; throws on one missing or wrong. */
export function describedSettings(): DescribedSetting[] {
  const problems: string[] = [];
  const described: DescribedSetting[] = [];
  for (const [name, entry] of Object.entries(settingsSchema.shape)) {
    const doc = settingDocs.get(entry);
    if (!doc) {
      problems.push(`${name} has no description (register it in settingDocs beside its schema entry).`);
      continue;
    }
    const unset = entry.safeParse(undefined);
    if (doc.default !== undefined) {
      const documented = entry.safeParse(doc.default);
      if (!unset.success || !documented.success || !isDeepStrictEqual(documented.data, unset.data)) {
        problems.push(`${name}: its documented default "${doc.default}" is not the value it takes when unset.`);
      }
    } else if (doc.unset === undefined) {
      problems.push(`${name} says neither its default nor what its absence means.`);
    } else if (unset.success && unset.data !== undefined) {
      problems.push(`${name} takes a value when unset: document it as its default.`);
    }
    described.push({ name, ...doc });
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return described;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The README's settings table (Markdown). */
export function settingsTable(settings: readonly DescribedSetting[] = describedSettings()): string {
  const rows = settings.map(
    (setting) =>
      `| \`${setting.name}\` | ${cell(setting.description)} | ${
        setting.default === undefined ? cell(setting.unset ?? '') : `\`${cell(setting.default)}\``
      } |`,
  );
  return ['| variable | meaning | default |', '|---|---|---|', ...rows].join('\n');
}

/** Where the table stands in the README: between these two lines, which stay. */
export const tableMarkers = {
  start:
    '<!-- settings:start: generated from src/config.ts by `npm run settings:docs`; edit the descriptions there -->',
  end: '<!-- settings:end -->',
} as const;

/** The README with its settings table rendered anew between the markers. */
export function readmeWithSettingsTable(readme: string, table: string = settingsTable()): string {
  const start = readme.indexOf(tableMarkers.start);
  const end = readme.indexOf(tableMarkers.end);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no settings table between "${tableMarkers.start}" and "${tableMarkers.end}".`);
  }
  return `${readme.slice(0, start + tableMarkers.start.length)}\n${table}\n${readme.slice(end)}`;
}

/** Words wrapped into `# ` comment lines of at most `width` characters. */
function comment(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + 1 + word.length > width && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

const envHeader = [
  '# Configuration of `npm run start:integration` (the integration alone). Generated from src/config.ts by',
  '# `npm run settings:docs`: edit the descriptions there, not here.',
  '# Copy it to .env: `npm run start:integration`, `npm run migrate` and `npm run rotate-keys` read .env',
  '# when it exists (a variable already set in the environment wins; ENV_FILE=other-file reads another',
  '# file, ENV_FILE=none none). `npm start` (the demo) needs none of this: it generates development values.',
  '# An empty value counts as unset.',
];

/** `.env.example`: each setting with its description, set to its example, else its default, else empty. */
export function envExample(settings: readonly DescribedSetting[] = describedSettings()): string {
  const blocks = settings.map((setting) =>
    [
      ...comment(
        setting.default === undefined ? `${setting.description} (${setting.unset ?? ''})` : setting.description,
      ),
      `${setting.name}=${setting.example ?? setting.default ?? ''}`,
    ].join('\n'),
  );
  return `${[envHeader.join('\n'), ...blocks].join('\n\n')}\n`;
}
