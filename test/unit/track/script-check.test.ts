// Running tracker scripts for real: exit status, arguments without a shell, and the timeout
// that kills the whole process group.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptCheck } from '../../../src/agent/track/script-check.js';
import type { ScriptTrackerConfig } from '../../../src/agent/track/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floatd-track-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string): Promise<ScriptTrackerConfig> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return {
    name,
    type: 'script',
    script: path,
    intervalMs: 1000,
    timeoutMs: 2000,
    weight: 0,
    rise: 1,
    fall: 1,
  };
}

/** True while `pid` is a live (non-zombie) process. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('runScriptCheck', () => {
  it('exit status 0 is success, anything else a failure', async () => {
    expect(await runScriptCheck(await script('ok.sh', 'exit 0'))).toEqual({ ok: true });
    expect(await runScriptCheck(await script('bad.sh', 'exit 3'))).toEqual({
      ok: false,
      detail: 'exit status 3',
    });
  });

  it('passes arguments verbatim, with no shell to interpret them', async () => {
    const config = await script('args.sh', '[ "$1" = "a b;\\$(false)" ] && [ $# -eq 1 ]');
    expect(await runScriptCheck({ ...config, args: ['a b;$(false)'] })).toEqual({ ok: true });
  });

  it('a missing script is a failure, not an exception', async () => {
    const config = await script('gone.sh', 'exit 0');
    const outcome = await runScriptCheck({ ...config, script: join(dir, 'does-not-exist') });
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/ENOENT/);
  });

  it('an abort (scheduler stop) kills a running script', async () => {
    const config = await script('long.sh', 'exec sleep 30');
    const controller = new AbortController();
    const pending = runScriptCheck({ ...config, timeoutMs: 20_000 }, controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toEqual({ ok: false, detail: 'killed by SIGKILL' });
  });

  it('on timeout kills the script and its children, and fails', async () => {
    const pidFile = join(dir, 'child.pid');
    const config = await script('hang.sh', `sleep 30 &\necho $! > ${pidFile}\nwait`);
    const started = performance.now();
    const outcome = await runScriptCheck({ ...config, timeoutMs: 1000 });
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
    expect(performance.now() - started).toBeLessThan(5000);
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(childPid).toBeGreaterThan(0);
    // The SIGKILL went to the process group: the background sleep dies too.
    for (let i = 0; i < 50 && (await alive(childPid)); i += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(await alive(childPid)).toBe(false);
  });
});
