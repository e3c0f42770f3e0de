// What keepalived settles once it has read a vrrp_instance (vrrp.c, vrrp_complete_instance; the
// quoted words are its log messages), for priority and preemption: the converted instance must
// mean what keepalived runs, not what the file says.
// - No priority: "derive it from the initial state": state MASTER runs at 255 (the address
//   owner, keepalived.conf(5) "priority"), any other at 100 (floatd's default too).
// - priority 255 with nopreempt: "nopreempt is incompatible with priority 255. resetting".
// - state MASTER: "nopreempt will not work with initial state MASTER - clearing" and "preempt
//   delay will not work with initial state MASTER - clearing".
// - preempt_delay with vrrp_strict, or with nopreempt: "... is incompatible with strict mode /
//   nopreempt mode - resetting".
import type { ConvertContext } from './convert-context.js';
import type { ConfNode } from './parse-config.js';

export const OWNER_PRIORITY = 255;

export interface PreemptStatements {
  readonly state?: ConfNode;
  /** The statement that set preempt: false (nopreempt), if the last one did. */
  readonly nopreempt?: ConfNode;
  readonly preemptDelay?: ConfNode;
  readonly strict: boolean;
}

export function completePreemption(
  ctx: ConvertContext,
  out: Record<string, unknown>,
  s: PreemptStatements,
): void {
  const initialMaster = s.state?.args[0] === 'MASTER';
  if (out.priority === undefined && initialMaster && s.state !== undefined) {
    out.priority = OWNER_PRIORITY;
    ctx.report(
      s.state,
      'state MASTER without a priority: keepalived runs the instance at 255, as the address owner; written as priority: 255',
      'info',
    );
  }
  const clearNopreempt = (why: string): void => {
    if (out.preempt !== false || s.nopreempt === undefined) return;
    delete out.preempt;
    ctx.report(s.nopreempt, `${why}: not converted (floatd preempts, as keepalived does)`, 'info');
  };
  const clearDelay = (why: string): void => {
    if (out.preemptDelay === undefined || s.preemptDelay === undefined) return;
    delete out.preemptDelay;
    ctx.report(s.preemptDelay, `${why}: not converted`, 'info');
  };
  if (out.priority === OWNER_PRIORITY)
    clearNopreempt(
      'with priority 255 keepalived resets nopreempt (the address owner always preempts)',
    );
  if (initialMaster) {
    clearNopreempt(
      'with state MASTER keepalived clears nopreempt ("nopreempt will not work with initial state MASTER")',
    );
    clearDelay(
      'with state MASTER keepalived clears preempt_delay ("preempt delay will not work with initial state MASTER")',
    );
  }
  if (s.strict) clearDelay('with vrrp_strict keepalived resets preempt_delay');
  if (out.preempt === false) clearDelay('with nopreempt keepalived resets preempt_delay');
}
