// floatd and keepalived 2.2.7 in one virtual router, in both directions, for {v2, v3} x
// {multicast, unicast}: one MASTER, failover each way, and keepalived never complains about
// floatd's adverts (nor floatd about keepalived's).
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatdAgent, KeepalivedAgent } from '../../lab/agents.js';
import { labTempDir, sleep, startFloatd, startKeepalived } from '../../lab/agents.js';
import { keepalivedConfig } from '../../lab/keepalived-config.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { masterDownIntervalMs } from '../../src/agent/vrrp/intervals.js';
import { keepalivedMissing } from '../lab/program-missing.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

interface Case {
  readonly version: 2 | 3;
  readonly mode: 'multicast' | 'unicast';
  /** Who has priority 150 (h1); the other runs at 100 on h2. */
  readonly high: 'floatd' | 'keepalived';
}

const CASES: Case[] = [2, 3].flatMap((version) =>
  (['multicast', 'unicast'] as const).flatMap((mode) =>
    (['floatd', 'keepalived'] as const).map((high) => ({ version: version as 2 | 3, mode, high })),
  ),
);

/** keepalived lines that would mean it disliked what it received. */
const KEEPALIVED_COMPLAINT =
  /invalid|mismatch|bad |wrong|not present|discard|ignor|error|unknown|malformed|checksum|ttl/i;
/** The protocol at work, not a complaint: a preempting backup discarding a lower master (§6.4.2). */
const KEEPALIVED_PREEMPTING = /received lower priority \(\d+\) advert from [0-9.]+ - discarding$/;

type Agent = { kind: 'floatd'; a: FloatdAgent } | { kind: 'keepalived'; a: KeepalivedAgent };

async function waitVip(
  host: LabHost,
  vip: string,
  present: boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await host.hasAddress(vip)) !== present) {
    if (Date.now() > deadline) {
      throw new Error(
        `VIP ${vip} ${present ? 'not added to' : 'not removed from'} ${host.name} in ${timeoutMs} ms`,
      );
    }
    await sleep(20);
  }
}

describe.concurrent.each(CASES)('interop v$version $mode, $high at priority 150', (c) => {
  it('elects one MASTER, fails over both ways, and nobody complains', async (ctx) => {
    requireLab(ctx, keepalivedMissing);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const vip = lab.address(100);
    const dir = labTempDir();
    // v2 carries whole seconds; keepalived takes fractions of a second for v3.
    const intervalMs = c.version === 2 ? 1000 : 200;
    const mdi = masterDownIntervalMs(c.version, 100, intervalMs / 10);

    const start = async (
      host: LabHost,
      peer: LabHost,
      kind: Case['high'],
      priority: number,
    ): Promise<Agent> => {
      if (kind === 'keepalived') {
        const conf = keepalivedConfig({
          routerId: host.name,
          vrid: 61,
          priority,
          version: c.version,
          advertIntervalMs: intervalMs,
          vip,
          prefixLength: 24,
          ...(c.mode === 'unicast' ? { unicastSource: host.ip, unicastPeers: [peer.ip] } : {}),
        });
        return { kind, a: await startKeepalived(host, conf, dir) };
      }
      const yaml = [
        'instances:',
        '  - name: interop',
        '    vrid: 61',
        '    interface: eth0',
        `    version: ${c.version}`,
        `    priority: ${priority}`,
        `    advertInterval: ${intervalMs}ms`,
        `    vips: [${vip}/24]`,
        `    mode: ${c.mode}`,
        ...(c.mode === 'unicast'
          ? [`    unicast: { source: ${host.ip}, peers: [${peer.ip}] }`]
          : []),
        '',
      ].join('\n');
      return { kind, a: await startFloatd(host, yaml, dir) };
    };
    const low: Case['high'] = c.high === 'floatd' ? 'keepalived' : 'floatd';
    const logsOf: KeepalivedAgent[] = [];
    const floatds: FloatdAgent[] = [];
    const track = (agent: Agent): Agent => {
      if (agent.kind === 'keepalived') logsOf.push(agent.a);
      else floatds.push(agent.a);
      return agent;
    };

    // One MASTER: the higher priority, whichever implementation it is.
    let high = track(await start(h1, h2, c.high, 150));
    track(await start(h2, h1, low, 100));
    await waitVip(h1, vip, true, 2 * mdi + 5000);
    await sleep(4 * intervalMs);
    expect(await h1.hasAddress(vip)).toBe(true);
    expect(await h2.hasAddress(vip)).toBe(false);

    // SIGTERM of the MASTER: the other implementation takes over (priority 0 understood).
    await high.a.proc.kill('SIGTERM');
    await waitVip(h2, vip, true, mdi + 2000);
    expect(await h1.hasAddress(vip)).toBe(false);

    // It returns and preempts.
    high = track(await start(h1, h2, c.high, 150));
    await waitVip(h1, vip, true, 2 * mdi + 5000);
    await waitVip(h2, vip, false, 2000);

    // The MASTER's host dies (SIGKILL, cable pulled): takeover after Master_Down_Interval.
    const t = Date.now();
    await Promise.all([high.a.proc.kill('SIGKILL'), h1.disconnect()]);
    await waitVip(h2, vip, true, mdi + 2000);
    expect(Date.now() - t).toBeGreaterThan(mdi - intervalMs - 200);

    for (const k of logsOf) {
      const complaints = k
        .log()
        .split('\n')
        .filter((line) => KEEPALIVED_COMPLAINT.test(line) && !KEEPALIVED_PREEMPTING.test(line));
      expect(complaints, k.log()).toEqual([]);
    }
    for (const f of floatds) {
      const drops = f
        .logs()
        .filter((l) => /^(advert (from \S+ )?dropped|packet rejected)/.test(String(l.msg)));
      expect(drops, f.proc.output()).toEqual([]);
    }
  });
});
