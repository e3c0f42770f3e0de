// keepalived track_file: "A value will be read as a number in text from the file"; keepalived
// uses strtol(), so an unreadable file or garbage counts as 0 (keepalived.conf(5), Track files).
import { readFile } from 'node:fs/promises';
import type { CheckOutcome, FileTrackerConfig } from './types.js';

/** Parses like strtol(buf, NULL, 0) for the decimal case: leading integer or nothing. */
export function parseTrackValue(text: string): number | undefined {
  const match = /^\s*([+-]?\d+)/.exec(text);
  if (match?.[1] === undefined) return undefined;
  const value = Number.parseInt(match[1], 10);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Always `ok`: the value carries the result; `detail` is set when it fell back to 0. */
export async function runFileCheck(config: FileTrackerConfig): Promise<CheckOutcome> {
  let text: string;
  try {
    text = await readFile(config.path, 'utf8');
  } catch (error) {
    return { ok: true, value: 0, detail: `unreadable, using 0: ${(error as Error).message}` };
  }
  const value = parseTrackValue(text);
  if (value === undefined)
    return {
      ok: true,
      value: 0,
      detail: `not an integer, using 0: ${JSON.stringify(text.slice(0, 40))}`,
    };
  return { ok: true, value };
}
