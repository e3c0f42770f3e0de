// Text quoted from the input, made safe to print: a keepalived.conf may hold terminal escapes
// or other control characters, and a diagnostic must never replay them on the operator's
// terminal. C0 controls, DEL and C1 controls become visible escapes (\t, \x1b, \x9b).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function printable(text: string): string {
  return text.replace(
    CONTROL,
    (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
