// How keepalived reads a script statement (notify_*, vrrp_script's script): keepalived.conf(5)
// "Quoted strings" and its parser: the statement is split into words where " and ' quote
// (anywhere in a word; the quotes go, the white space inside stays) and a backslash keeps the
// next character as written; the script word (the second) is then split again into the program
// and its arguments, this time with the escapes of "Quoted strings" (\a \b \E \f \n \r \t \v,
// \nnn octal, \xXX hex, \cC control, any other \C is C).

export type Words =
  { readonly ok: true; readonly words: string[] } | { readonly ok: false; readonly why: string };

/** keepalived.conf(5) "Quoted strings": the named escapes. */
export const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** One escape at text[i] ('\\'): the character(s) it stands for and the index after it. */
function unescape(text: string, i: number): { out: string; next: number } {
  const c = text.charAt(i + 1);
  const hex = /^x([0-9A-Fa-f]{1,2})/.exec(text.slice(i + 1));
  if (hex !== null)
    return { out: String.fromCharCode(parseInt(hex[1] ?? '0', 16)), next: i + 1 + hex[0].length };
  if (c === 'c' && i + 2 < text.length)
    return { out: String.fromCharCode(text.charCodeAt(i + 2) & 0x1f), next: i + 3 };
  const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
  if (octal !== null)
    return {
      out: String.fromCharCode(parseInt(octal[0], 8) & 0xff),
      next: i + 1 + octal[0].length,
    };
  return { out: NAMED_ESCAPES[c] ?? c, next: i + 2 };
}

export function keepalivedWords(text: string, escapes: boolean): Words {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length;) {
    const c = text.charAt(i);
    if (c === '\\') {
      if (i + 1 >= text.length) return { ok: false, why: 'a "\\" with nothing after it' };
      const { out, next } = escapes
        ? unescape(text, i)
        : { out: text.slice(i, i + 2), next: i + 2 };
      word += out;
      inWord = true;
      i = next;
      continue;
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
    i++;
  }
  if (quote !== undefined) return { ok: false, why: `a ${quote} that is not closed` };
  if (inWord) words.push(word);
  return { ok: true, words };
}

/**
 * argv as floatd's script string (quotes group, no escapes: notify/script-command.ts), or
 * undefined when a word holds both kinds of quote and so cannot be written that way.
 */
export function asFloatdCommand(argv: readonly string[]): string | undefined {
  const quoted: string[] = [];
  for (const word of argv) {
    if (/^[^\s'"]+$/.test(word)) quoted.push(word);
    else if (!word.includes("'")) quoted.push(`'${word}'`);
    else if (!word.includes('"')) quoted.push(`"${word}"`);
    else return undefined;
  }
  return quoted.join(' ');
}

export type ScriptStatement =
  | {
      readonly ok: true;
      /** The script word as written (quotes removed, escapes not yet applied). */
      readonly written: string;
      readonly argv: readonly string[];
      /** Words after the script word (notify: user and group). */
      readonly rest: readonly string[];
    }
  | { readonly ok: false; readonly why: string };

/** A script statement's words, as keepalived reads them (see the top of this file). */
export function readScriptStatement(statement: string): ScriptStatement {
  const line = keepalivedWords(statement, false);
  if (!line.ok) return line;
  const [, written, ...rest] = line.words;
  if (written === undefined) return { ok: false, why: 'no script' };
  const argv = keepalivedWords(written, true);
  if (!argv.ok) return argv;
  if (argv.words.length === 0) return { ok: false, why: 'no script' };
  return { ok: true, written, argv: argv.words, rest };
}
