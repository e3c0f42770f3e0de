// Import test helpers: keepalived.conf files in a temporary directory.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { importKeepalived } from '../../../src/agent/import/import-keepalived.js';
import type { ImportResult } from '../../../src/agent/import/import-keepalived.js';

/** Writes `files` (relative path -> content) under a new directory, returns the directory. */
export async function writeTree(
  files: Readonly<Record<string, string | Uint8Array>>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'floatd-import-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** Imports one keepalived.conf text (config-id "test"), cleaning up after. */
export async function importText(text: string): Promise<ImportResult & { file: string }> {
  const dir = await writeTree({ 'keepalived.conf': text });
  try {
    const file = join(dir, 'keepalived.conf');
    return { ...(await importKeepalived(file, { configId: 'test' })), file };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Imports `main` of `files` (config-id "test"), cleaning up after; `dir` was their directory. */
export async function importTree(
  files: Readonly<Record<string, string | Uint8Array>>,
  main = 'keepalived.conf',
): Promise<ImportResult & { dir: string }> {
  const dir = await writeTree(files);
  try {
    return { ...(await importKeepalived(join(dir, main), { configId: 'test' })), dir };
  } finally {
    await removeTree(dir);
  }
}

export function removeTree(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
