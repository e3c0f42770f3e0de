// The README's first command, exactly as written: `npm run demo` runs the live failover demo and
// leaves nothing behind, on a machine without ping, arping, keepalived, tcpdump or nft (hidden
// from its PATH here): a fresh machine of this kind has none of them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../lab/demo.js';
import { labUnavailableReason, sh } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const ABSENT = new Set(['ping', 'arping', 'keepalived', 'tcpdump', 'nft']);

/** A PATH of one directory linking every program of ours but those in ABSENT. */
function pathWithout(dir: string): string {
  for (const from of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(from);
    } catch {
      continue;
    }
    for (const name of names) {
      if (ABSENT.has(name)) continue;
      try {
        symlinkSync(join(from, name), join(dir, name)); // the first in PATH wins, as for a shell
      } catch {
        // already linked from an earlier directory
      }
    }
  }
  return dir;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolvePromise({ code, out }));
  });
}

/** Lab namespaces whose owning process has exited: what a demo that did not clean up leaves. */
async function orphanedLabNamespaces(): Promise<string[]> {
  const { stdout } = await sh('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((name) => {
      const owner = /^fl([0-9a-z]+)x[0-9a-f]{4}-/.exec(name)?.[1];
      if (owner === undefined) return false;
      try {
        process.kill(parseInt(owner, 36), 0);
        return false;
      } catch {
        return true;
      }
    });
}

describe('npm run demo', () => {
  it('shows a MASTER, a takeover after the MASTER dies, pings resuming, preemption, a graceful handover', async (ctx) => {
    requireLab(ctx);
    const bin = mkdtempSync(join(tmpdir(), 'floatd-demo-path-'));
    let result: { code: number | null; out: string };
    try {
      result = await run('npm', ['run', 'demo'], { ...process.env, PATH: pathWithout(bin) });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
    const { code, out } = result;
    expect(code, out).toBe(0);
    expect(out).toMatch(/h1 is MASTER \(master-down\); VIP on h1: true, on h2: false/);
    expect(out).toMatch(/h2 is MASTER \(master-down\) \d+ ms after h1 died/);
    // The cloud side followed every MASTER: all four EC2 moves to the new MASTER's ENI.
    expect(
      out.match(/EC2 emulator: secondary IP, Elastic IP and both routes on h\d's ENI/g),
    ).toHaveLength(4);
    expect(out).toMatch(/client: pings answered again \d+ ms after h1 died \(\d+ unanswered\)/);
    expect(out).toMatch(/client: \d+ replies to \d+ echo requests/);
    expect(out).toMatch(/h1 is MASTER again \(preempting\)/);
    expect(out).toMatch(/h2 is MASTER \(master-released\) \d+ ms after the SIGTERM/);
    expect(out).toMatch(/h1 exited with status 0; VIP on h1: false, on h2: true/);
    expect(out).toMatch(/lab removed/);
    // The takeover after the graceful stop is the backup's Skew_Time (609 ms), not 3.6 s.
    const handoverMs = Number(/h2 is MASTER \(master-released\) (\d+) ms/.exec(out)?.[1]);
    expect(handoverMs).toBeLessThan(609.4 + 100);
    // Other test files run labs at the same time; only a dead owner's namespaces are leftovers.
    expect(await orphanedLabNamespaces()).toEqual([]);
  }, 120_000);

  it('without root, says what it needs', async () => {
    const err: string[] = [];
    const code = await runDemo([], { stdout: () => undefined, stderr: (t) => err.push(t) }, () =>
      labUnavailableReason(1000),
    );
    expect(err.join('')).toMatch(/need root.*sudo npm run demo/s);
    expect(code).toBe(3);
  });
});
