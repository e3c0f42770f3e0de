// keepalived.conf(5) "Parameter substitution" and "Pre-defined definitions": $NAME=VALUE
// defines (no space before '='; a value ending in '\' continues on the next lines, a multiline
// definition); after that "$NAME" followed by white space (keepalived's parser also accepts ','
// ')' or the line end) and "${NAME}" anywhere are replaced by the value, recursively, at
// replacement time; an undefined name is left as written. A multiline definition is replaced
// only where its reference ends the line: its first line takes the reference's place and the
// others follow as lines of their own.
import { FloatdError } from '../errors.js';

export interface Substituted {
  readonly text: string;
  /** Lines after the first of a multiline definition referenced at the end of `text`. */
  readonly following: readonly string[];
  readonly changed: boolean;
  /** References to names nothing defines: left as written, as keepalived leaves them. */
  readonly undefinedNames: readonly string[];
}

export interface SubstitutionContext {
  /** ${_PWD}: the directory of the file being read. */
  readonly pwd: string;
}

/**
 * keepalived substitutes in its 1024-byte line buffer: a line may not grow past 1023 bytes
 * ("Parameter substitution on line ... would exceed maximum line length").
 */
const MAX_LINE_BYTES = 1023;
/** Replacements in one line before it is taken for a loop ($A=$A): keepalived never stops. */
const MAX_REPLACEMENTS = 10_000;

/** A substitution keepalived could not do: reported as a diagnostic at its line. */
export class SubstitutionError extends FloatdError {
  override readonly code = 'FLOATD_ERR_IMPORT_SUBSTITUTION';
}

interface Definition {
  lines: string[];
  multiline: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const DEFINITION = /^\$([A-Za-z_][A-Za-z0-9_]*)=[ \t]*(.*)$/;
// keepalived's own definitions whose value depends on the host or the moment it starts.
const RUNTIME_ONLY: Readonly<Record<string, string>> = {
  _RANDOM: 'a random number keepalived draws when it reads its configuration',
  _ENV: "an environment variable of keepalived's own process",
};

export class Parameters {
  private readonly defs = new Map<string, Definition>();

  constructor(private readonly instance: string) {}

  /**
   * Takes a `$NAME=VALUE` line: the name, and whether the value continues on the next lines;
   * undefined if the line is not a definition.
   */
  define(text: string): { name: string; continued: boolean } | undefined {
    const m = DEFINITION.exec(text);
    if (m === null) return undefined;
    const [, name = '', value = ''] = m;
    const continued = value.endsWith('\\');
    const first = continued ? value.slice(0, -1).replace(/[ \t]+$/, '') : value;
    // "$NAME= \": the value starts on the next line.
    this.defs.set(name, { lines: continued && first === '' ? [] : [first], multiline: continued });
    return { name, continued };
  }

  /** One more line of a multiline definition (its continuation '\' already removed). */
  extend(name: string, line: string): void {
    const def = this.defs.get(name);
    if (def !== undefined && line !== '') def.lines.push(line);
  }

  /** The multiline definition ended: one with no lines at all is an ordinary empty value. */
  finish(name: string): void {
    const def = this.defs.get(name);
    if (def !== undefined && def.lines.length === 0) def.multiline = false;
  }

  /** Throws SubstitutionError for a substitution keepalived could not do, or that never ends. */
  substitute(text: string, ctx: SubstitutionContext): Substituted {
    let out = text;
    let following: readonly string[] = [];
    let changed = false;
    let replacements = 0;
    const undefinedNames: string[] = [];
    let at = out.indexOf('$');
    while (at >= 0 && at + 1 < out.length) {
      const ref = this.reference(out, at, ctx);
      if (ref === undefined || typeof ref === 'string') {
        if (typeof ref === 'string' && !undefinedNames.includes(ref)) undefinedNames.push(ref);
        at = out.indexOf('$', at + 1);
        continue;
      }
      if (++replacements > MAX_REPLACEMENTS)
        throw new SubstitutionError(
          'parameter substitution does not end (a parameter whose value refers to itself?)',
        );
      const [first = '', ...rest] = ref.lines;
      if (rest.length > 0) following = [...rest, ...following];
      out = out.slice(0, at) + first + out.slice(at + ref.length);
      if (Buffer.byteLength(out) > MAX_LINE_BYTES)
        throw new SubstitutionError(
          `parameter substitution makes the line longer than keepalived's ${MAX_LINE_BYTES} bytes`,
        );
      changed = true;
      // Recursive: the replacement text is scanned again from the same place.
      at = out.indexOf('$', at);
    }
    return { text: out, following, changed, undefinedNames };
  }

  /**
   * The reference at `out[at]` ('$'): its length and replacement lines; the name when nothing
   * defines it; undefined when it is no reference.
   */
  private reference(
    out: string,
    at: number,
    ctx: SubstitutionContext,
  ): { length: number; lines: readonly string[] } | string | undefined {
    const braced = out.charAt(at + 1) === '{';
    const start = at + (braced ? 2 : 1);
    const name = NAME.exec(out.slice(start))?.[0];
    if (name === undefined) return undefined;
    let end = start + name.length;
    let params = '';
    if (braced) {
      const close = out.indexOf('}', end);
      if (close < 0) return undefined;
      params = out.slice(end, close);
      if (params !== '' && !/^[ \t]+[A-Za-z0-9_]+(?:[ \t]+[A-Za-z0-9_]+)*$/.test(params))
        return undefined;
      end = close + 1;
    } else if (end < out.length && !/[ \t,)]/.test(out.charAt(end))) {
      return undefined;
    }
    const atLineEnd = end === out.length;
    const def = this.defs.get(name);
    if (def !== undefined) {
      if (params !== '' || (def.multiline && !atLineEnd)) return undefined;
      return { length: end - at, lines: def.lines.length === 0 ? [''] : def.lines };
    }
    const value = this.predefined(name, params, ctx);
    return value === undefined ? name : { length: end - at, lines: [value] };
  }

  private predefined(name: string, params: string, ctx: SubstitutionContext): string | undefined {
    const runtime = RUNTIME_ONLY[name];
    if (runtime !== undefined)
      throw new SubstitutionError(
        `\${${name}} is ${runtime}: floatd cannot know its value when importing`,
      );
    if (params !== '') return undefined;
    switch (name) {
      case '_PWD':
        return ctx.pwd;
      case '_INSTANCE':
        return this.instance;
      case '_HASH':
        return '#';
      case '_BANG':
        return '!';
      default:
        return undefined;
    }
  }
}
