// Long-lived helpers die with the agent, even when it is SIGKILLed: the real thing, with a
// stand-in parent (helper-parent.ts) and `sleep` as the helper.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dieWithAgent } from '../../../src/agent/process/death-signal.js';

const PARENT = fileURLToPath(new URL('./helper-parent.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    // A zombie is dead for our purpose (it waits for init to reap it).
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function helperAfterParentKilled(mode: 'guarded' | 'plain'): Promise<boolean> {
  const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const helper = await new Promise<number>((resolve, reject) => {
    parent.stdout.setEncoding('utf8').once('data', (line: string) => resolve(Number(line)));
    parent.once('exit', () => reject(new Error('the parent exited early')));
  });
  try {
    // The helper is running (past setpriv and the guard) before the kill.
    const deadline = Date.now() + 5000;
    while (!readFileSync(`/proc/${helper}/cmdline`, 'utf8').startsWith('sleep')) {
      if (Date.now() > deadline) throw new Error('the helper never became `sleep`');
      await new Promise((r) => setTimeout(r, 10));
    }
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));
    const until = Date.now() + 1000;
    while (alive(helper) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return alive(helper);
  } finally {
    parent.kill('SIGKILL');
    try {
      process.kill(helper, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

describe('dieWithAgent', () => {
  it('wraps the command in setpriv --pdeathsig KILL and a parent check', () => {
    expect(dieWithAgent('ip', ['-o', 'monitor', 'link'], 4242, true)).toEqual({
      cmd: 'setpriv',
      args: [
        '--pdeathsig',
        'KILL',
        '--',
        'sh',
        '-c',
        '[ "$PPID" = "$1" ] || exit 1; shift; exec "$@"',
        'sh',
        '4242',
        'ip',
        '-o',
        'monitor',
        'link',
      ],
    });
    expect(dieWithAgent('ip', ['monitor'], 4242, false)).toEqual({ cmd: 'ip', args: ['monitor'] });
  });

  it('a helper is gone within 1 s of a SIGKILL of its parent (a plain child lives on)', async () => {
    expect(await helperAfterParentKilled('guarded')).toBe(false);
    expect(await helperAfterParentKilled('plain')).toBe(true);
  });

  it('does not start the helper if its parent is not the one expected (died before the prctl)', () => {
    const { cmd, args } = dieWithAgent('sh', ['-c', 'echo started'], 1, true);
    const run = spawnSync(cmd, args, { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const ours = dieWithAgent('sh', ['-c', 'echo started'], process.pid, true);
    expect(spawnSync(ours.cmd, ours.args, { encoding: 'utf8' }).stdout).toBe('started\n');
  });
});
