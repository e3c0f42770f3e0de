// Crafted VRRP packets from a lab host (socket-probe.ts's inject mode), awaited until each one
// was handed to the kernel: for tests that play a third host on the segment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { sleep } from '../../../lab/agents.js';
import type { LabHost } from '../../../lab/lab.js';
import type { Inject } from './socket-probe.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'socket-probe.ts');

/** Sends `packets` from `host` in order; resolves with each one's send time (wall-clock ms). */
export async function inject(
  host: LabHost,
  packets: readonly Inject[],
  timeoutMs = 15_000,
): Promise<number[]> {
  const proc = host.spawn('node', [
    ...['--import', 'tsx', PROBE, 'inject', 'iface=eth0', 'family=ipv4'],
    `packets=${JSON.stringify(packets)}`,
  ]);
  const timer = setTimeout(() => void proc.kill('SIGKILL'), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  expect(code, proc.output()).toBe(0);
  // 'exit' can come before the last of stdout has been read.
  const sent = (): { error?: string; atMs: number }[] =>
    proc
      .output()
      .split('\n')
      .filter((l) => l.includes('"injected"'))
      .map((l) => JSON.parse(l) as { error?: string; atMs: number });
  const deadline = Date.now() + 2000;
  while (sent().length < packets.length && Date.now() < deadline) await sleep(10);
  expect(sent().length, proc.output()).toBe(packets.length);
  expect(sent().filter((e) => e.error !== undefined)).toEqual([]);
  return sent().map((e) => e.atMs);
}
