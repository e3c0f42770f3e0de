// A BACKUP whose event loop stalls past its Master_Down_Interval (a loaded host, GC, startup
// work) while the MASTER keeps advertising must not take over when it resumes: the adverts that
// arrived meanwhile are read before its Master_Down timer fires (io/raw-socket.ts reads the
// socket until it is empty; clock.ts fires a due timer after the poll phase). The issue's
// report: a restarted nopreempt BACKUP took over from a live MASTER at 100 ms adverts.
// The stall is played with SIGSTOP / SIGCONT: the kernel keeps queueing the adverts meanwhile.
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, sleep, startFloatd, type FloatdAgent } from '../../lab/agents.js';
import { Lab, type LabHost } from '../../lab/lab.js';
import { masterDownIntervalMs } from '../../src/agent/vrrp/intervals.js';
import { requireLab } from '../lab/require-lab.js';

const INTERVAL_CS = 10;
const STALLS = 5;

const labs: Lab[] = [];
const agents: FloatdAgent[] = [];
afterAll(async () => {
  for (const a of agents) {
    if (a.proc.pid !== undefined) {
      try {
        process.kill(a.proc.pid, 'SIGCONT');
      } catch {
        // gone already
      }
    }
    await a.proc.kill('SIGTERM');
  }
  await Promise.all(labs.map((l) => l.destroy()));
});

function config(me: LabHost, peer: LabHost, vip: string, priority: number): string {
  return `instances:
  - name: vip1
    vrid: 51
    interface: eth0
    priority: ${priority}
    advertInterval: ${INTERVAL_CS * 10}ms
    preempt: false
    vips: [${vip}/24]
    mode: unicast
    unicast: { source: ${me.ip}, peers: [${peer.ip}] }
`;
}

describe('a stalled BACKUP', () => {
  it('stays BACKUP after stalls of 3 x Master_Down_Interval while the MASTER advertises', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const vip = lab.address(100);
    const dir = labTempDir();
    // As in the report: the MASTER has the lower priority, the nopreempt BACKUP the higher.
    const master = await startFloatd(h2, config(h2, h1, vip, 100), dir);
    agents.push(master);
    await master.waitForState('master');
    const backup = await startFloatd(h1, config(h1, h2, vip, 150), dir);
    agents.push(backup);
    await backup.waitForState('backup');
    const pid = backup.proc.pid;
    if (pid === undefined) throw new Error('floatd on h1 has no pid');
    const stallMs = 3 * masterDownIntervalMs(3, 150, INTERVAL_CS);
    for (let i = 0; i < STALLS; i++) {
      process.kill(pid, 'SIGSTOP');
      await sleep(stallMs);
      process.kill(pid, 'SIGCONT');
      await sleep(stallMs);
    }
    expect(
      backup.transitions().filter((t) => t.to === 'master'),
      backup.proc.output(),
    ).toEqual([]);
    expect(master.state()).toBe('master');
  });
});
