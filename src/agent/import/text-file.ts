// One configuration file read as text, or the reason it is not read. keepalived reads lines of
// bytes; floatd.yaml is UTF-8. A file with a NUL byte (keepalived: "configuration appears to
// have embedded NULs") is refused as not text, and so is one with bytes that are not UTF-8
// outside a comment (a value floatd would have to re-encode), never echoed. Bytes that are not
// UTF-8 in a comment (a Latin-1 remark, common in older files) are read: comments go anyway.
import { readFile, stat } from 'node:fs/promises';
import { decomment } from './decomment.js';

/** Far beyond any real keepalived.conf; a bigger file is refused before it is split. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export type TextFile =
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Undecodable bytes become U+FFFD; ASCII bytes (quotes, comment marks) always stay themselves. */
const LOSSY_UTF8 = new TextDecoder('utf-8', { fatal: false });

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function notUtf8(line: number): TextFile {
  return {
    ok: false,
    reason:
      `not text (bytes that are not UTF-8 on line ${line}, outside a comment; if the file is ` +
      'Latin-1, convert it first: iconv -f latin1 -t utf-8)',
  };
}

/** The bytes as lines, or why they are not text (with the line of the first offending byte). */
export function asText(bytes: Uint8Array): TextFile {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, reason: `not text (a NUL byte on line ${lineAt(bytes, nul)})` };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return lineByLine(bytes);
  }
  if (text.startsWith('\ufeff')) text = text.slice(1);
  return { ok: true, lines: text.split(/\r?\n/) };
}

/** Some bytes are not UTF-8: each such line is read only if they all sit in its comment. */
function lineByLine(bytes: Uint8Array): TextFile {
  const lines: string[] = [];
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const raw = bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
    let text: string;
    try {
      text = UTF8.decode(raw);
    } catch {
      text = LOSSY_UTF8.decode(raw);
      if (decomment(text).includes('\ufffd')) return notUtf8(line);
    }
    lines.push(line === 1 && text.startsWith('\ufeff') ? text.slice(1) : text);
    start = end + 1;
  }
  return { ok: true, lines };
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
