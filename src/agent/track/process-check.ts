// keepalived track_process: an exact match of the process name (like `pgrep '^name$'`), healthy
// with at least `quorum` (here minProcesses) matches (keepalived.conf(5), VRRP track processes).
import { readdir, readFile } from 'node:fs/promises';
import type { CheckOutcome, ProcessTrackerConfig } from './types.js';

/** Counts processes whose /proc/<pid>/comm equals `name` (comm is truncated to 15 bytes). */
export async function countProcesses(name: string, procRoot = '/proc'): Promise<number> {
  const comm = name.slice(0, 15);
  const entries = await readdir(procRoot);
  let count = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = await readFile(`${procRoot}/${entry}/comm`, 'utf8');
      if (text.replace(/\n$/, '') === comm) count += 1;
    } catch {
      // the process exited while we looked
    }
  }
  return count;
}

export async function runProcessCheck(config: ProcessTrackerConfig): Promise<CheckOutcome> {
  try {
    const count = await countProcesses(config.process);
    if (count >= config.minProcesses) return { ok: true, value: count };
    return {
      ok: false,
      value: count,
      detail: `${count} ${config.process} process(es), need ${config.minProcesses}`,
    };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
