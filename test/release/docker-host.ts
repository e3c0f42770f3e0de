// What the clean-host test needs from Docker, and a container's floatd log as it arrives.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Why the test cannot run here (undefined: it can). */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (Docker, debootstrap and dpkg-deb need root)';
  try {
    await execFileAsync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
  } catch {
    return 'no Docker engine answers (npm test starts one as root: test/setup/start-docker.sh)';
  }
  for (const program of ['debootstrap', 'dpkg-deb']) {
    try {
      await execFileAsync('sh', ['-c', `command -v ${program}`]);
    } catch {
      return `no ${program} (apt-get install -y ${program === 'dpkg-deb' ? 'dpkg' : program})`;
    }
  }
  return undefined;
}

/** The clean-host image, built once from Debian's packages (test/setup/clean-host-image.sh). */
export async function cleanHostImage(image: string): Promise<string> {
  await execFileAsync('bash', [join(repoRoot, 'test/setup/clean-host-image.sh'), image], {
    timeout: 600_000,
  });
  return image;
}

/** A user network with a subnet we choose, so the VIP is known before any container starts. */
export async function createNetwork(name: string, subnet: string): Promise<() => Promise<void>> {
  await execFileAsync('docker', ['network', 'create', '--subnet', subnet, name]);
  return async () => {
    await execFileAsync('docker', ['network', 'rm', name]).catch(() => undefined);
  };
}

export interface Transition {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** Collects a container's output; floatd's JSON log lines give its transitions. */
export class ContainerLog {
  private text = '';

  readonly consume = (stream: Readable): void => {
    stream.on('data', (chunk: Buffer | string) => {
      this.text += chunk.toString();
    });
  };

  output(): string {
    return this.text;
  }

  transitions(): Transition[] {
    const found: Transition[] = [];
    for (const line of this.text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.event !== 'transition') continue;
        found.push({
          atMs: Number(entry.time),
          from: String(entry.from),
          to: String(entry.to),
          reason: String(entry.reason),
        });
      } catch {
        // a partial line: the rest comes with the next chunk
      }
    }
    return found;
  }

  async waitFor(to: string, timeoutMs: number): Promise<Transition> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.transitions().find((t) => t.to === to);
      if (hit !== undefined) return hit;
      if (performance.now() > deadline) {
        throw new Error(`no transition to ${to} within ${timeoutMs} ms; output:\n${this.text}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
