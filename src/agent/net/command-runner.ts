// Running host commands (ip) without a shell: arguments are never parsed by anything.
import { execFile } from 'node:child_process';

export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cmd` with `args`; resolves on exit status 0. On failure it rejects with an error that
 * carries the command's `stderr` (as Node's execFile does), which callers inspect.
 */
export type CommandRunner = (cmd: string, args: string[]) => Promise<CommandOutput>;

/** A hung `ip` must not block a VIP's operation chain forever. */
const COMMAND_TIMEOUT_MS = 10_000;

export const execFileRunner: CommandRunner = (cmd, args) =>
  new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else reject(Object.assign(error, { stdout, stderr }));
      },
    );
  });

/** The stderr a failed CommandRunner call carried, or the error's message without one. */
export function failureText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { stderr, message } = error as { stderr?: unknown; message?: unknown };
    if (typeof stderr === 'string' && stderr.trim() !== '') return stderr.trim();
    if (typeof message === 'string') return message;
  }
  return String(error);
}
