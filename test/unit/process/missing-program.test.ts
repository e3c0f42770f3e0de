// A missing program is one line naming it and the package that has it, however it surfaced.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  describeMissingProgram,
  missingProgramLine,
} from '../../../src/agent/process/missing-program.js';

function spawnError(program: string): Promise<Error> {
  return new Promise((resolve) => {
    execFile(program, [], (error) => resolve(error as Error));
  });
}

describe('missing programs', () => {
  it("a spawn's ENOENT names the program and its Debian package", async () => {
    const error = await spawnError('tcpdump-not-here');
    expect(describeMissingProgram(error)).toBe(
      'the program "tcpdump-not-here" is not installed or not on PATH: install it or put it on PATH',
    );
    expect(missingProgramLine('ping')).toBe(
      'the program "ping" is not installed or not on PATH: install it (Debian/Ubuntu: apt-get install iputils-ping)',
    );
  });

  it("ip netns exec's report, found down the cause chain", () => {
    const inner = new Error(
      'ip netns exec fl1-h3 ping ... failed: exec of "ping" failed: No such file or directory',
    );
    const outer = new Error('the client got no replies', { cause: inner });
    expect(describeMissingProgram(outer)).toMatch(/"ping" .*apt-get install iputils-ping/);
  });

  it('anything else is not a missing program', () => {
    expect(describeMissingProgram(new Error('EACCES'))).toBeUndefined();
    expect(describeMissingProgram(undefined)).toBeUndefined();
    expect(
      describeMissingProgram({ code: 'ENOENT', syscall: 'open', path: '/etc/x' }),
    ).toBeUndefined();
  });
});
