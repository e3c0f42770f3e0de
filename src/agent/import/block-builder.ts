// Tokens to a tree of statements (keepalived.conf(5): "Keywords are placed in hierarchies of
// blocks and subblocks, each layer being delimited by '{' and '}' pairs"); a '{' alone on the
// next line opens the block of the statement before it. One loop over an explicit stack, so
// no nesting overflows the call stack; blocks nested absurdly deep are skipped with one report.
import type { Diagnostic } from './diagnostic.js';
import type { Token } from './lexer.js';
import type { ConfNode } from './parse-config.js';

export type Item = Token | { readonly kind: 'eol' };

/** keepalived's deepest blocks are a few levels (virtual_server > real_server > checker > url). */
export const MAX_BLOCK_DEPTH = 64;

interface Level {
  readonly nodes: ConfNode[];
  readonly opener: Token | undefined;
  words: Token[];
  /** The statement just ended by a line end: a '{' on the next line opens its block. */
  lastEnded: ConfNode | undefined;
}

function nodeOf(words: readonly Token[]): ConfNode {
  const [first, ...rest] = words as [Token, ...Token[]];
  const last = rest.at(-1) ?? first;
  return {
    keyword: first.text,
    args: rest.map((t) => t.text),
    file: first.file,
    line: first.line,
    text: first.source.slice(first.start, last.end),
  };
}

function flushWords(level: Level): ConfNode | undefined {
  if (level.words.length === 0) return undefined;
  const node = nodeOf(level.words);
  level.nodes.push(node);
  level.words = [];
  return node;
}

export function buildBlocks(items: readonly Item[], diagnostics: Diagnostic[]): ConfNode[] {
  const root: Level = { nodes: [], opener: undefined, words: [], lastEnded: undefined };
  const stack: Level[] = [root];
  // Inside a block past MAX_BLOCK_DEPTH: how many braces deep into the skipped part.
  let skipping = 0;
  const report = (t: Token, keyword: string, message: string): void => {
    diagnostics.push({ file: t.file, line: t.line, keyword, message, severity: 'unsupported' });
  };
  for (const item of items) {
    if (skipping > 0) {
      if (item.kind === 'open') skipping++;
      else if (item.kind === 'close') skipping--;
      continue;
    }
    const level = stack.at(-1) ?? root;
    if (item.kind === 'word') {
      level.words.push(item);
    } else if (item.kind === 'eol') {
      const node = flushWords(level);
      if (node !== undefined) level.lastEnded = node;
    } else if (item.kind === 'open') {
      let owner = flushWords(level);
      if (owner === undefined && level.lastEnded?.children === undefined) owner = level.lastEnded;
      if (owner === undefined) {
        owner = { keyword: '{', args: [], file: item.file, line: item.line, text: '{' };
        report(item, '{', 'a block without a keyword: skipped');
      }
      level.lastEnded = undefined;
      if (stack.length > MAX_BLOCK_DEPTH) {
        report(
          item,
          owner.keyword,
          `blocks nested more than ${MAX_BLOCK_DEPTH} deep: this block and everything in it are skipped`,
        );
        skipping = 1;
        continue;
      }
      owner.children = [];
      stack.push({ nodes: owner.children, opener: item, words: [], lastEnded: undefined });
    } else {
      flushWords(level);
      level.lastEnded = undefined;
      if (level.opener !== undefined) stack.pop();
      else report(item, '}', 'a "}" without a matching "{": ignored');
    }
  }
  for (const level of stack.reverse()) {
    flushWords(level);
    if (level.opener !== undefined)
      report(level.opener, '{', 'this block is not closed before the end of the configuration');
  }
  return root.nodes;
}
