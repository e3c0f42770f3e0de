// One configuration file read as text, or the reason it is not read. keepalived reads lines of
// bytes; floatd.yaml is UTF-8. A file with a NUL byte (keepalived: "configuration appears to
// have embedded NULs") is refused as not text, and so is one with bytes that are not UTF-8
// outside a comment (a value floatd would have to re-encode), never echoed. Bytes that are not
// UTF-8 in a comment (a Latin-1 remark, common in older files) are read: comments go anyway.
import { readFile, stat } from 'node:fs/promises';
import { commentStart } from './decomment.js';

// keepalived reads a line into a 1024-byte buffer (fgets): 1022 bytes, the line end and the
// terminating NUL; a longer line is "line too long - ignoring" (logical-lines.ts does so).
export const MAX_READ_LINE_BYTES = 1022;

/** Far beyond any real keepalived.conf; a bigger file is refused before it is split. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export type TextFile =
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: false; readonly reason: string };

// ignoreBOM: a BOM is removed by hand, from the first line only, on either path.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Undecodable bytes become U+FFFD; ASCII bytes (quotes, comment marks) always stay themselves. */
const LOSSY_UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

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
    // "\r\n" ends a line as "\n" does (the fast path's split); a "\r" elsewhere stays.
    const crlf = end < bytes.length && end > start && bytes[end - 1] === 0x0d;
    const raw = bytes.subarray(start, crlf ? end - 1 : end);
    let text: string;
    try {
      text = UTF8.decode(raw);
    } catch {
      const lossy = LOSSY_UTF8.decode(raw);
      const cut = commentStart(lossy);
      const kept = cut < 0 ? lossy : lossy.slice(0, cut);
      if (kept.includes('\ufffd')) {
        // keepalived ignores a line this long whatever it holds (logical-lines.ts says so).
        if (raw.length <= MAX_READ_LINE_BYTES) return notUtf8(line);
        text = lossy;
      } else {
        // The comment goes anyway; keep the line's length in bytes, which keepalived limits.
        const commentBytes = raw.length - Buffer.byteLength(kept);
        text = `${kept}${lossy.charAt(cut)}${'?'.repeat(commentBytes - 1)}`;
      }
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
