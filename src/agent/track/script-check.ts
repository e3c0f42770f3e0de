// Runs a tracker script without a shell: exit status 0 is success. A script that outlives its
// timeout is killed with its whole process group (it may have forked) and counts as a failure.
import { spawn } from 'node:child_process';
import type { UserIds } from './resolve-user.js';
import { prepareScriptRun } from './run-as.js';
import type { CheckOutcome, ScriptTrackerConfig } from './types.js';

export async function runScriptCheck(
  config: ScriptTrackerConfig,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  let ids: UserIds | undefined;
  try {
    ids = await prepareScriptRun(config.script, config);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
  if (signal?.aborted === true) return { ok: false, detail: 'aborted' };
  return spawnWithTimeout(config, ids, signal);
}

function spawnWithTimeout(
  config: ScriptTrackerConfig,
  ids: UserIds | undefined,
  signal: AbortSignal | undefined,
): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const child = spawn(config.script, config.args ?? [], {
      stdio: 'ignore',
      detached: true, // own process group, so a timeout can kill its children too
      // libuv clears the supplementary groups (setgroups(0, NULL)) before setgid and setuid.
      ...(ids === undefined ? {} : { uid: ids.uid, gid: ids.gid }),
    });
    let timedOut = false;
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, config.timeoutMs);
    const onAbort = (): void => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (outcome: CheckOutcome): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    child.once('error', (error) => finish({ ok: false, detail: error.message }));
    child.once('exit', (code, sig) => {
      if (timedOut)
        finish({ ok: false, timedOut: true, detail: `timed out after ${config.timeoutMs} ms` });
      else if (code === 0) finish({ ok: true });
      else
        finish({ ok: false, detail: code === null ? `killed by ${sig}` : `exit status ${code}` });
    });
  });
}
