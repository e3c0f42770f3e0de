// A program floatd runs is not installed: said in one line with the package that has it, never
// as a stack trace. Node reports it as a spawn error (ENOENT, with the program's name); inside a
// network namespace `ip netns exec` reports it in its output instead.

/** Debian/Ubuntu packages of the programs floatd, its demo and its tests run. */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  setpriv: 'util-linux',
  ping: 'iputils-ping',
  arping: 'iputils-arping',
  keepalived: 'keepalived',
  tcpdump: 'tcpdump',
  nft: 'nftables',
  sh: 'dash',
};

/** The line for a missing `program`: what is missing and how to get it. */
export function missingProgramLine(program: string): string {
  const pkg = PACKAGE_OF[program.split('/').at(-1) ?? program];
  const how =
    pkg === undefined
      ? 'install it or put it on PATH'
      : `install it (Debian/Ubuntu: apt-get install ${pkg})`;
  return `the program "${program}" is not installed or not on PATH: ${how}`;
}

const EXEC_FAILED = /exec of "([^"]+)" failed: No such file or directory/;

/** That line when `error` (or anything in its cause chain) is a missing program; else undefined. */
export function describeMissingProgram(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const { code, syscall, path, message, cause } = e as {
      code?: unknown;
      syscall?: unknown;
      path?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (code === 'ENOENT' && typeof syscall === 'string' && syscall.startsWith('spawn')) {
      return missingProgramLine(typeof path === 'string' ? path : syscall.slice('spawn '.length));
    }
    const inOutput = typeof message === 'string' ? EXEC_FAILED.exec(message) : null;
    if (inOutput?.[1] !== undefined) return missingProgramLine(inOutput[1]);
    e = cause;
  }
  return undefined;
}
