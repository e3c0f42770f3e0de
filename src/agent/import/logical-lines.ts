// keepalived.conf and its includes to the lines keepalived's parser acts on, each with the file
// and line it came from, in keepalived's order of work on a line: comments and "\!" (decomment),
// '@id' conditionals, $NAME=VALUE definitions (multiline ones collected), parameter
// substitution, then "include" (keepalived's parser detects it on the processed line). One loop
// over explicit stacks of files and of multiline expansions: no input can overflow the call
// stack.
import { realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { applyConditional } from './conditional.js';
import { decomment } from './decomment.js';
import type { Diagnostic } from './diagnostic.js';
import { openIncludes } from './include-files.js';
import type { FileFrame } from './include-files.js';
import { Parameters, SubstitutionError } from './parameters.js';
import { MAX_READ_LINE_BYTES } from './text-file.js';

export interface LogicalLine {
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

interface Expansion {
  readonly lines: readonly string[];
  next: number;
  readonly file: string;
  readonly line: number;
}

const INCLUDE = /^include[rmwba]?[ \t]+(.*)$/;
// Multiline definitions referring to one another, and the lines they may produce in all.
const MAX_EXPANSION_DEPTH = 64;
const MAX_LINES = 1_000_000;
// Rounds of substitution then conditional/definition on one line ("$IF_MAIN priority 240").
const MAX_ROUNDS = 16;

type Note = (file: string, line: number, keyword: string, message: string) => void;

/** A line's keyword, for a diagnostic about the whole line. */
const firstWord = (text: string): string => text.split(/[ \t]/)[0] ?? '';

export class LogicalLineReader {
  private readonly files: FileFrame[] = [];
  private readonly expansions: Expansion[] = [];
  private readonly parameters: Parameters;
  /** The multiline definition being collected. */
  private collecting: string | undefined;
  private produced = 0;
  private readonly loopsReported = new Set<string>();

  constructor(
    private readonly configId: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.parameters = new Parameters(configId);
  }

  private readonly note: Note = (file, line, keyword, message) => {
    this.diagnostics.push({ file, line, keyword, message, severity: 'unsupported' });
  };

  /** Every logical line of `file` and its includes; `file`'s own lines must be given. */
  async read(file: string, lines: readonly string[]): Promise<LogicalLine[]> {
    this.files.push({ file, lines, next: 0, chain: [await realpath(file)] });
    const out: LogicalLine[] = [];
    for (;;) {
      const next = this.nextRaw();
      if (next === undefined) break;
      const logical = next.expanded ? next : this.firstPass(next);
      if (logical === undefined) continue;
      const text = this.process(logical);
      if (text === undefined || text === '') continue;
      const include = INCLUDE.exec(text);
      if (include !== null) {
        await this.include(include[1] ?? '', logical);
        continue;
      }
      if (++this.produced > MAX_LINES) {
        this.note(
          logical.file,
          logical.line,
          firstWord(text),
          `more than ${MAX_LINES} lines after includes and parameter expansion: the rest is not read`,
        );
        break;
      }
      out.push({ text, file: logical.file, line: logical.line });
    }
    return out;
  }

  /** The next line from the innermost expansion, else the innermost file. */
  private nextRaw(): (LogicalLine & { expanded: boolean }) | undefined {
    for (;;) {
      const expansion = this.expansions.at(-1);
      if (expansion !== undefined) {
        const text = expansion.lines[expansion.next++];
        if (text === undefined) this.expansions.pop();
        else return { text, file: expansion.file, line: expansion.line, expanded: true };
        continue;
      }
      const frame = this.files.at(-1);
      if (frame === undefined) return undefined;
      const text = frame.lines[frame.next++];
      if (text === undefined) this.files.pop();
      else return { text, file: frame.file, line: frame.next, expanded: false };
    }
  }

  /** Length, comments and multiline definitions, for a line read from a file. */
  private firstPass(raw: LogicalLine): LogicalLine | undefined {
    const bytes = Buffer.byteLength(raw.text);
    if (bytes > MAX_READ_LINE_BYTES) {
      this.note(
        raw.file,
        raw.line,
        'line',
        `${bytes} bytes long: keepalived reads lines of at most ${MAX_READ_LINE_BYTES} bytes and ignores a longer one ("line too long"); ignored`,
      );
      this.endDefinition();
      return undefined;
    }
    // keepalived: an empty line ends a multiline definition; a comment-only line does not.
    if (raw.text === '') {
      this.endDefinition();
      return undefined;
    }
    const text = decomment(raw.text);
    if (text === '') return undefined;
    if (this.collecting !== undefined) {
      const continued = text.endsWith('\\');
      const line = continued ? text.slice(0, -1).replace(/[ \t]+$/, '') : text;
      this.parameters.extend(this.collecting, line);
      if (!continued) this.endDefinition();
      return undefined;
    }
    return { ...raw, text };
  }

  private endDefinition(): void {
    if (this.collecting !== undefined) this.parameters.finish(this.collecting);
    this.collecting = undefined;
  }

  /** Conditional, definition and substitution, repeated while substitution changes the line. */
  private process(at: LogicalLine): string | undefined {
    let text = at.text;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const cond = applyConditional(text, this.configId);
      if (cond.kind === 'skipped') {
        this.diagnostics.push({
          file: at.file,
          line: at.line,
          keyword: cond.which,
          message: `conditional line skipped (config-id "${this.configId}"): ${cond.rest}`,
          severity: 'info',
        });
        return undefined;
      }
      if (cond.kind === 'kept') text = cond.text;
      const def = this.parameters.define(text);
      if (def !== undefined) {
        if (def.continued) this.collecting = def.name;
        return undefined;
      }
      if (/^~(SEQ|LST)/.test(text)) {
        this.note(
          at.file,
          at.line,
          text.slice(0, 4),
          'sequence and list blocks (keepalived.conf(5) "Sequence blocks", "List blocks") are not supported: the line is left out; write the lines it stands for',
        );
        return undefined;
      }
      if (!text.includes('$')) return text;
      let substituted;
      try {
        substituted = this.parameters.substitute(text, { pwd: dirname(resolve(at.file)) });
      } catch (err) {
        if (!(err instanceof SubstitutionError)) throw err;
        this.note(at.file, at.line, firstWord(text), `${err.message}: the line is left out`);
        return undefined;
      }
      for (const name of substituted.undefinedNames) {
        this.diagnostics.push({
          file: at.file,
          line: at.line,
          keyword: `$${name}`,
          message: `no $${name}=... defines it before this line: left as written, as keepalived leaves an undefined parameter`,
          severity: 'info',
        });
      }
      if (!substituted.changed) return text;
      if (substituted.following.length > 0) {
        if (this.expansions.length >= MAX_EXPANSION_DEPTH) {
          this.note(
            at.file,
            at.line,
            firstWord(text),
            `multiline parameters nested deeper than ${MAX_EXPANSION_DEPTH} (one that includes itself?): not expanded further`,
          );
          return undefined;
        }
        this.expansions.push({
          lines: substituted.following,
          next: 0,
          file: at.file,
          line: at.line,
        });
      }
      // keepalived strips comments again after a substitution.
      text = decomment(substituted.text);
      if (!text.startsWith('@') && !text.startsWith('$') && !text.includes('$')) return text;
    }
    return text;
  }

  private async include(argument: string, at: LogicalLine): Promise<void> {
    const chain = this.files.at(-1)?.chain ?? [];
    const frames = await openIncludes(argument, at, chain, this.loopsReported, this.diagnostics);
    // The first match is read first: the innermost frame is the last pushed.
    this.files.push(...frames.reverse());
  }
}
