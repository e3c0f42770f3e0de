// One configuration file read as text, or the reason it is not read. keepalived reads lines of
// bytes; floatd.yaml is UTF-8, so a file with a NUL byte (keepalived: "configuration appears to
// have embedded NULs") or bytes that are not UTF-8 is refused as not text, never echoed.
import { readFile, stat } from 'node:fs/promises';

/** Far beyond any real keepalived.conf; a bigger file is refused before it is split. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export type TextFile =
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The bytes as lines, or why they are not text (with the line of the first offending byte). */
export function asText(bytes: Uint8Array): TextFile {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, reason: `not text (a NUL byte on line ${lineAt(bytes, nul)})` };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    // Find the first line that does not decode, for the message.
    let start = 0;
    for (let line = 1; start <= bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      try {
        UTF8.decode(bytes.subarray(start, end));
      } catch {
        return { ok: false, reason: `not text (bytes that are not UTF-8 on line ${line})` };
      }
      start = end + 1;
    }
    return { ok: false, reason: 'not text (bytes that are not UTF-8)' };
  }
  if (text.startsWith('\ufeff')) text = text.slice(1);
  return { ok: true, lines: text.split(/\r?\n/) };
}

/** Reads `file`; throws only what readFile throws (missing, unreadable, a directory). */
export async function readText(file: string): Promise<TextFile> {
  // The size first: a huge file is refused without being read into memory.
  const { size } = await stat(file);
  if (size > MAX_FILE_BYTES) {
    return {
      ok: false,
      reason: `too large (${size} bytes; floatd imports files of at most ${MAX_FILE_BYTES} bytes)`,
    };
  }
  return asText(await readFile(file));
}
