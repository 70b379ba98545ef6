/**
 * `npm run settings:docs`: writes the README's settings table (between its
 * markers) and `.env.example` from the configuration's schema, where each
 * setting is described once (src/config.ts, `settingDocs`). `--check` writes
 * nothing and exits 1 when either differs from what the schema renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describedSettings, envExample, readmeWithSettingsTable, settingsTable } from '../src/config-docs';
import { projectRoot } from '../testkit/project-root';

function main(): void {
  const check = process.argv.includes('--check');
  const settings = describedSettings();
  const files = [
    {
      path: join(projectRoot, 'README.md'),
      render: (text: string) => readmeWithSettingsTable(text, settingsTable(settings)),
    },
    { path: join(projectRoot, '.env.example'), render: () => envExample(settings) },
  ];
  let stale = 0;
  for (const { path, render } of files) {
    const now = readFileSync(path, 'utf8');
    const wanted = render(now);
    if (now === wanted) continue;
    stale += 1;
    if (check) process.stderr.write(`${path} differs from what the schema renders: run npm run settings:docs\n`);
    else writeFileSync(path, wanted);
  }
  process.stdout.write(`${settings.length} settings; ${stale} file(s) ${check ? 'out of date' : 'rewritten'}\n`);
  if (check && stale > 0) process.exitCode = 1;
}

main();
