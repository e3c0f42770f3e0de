// Why a lab test cannot run for want of a program, for requireLab's extra check (it fails in
// CI, skips with this reason elsewhere); undefined when the program answers --version.
import { execFileSync } from 'node:child_process';

export function programMissing(program: string, debianPackage: string): string | undefined {
  try {
    execFileSync(program, ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${program} is not installed (apt-get install -y ${debianPackage})`;
  }
}

export const keepalivedMissing = (): string | undefined =>
  programMissing('keepalived', 'keepalived');
