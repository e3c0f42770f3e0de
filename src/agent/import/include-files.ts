// keepalived.conf(5) "include" (and includer/m/w/b/a): a glob pattern relative to the
// including file's directory, its matches read in sorted order. A match that is already being
// read (the including file itself, or a file above it) is an include loop: reported once for
// that include line, and not read again, so every file is imported once per path to it.
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { Diagnostic } from './diagnostic.js';
import { expandGlob } from './glob.js';
import { readText } from './text-file.js';

export interface FileFrame {
  readonly file: string;
  readonly lines: readonly string[];
  next: number;
  /** Real paths of this file and the files including it: a repeat is an include loop. */
  readonly chain: readonly string[];
}

// Deep enough for any real configuration; a loop is caught before this by the chain.
const MAX_INCLUDE_DEPTH = 32;

/** The files `argument` names, ready to read; what cannot be read is reported at `at`. */
export async function openIncludes(
  argument: string,
  at: { readonly file: string; readonly line: number },
  chain: readonly string[],
  loopsReported: Set<string>,
  diagnostics: Diagnostic[],
): Promise<FileFrame[]> {
  const report = (message: string, severity: Diagnostic['severity'] = 'unsupported'): void => {
    diagnostics.push({ file: at.file, line: at.line, keyword: 'include', message, severity });
  };
  if (chain.length >= MAX_INCLUDE_DEPTH) {
    report(`includes nested deeper than ${MAX_INCLUDE_DEPTH}: not followed`);
    return [];
  }
  const pattern = argument.trim().replace(/^(["'])(.*)\1$/, '$2');
  const paths = await expandGlob(pattern, dirname(at.file));
  if (paths.length === 0) report(`"${pattern}" matched no file`, 'info');
  const frames: FileFrame[] = [];
  for (const path of paths) {
    let real: string;
    let text;
    try {
      real = await realpath(path);
      text = await readText(path);
    } catch (err) {
      report(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (!text.ok) {
      report(`${path} is ${text.reason}: not included`);
      continue;
    }
    if (chain.includes(real)) {
      const key = `${at.file}:${at.line}:${real}`;
      if (!loopsReported.has(key)) {
        loopsReported.add(key);
        const route = [...chain.slice(chain.indexOf(real)), real].join(' -> ');
        report(
          `an include loop (${route}): ${path} is already being read, so it is not read again`,
        );
      }
      continue;
    }
    frames.push({ file: path, lines: text.lines, next: 0, chain: [...chain, real] });
  }
  return frames;
}
