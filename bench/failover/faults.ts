// The faults injected on the MASTER (h1), and how h1 is brought back afterwards.
import type { LabHost } from '../../lab/lab.js';
import type { Implementation, Router } from './routers.js';

export type FaultName = 'sigterm' | 'kill' | 'linkdown';
export const FAULT_NAMES: readonly FaultName[] = ['sigterm', 'kill', 'linkdown'];

export const FAULT_HELP: Record<FaultName, string> = {
  sigterm: "SIGTERM to h1's agent (a priority-0 advert, RFC 5798 §6.4.3: Skew_Time)",
  // With SIGKILL alone the VIP stays on h1's interface and h1's kernel keeps answering for it.
  kill: "SIGKILL to h1's agent and h1 cut off the segment, a dead host (Master_Down_Interval)",
  linkdown: "h1's eth0 set down (the agent sees it; Master_Down_Interval on h2)",
};

/** Wall-clock ms with microseconds (Date.now() has whole ms), as tcpdump and `ip -ts` print. */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Inject `fault` on h1; resolves with the wall-clock ms of the injection, taken just before the
 * signal or the link change is issued.
 */
export async function injectFault(fault: FaultName, h1: Router): Promise<number> {
  const atMs = wallNowMs();
  switch (fault) {
    case 'sigterm':
      h1.proc.signal('SIGTERM');
      return atMs;
    case 'kill':
      h1.proc.signal('SIGKILL');
      await h1.host.disconnect();
      return atMs;
    case 'linkdown':
      await h1.host.setLink(false);
      return atMs;
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}

export interface Restored {
  /** The router now running on h1 (a new one where the old one is gone). */
  readonly router: Router;
  /** Where in its log to look for its return to MASTER. */
  readonly mark: number;
}

/** Undo `fault` on h1: reconnect or link up, and a new agent where the old one is gone. */
export async function restoreHost(
  fault: FaultName,
  h1: Router,
  impl: Implementation,
  priority: number,
): Promise<Restored> {
  const host: LabHost = h1.host;
  switch (fault) {
    case 'sigterm':
      await h1.proc.exited;
      return { router: await impl.start(host, priority), mark: 0 };
    case 'kill':
      await h1.proc.exited;
      await host.reconnect(); // first: an agent started cut off would elect itself
      return { router: await impl.start(host, priority), mark: 0 };
    case 'linkdown': {
      const mark = h1.mark();
      await host.setLink(true);
      return { router: h1, mark };
    }
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}
