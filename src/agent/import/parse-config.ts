// keepalived.conf text (and its includes) to a tree of statements, each with the file and line
// it came from: logical-lines.ts reads the lines as keepalived's parser does, lexer.ts splits
// them into words, block-builder.ts nests the blocks.
import { buildBlocks } from './block-builder.js';
import type { Item } from './block-builder.js';
import type { Diagnostic } from './diagnostic.js';
import { KeepalivedImportError } from './import-error.js';
import { tokenizeLine } from './lexer.js';
import { LogicalLineReader } from './logical-lines.js';
import { printable } from './printable.js';
import { readText } from './text-file.js';

export interface ConfNode {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
  /** The statement as written on its line (after comments and parameters): scripts re-read it. */
  readonly text: string;
  /** Present when the statement opens a block. */
  children?: ConfNode[];
}

export interface ParseOptions {
  /** keepalived's -i; lines '@id ...' are kept only when id matches. */
  readonly configId: string;
}

export interface ParsedConfig {
  readonly nodes: ConfNode[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads `file` and its includes. Throws what reading `file` itself throws, and a
 * KeepalivedImportError when it is not text or too large.
 */
export async function parseKeepalivedConfig(
  file: string,
  options: ParseOptions,
): Promise<ParsedConfig> {
  const text = await readText(file);
  if (!text.ok) throw new KeepalivedImportError(`${printable(file)} is ${text.reason}`);
  const diagnostics: Diagnostic[] = [];
  const lines = await new LogicalLineReader(options.configId, diagnostics).read(file, text.lines);
  const items: Item[] = [];
  for (const { text: line, file: from, line: number } of lines) {
    for (const token of tokenizeLine(line, from, number)) items.push(token);
    items.push({ kind: 'eol' });
  }
  return { nodes: buildBlocks(items, diagnostics), diagnostics };
}
