// Notify script strings split like keepalived's quoted strings (keepalived.conf(5)).
import { describe, expect, it } from 'vitest';
import { NotifyScriptSyntaxError, parseScriptCommand } from '../../../src/agent/notify/index.js';

describe('parseScriptCommand', () => {
  it('splits on white space', () => {
    expect(parseScriptCommand('  /bin/x  a\tb  ')).toEqual(['/bin/x', 'a', 'b']);
  });

  it('keeps quoted white space, with quotes inside a word as keepalived does', () => {
    expect(parseScriptCommand(`/bin/x "a b" 'c "d' e" f "g ""`)).toEqual([
      '/bin/x',
      'a b',
      'c "d',
      'e f g',
      '',
    ]);
  });

  it('rejects an unterminated quote, an empty string and a relative program', () => {
    for (const bad of ['/bin/x "a', '   ', 'notify.sh a']) {
      expect(() => parseScriptCommand(bad)).toThrow(NotifyScriptSyntaxError);
    }
    expect(() => parseScriptCommand("/bin/x 'a")).toThrow(
      expect.objectContaining({ code: 'FLOATD_ERR_NOTIFY_SCRIPT_SYNTAX' }),
    );
  });
});
