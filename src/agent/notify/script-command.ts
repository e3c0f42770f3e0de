// Splits a notify script string into argv without a shell. keepalived.conf(5) "Quoted strings":
// words are delimited by white space; ' or " quote up to the same character and may sit inside
// a word ('abcd" efg "h' is the single word 'abcd efg h'). No backslash escapes, no variables.
import { NotifyScriptSyntaxError } from './errors.js';

/**
 * keepalived's word splitting of a script string; `openQuote` when a quote is not closed. Also
 * used by the importer, so a converted script splits as it will run.
 */
export function splitScriptWords(script: string): { words: string[]; openQuote?: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (const ch of script) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true; // "" is an empty word
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return quote === undefined ? { words } : { words, openQuote: quote };
}

export function parseScriptCommand(script: string): string[] {
  const { words, openQuote } = splitScriptWords(script);
  if (openQuote !== undefined) {
    throw new NotifyScriptSyntaxError(script, `unterminated ${openQuote}`);
  }
  const program = words[0];
  if (program === undefined || program === '') {
    throw new NotifyScriptSyntaxError(script, 'no program');
  }
  if (!program.startsWith('/')) {
    throw new NotifyScriptSyntaxError(script, 'the program must be an absolute path');
  }
  return words;
}
