// Writes the module's generated IAM policy templates (policy-templates.ts) under infra/terraform/.
//   npx tsx infra/terraform/generate.ts          write them
//   npx tsx infra/terraform/generate.ts --check  exit 1 if any is missing or stale
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generatedFiles } from './policy-templates.js';

const here = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const files = generatedFiles();
const stale: string[] = [];

// Templates for combinations that no longer exist would be stale too.
for (const dir of ['policies/agent', 'modules/controller/policies']) {
  mkdirSync(join(here, dir), { recursive: true });
  for (const name of readdirSync(join(here, dir))) {
    const path = `${dir}/${name}`;
    if (files.has(path)) continue;
    stale.push(path);
    if (!check) rmSync(join(here, path));
  }
}
for (const [path, text] of files) {
  let current: string | undefined;
  try {
    current = readFileSync(join(here, path), 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  stale.push(path);
  if (!check) writeFileSync(join(here, path), text);
}

if (check && stale.length > 0) {
  process.stderr.write(`stale: ${stale.join(', ')}: run npx tsx infra/terraform/generate.ts\n`);
  process.exit(1);
}
process.stdout.write(
  check
    ? 'generated policy templates are current\n'
    : `wrote ${stale.length} of ${files.size} templates\n`,
);
