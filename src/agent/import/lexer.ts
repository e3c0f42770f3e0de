// One keepalived.conf line (comments already removed by decomment.ts) to tokens, following
// keepalived.conf(5) "Quoted strings": words are split at whitespace; " or ' quote (the quotes
// are removed, the whitespace kept, and a quote may start mid-word); backslash escapes work
// inside quotes. A '{' or '}' outside quotes is a token of its own even inside a word
// ("VI_1{"), as keepalived's parser splits a line at the first brace outside quotes.
import { NAMED_ESCAPES } from './script-words.js';

export type TokenKind = 'word' | 'open' | 'close';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** Some of the word was quoted (so "{" is a word, not a brace). */
  readonly quoted: boolean;
  /** The line the token is in, and the token's place in it: a statement's text as written. */
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

export function tokenizeLine(text: string, file: string, line: number): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  let quote: string | undefined;
  let start = 0;
  const flush = (end: number): void => {
    if (!inWord) return;
    tokens.push({ kind: 'word', text: word, file, line, quoted, source: text, start, end });
    word = '';
    inWord = false;
    quoted = false;
  };
  const begin = (at: number): void => {
    if (!inWord) start = at;
    inWord = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote !== undefined) {
      if (c === quote) {
        quote = undefined;
      } else if (c === '\\' && i + 1 < text.length) {
        i++;
        const next = text.charAt(i);
        word += NAMED_ESCAPES[next] ?? next;
      } else {
        word += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      quoted = true;
      begin(i);
    } else if (c === '{' || c === '}') {
      flush(i);
      const kind = c === '{' ? 'open' : 'close';
      tokens.push({ kind, text: c, file, line, quoted: false, source: text, start: i, end: i + 1 });
    } else if (/\s/.test(c)) {
      flush(i);
    } else {
      word += c;
      begin(i);
    }
  }
  flush(text.length);
  return tokens;
}
