// keepalived's first pass over every line it reads (keepalived.conf(5) DESCRIPTION: "Comments
// start with '#' or '!' to the end of the line and can start anywhere in a line"), as its parser
// does it: leading and trailing blanks go; outside double quotes a '#' or '!' ends the line and
// "\#" / "\!" stand for the character itself (the backslash goes); every other backslash pair is
// left as written; single quotes do not protect a comment character; a backslash ending the
// line marks a multiline parameter definition's continuation and is kept, blanks before it
// removed.

export function decomment(raw: string): string {
  const text = raw.replace(/^[ \t]+/, '');
  let out = '';
  let quoted = false;
  let continued = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') {
      quoted = !quoted;
      out += c;
    } else if (c === '\\') {
      const next = text.charAt(i + 1);
      if (next === '') {
        continued = true;
        break;
      }
      out += !quoted && (next === '#' || next === '!') ? next : c + next;
      i++;
    } else if (!quoted && (c === '#' || c === '!')) {
      break;
    } else {
      out += c;
    }
  }
  out = out.replace(/[ \t]+$/, '');
  return continued ? `${out}\\` : out;
}

/**
 * Where a comment begins in a physical line, by decomment's rules (a '#' or '!' outside double
 * quotes, not escaped by a backslash), or -1 when it has none.
 */
export function commentStart(raw: string): number {
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === '"') quoted = !quoted;
    else if (c === '\\')
      i++; // a pair, as decomment reads it: "\#" is the character
    else if (!quoted && (c === '#' || c === '!')) return i;
  }
  return -1;
}
