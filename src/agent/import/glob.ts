// keepalived's include patterns: glob(3) with csh brace expansion (GLOB_BRACE), results sorted.
// Node 20 has no fs.glob, and this needs only * ? [...] and {a,b}.
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** "{a,b{c,d}}x" -> ["ax", "bcx", "bdx"]. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      close = i;
      break;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const cuts = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const part = pattern.slice((cuts[k] ?? 0) + 1, cuts[k + 1]);
    out.push(...expandBraces(head + part + tail));
  }
  return out;
}

const MAGIC = /[*?[]/;

function segmentRegex(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charAt(i);
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^$(){}|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

async function matchFrom(base: string, segments: readonly string[]): Promise<string[]> {
  const [segment, ...rest] = segments;
  if (segment === undefined) return [base];
  if (!MAGIC.test(segment)) return matchFrom(join(base, segment), rest);
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return [];
  }
  const re = segmentRegex(segment);
  const out: string[] = [];
  // glob(3): a leading '.' is only matched by a pattern that starts with '.'.
  for (const name of names.sort()) {
    if (name.startsWith('.') && !segment.startsWith('.')) continue;
    if (re.test(name)) out.push(...(await matchFrom(join(base, name), rest)));
  }
  return out;
}

/** Paths matching `pattern` (relative to `dir`), sorted as glob(3) does; [] if none. */
export async function expandGlob(pattern: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const one of expandBraces(pattern)) {
    const absolute = isAbsolute(one) ? one : resolve(dir, one);
    const segments = absolute.split('/').filter((s) => s !== '');
    if (!segments.some((s) => MAGIC.test(s))) {
      found.push(absolute);
      continue;
    }
    found.push(...(await matchFrom('/', segments)));
  }
  return found;
}
