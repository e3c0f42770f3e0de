// keepalived.conf text (and its includes) to a tree of statements, each with the file and line
// it came from. Rules from keepalived.conf(5): "include" (and includer/m/w/b/a) with glob
// patterns relative to the including file's directory; '@id' / '@^id' conditional lines
// against the config-id; blocks delimited by '{' and '}'.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { Diagnostic } from './diagnostic.js';
import { expandGlob } from './glob.js';
import { tokenizeLine } from './lexer.js';
import type { Token } from './lexer.js';

export interface ConfNode {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
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

type Item = Token | { readonly kind: 'eol' };

const INCLUDE = /^\s*include[rmwba]?\s+(.*)$/;
const CONDITIONAL = /^(\s*)@(\^?)(\S*)(.*)$/;
const PARAMETER_DEF = /^\s*\$([A-Za-z_][A-Za-z0-9_]*)=/;
// Deep enough for any real config; stops an include loop.
const MAX_INCLUDE_DEPTH = 32;

interface ReadState {
  readonly options: ParseOptions;
  readonly items: Item[];
  readonly diagnostics: Diagnostic[];
  readonly parameters: Set<string>;
}

function note(
  state: ReadState,
  file: string,
  line: number,
  keyword: string,
  message: string,
  severity: Diagnostic['severity'],
): void {
  state.diagnostics.push({ file, line, keyword, message, severity });
}

/** Applies '@id' / '@^id': the line's text to keep, or undefined to drop it. */
function conditional(
  state: ReadState,
  raw: string,
  file: string,
  line: number,
): string | undefined {
  const m = CONDITIONAL.exec(raw);
  if (m === null) return raw;
  const [, indent = '', negate = '', id = '', rest = ''] = m;
  const matches = id === state.options.configId;
  const keep = negate === '' ? matches : !matches;
  if (!keep) {
    const which = negate === '' ? `@${id}` : `@^${id}`;
    note(
      state,
      file,
      line,
      which,
      `conditional line skipped (config-id "${state.options.configId}"): ${rest.trim()}`,
      'info',
    );
    return undefined;
  }
  return indent + rest;
}

async function readInto(
  state: ReadState,
  file: string,
  depth: number,
  from?: { file: string; line: number },
): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (from === undefined) throw err;
    note(state, from.file, from.line, 'include', `cannot read ${file}: ${why}`, 'unsupported');
    return;
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const kept = conditional(state, lines[i] ?? '', file, line);
    if (kept === undefined) continue;
    const def = PARAMETER_DEF.exec(kept);
    if (def !== null) {
      state.parameters.add(def[1] ?? '');
      note(
        state,
        file,
        line,
        `$${def[1] ?? ''}`,
        'parameter definitions ($NAME=VALUE) are not supported: the line is ignored and the parameter is not substituted',
        'unsupported',
      );
      continue;
    }
    const include = INCLUDE.exec(kept);
    if (include !== null) {
      await includeFiles(
        state,
        (include[1] ?? '')
          .replace(/\s[#!].*$/, '')
          .trim()
          .replace(/^(["'])(.*)\1$/, '$2'),
        file,
        line,
        depth,
      );
      continue;
    }
    const tokens = tokenizeLine(kept, file, line);
    const used = tokens.find((t) => [...state.parameters].some((p) => t.text.includes(`$${p}`)));
    if (used !== undefined) {
      note(
        state,
        file,
        line,
        used.text,
        'uses a $parameter, which is not substituted',
        'unsupported',
      );
    }
    state.items.push(...tokens, { kind: 'eol' });
  }
}

async function includeFiles(
  state: ReadState,
  pattern: string,
  file: string,
  line: number,
  depth: number,
): Promise<void> {
  if (depth >= MAX_INCLUDE_DEPTH) {
    note(
      state,
      file,
      line,
      'include',
      `includes nested deeper than ${MAX_INCLUDE_DEPTH} (a loop?): not followed`,
      'unsupported',
    );
    return;
  }
  // keepalived.conf(5): relative paths are relative to the directory of the including file.
  const paths = await expandGlob(pattern, dirname(file));
  if (paths.length === 0)
    note(state, file, line, 'include', `"${pattern}" matched no file`, 'info');
  for (const path of paths) await readInto(state, path, depth + 1, { file, line });
}

function nodeOf(words: readonly Token[]): ConfNode {
  const [first, ...rest] = words as [Token, ...Token[]];
  return { keyword: first.text, args: rest.map((t) => t.text), file: first.file, line: first.line };
}

/** Items from `start` up to the `}` closing `opener` (or the end): statements and next index. */
function buildBlock(
  items: readonly Item[],
  start: number,
  opener: Token | undefined,
  diagnostics: Diagnostic[],
): { nodes: ConfNode[]; next: number } {
  const nodes: ConfNode[] = [];
  let words: Token[] = [];
  // The statement just ended by a line end: a '{' on the next line opens its block.
  let lastEnded: ConfNode | undefined;
  let i = start;
  while (i < items.length) {
    const item = items[i++] as Item;
    if (item.kind === 'word') {
      words.push(item);
    } else if (item.kind === 'eol') {
      if (words.length > 0) {
        lastEnded = nodeOf(words);
        nodes.push(lastEnded);
        words = [];
      }
    } else if (item.kind === 'open') {
      let owner: ConfNode;
      if (words.length > 0) {
        owner = nodeOf(words);
        nodes.push(owner);
      } else if (lastEnded !== undefined && lastEnded.children === undefined) {
        owner = lastEnded;
      } else {
        owner = { keyword: '{', args: [], file: item.file, line: item.line };
        diagnostics.push({
          file: item.file,
          line: item.line,
          keyword: '{',
          message: 'a block without a keyword: skipped',
          severity: 'unsupported',
        });
      }
      const inner = buildBlock(items, i, item, diagnostics);
      owner.children = inner.nodes;
      i = inner.next;
      words = [];
      lastEnded = undefined;
    } else {
      if (words.length > 0) nodes.push(nodeOf(words));
      words = [];
      lastEnded = undefined;
      if (opener !== undefined) return { nodes, next: i };
      diagnostics.push({
        file: item.file,
        line: item.line,
        keyword: '}',
        message: 'a "}" without a matching "{": ignored',
        severity: 'unsupported',
      });
    }
  }
  if (words.length > 0) nodes.push(nodeOf(words));
  if (opener !== undefined) {
    diagnostics.push({
      file: opener.file,
      line: opener.line,
      keyword: '{',
      message: 'this block is not closed before the end of the configuration',
      severity: 'unsupported',
    });
  }
  return { nodes, next: i };
}

/** Reads `file` and its includes; throws only if `file` itself cannot be read. */
export async function parseKeepalivedConfig(
  file: string,
  options: ParseOptions,
): Promise<ParsedConfig> {
  const state: ReadState = { options, items: [], diagnostics: [], parameters: new Set() };
  await readInto(state, file, 0);
  const { nodes } = buildBlock(state.items, 0, undefined, state.diagnostics);
  return { nodes, diagnostics: state.diagnostics };
}
