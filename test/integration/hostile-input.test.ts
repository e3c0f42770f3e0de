// Hostile input on a live segment: a third host injects crafted adverts (each claiming priority
// 254, so one that got through would make the MASTER step down) at two floatd agents running a
// v2 instance with a password (multicast) and a v3 unicast instance. Each kind must be dropped,
// counted under its reason in the SIGUSR1 status, and change no state (RFC 3768 §7.1,
// RFC 5798 §7.1).
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/daemon/agent.js';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';
import { inject } from './io/inject.js';
import type { AdvertJson, Inject } from './io/socket-probe.js';
const PASSWORD = 's3cret';
const V2_VRID = 42;
const V3_VRID = 43;
/** Each kind is injected this many times; the status must count exactly that many. */
const COPIES = 3;

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

function config(me: LabHost, peer: LabHost, vips: readonly string[], priority: number): string {
  return `instances:
  - name: v2pass
    vrid: ${V2_VRID}
    interface: eth0
    version: 2
    priority: ${priority}
    advertInterval: 1s
    vips: [${vips[0]}/24]
    authentication: { type: pass, password: ${PASSWORD} }
    garp: { masterDelay: 0s, masterRepeat: 1 }
  - name: v3uni
    vrid: ${V3_VRID}
    interface: eth0
    version: 3
    priority: ${priority}
    advertInterval: 200ms
    vips: [${vips[1]}/24]
    mode: unicast
    unicast: { source: ${me.ip}, peers: [${peer.ip}] }
    garp: { masterDelay: 0s, masterRepeat: 1 }
`;
}

/** Every drop counter, flattened: "socket eth0/ipv4 bad-ttl", "instance v2pass auth-mismatch". */
function dropCounts(status: AgentStatus): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of status.sockets) {
    for (const [reason, n] of Object.entries(s.rejected))
      out.set(`socket ${s.socket} ${reason}`, n);
  }
  for (const i of status.instances) {
    for (const [reason, n] of Object.entries(i.counters.dropped)) {
      out.set(`instance ${i.name} ${reason}`, n);
    }
  }
  return out;
}

/** The counters that changed between two statuses, with the change. */
function changed(before: AgentStatus, after: AgentStatus): Record<string, number> {
  const was = dropCounts(before);
  const out: Record<string, number> = {};
  for (const [key, n] of dropCounts(after)) {
    const d = n - (was.get(key) ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

interface Kind {
  readonly name: string;
  readonly packet: Inject;
  /** The one drop counter each packet must raise on h1 and on h2 (none: h2 never sees it). */
  readonly h1: string;
  readonly h2?: string;
}

describe('floatd under hostile input', () => {
  it('drops and counts each bad packet by reason, with no state change', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 3 });
    labs.push(lab);
    const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
    const vips = [lab.address(100), lab.address(101)];
    const dir = labTempDir();
    const [a1, a2] = await Promise.all([
      startFloatd(h1, config(h1, h2, vips, 150), dir),
      startFloatd(h2, config(h2, h1, vips, 100), dir),
    ]);
    // v2 at 1 s: Master_Down_Interval 3.4 s for h1.
    await Promise.all([a1.waitForState('master', 8000), a2.waitForState('backup', 8000)]);
    const settle = Date.now() + 8000;
    while (a1.state('v2pass') !== 'master' || a1.state('v3uni') !== 'master') {
      if (Date.now() > settle) throw new Error(`h1 not MASTER of both:\n${a1.proc.output()}`);
      await sleep(50);
    }
    await sleep(500);
    expect([a2.state('v2pass'), a2.state('v3uni')]).toEqual(['backup', 'backup']);

    // A v2 advert that h1 and h2 would accept, from the third host: only one thing is wrong.
    const good: AdvertJson = {
      version: 2,
      family: 'ipv4',
      vrid: V2_VRID,
      priority: 254,
      advertIntervalSec: 1,
      authType: 1,
      authDataHex: hex(PASSWORD).padEnd(16, '0'), // RFC 2338 §5.3.6.1: zero-padded
      addresses: [vips[0] as string],
    };
    const toGroup = { src: h3.ip, dst: '224.0.0.18' };
    const socket = 'socket eth0/ipv4';
    const kinds: Kind[] = [
      {
        name: 'v2 PASS mismatch',
        packet: { ...toGroup, advert: { ...good, authDataHex: hex('wrong').padEnd(16, '0') } },
        h1: 'instance v2pass auth-mismatch',
        h2: 'instance v2pass auth-mismatch',
      },
      {
        name: 'TTL 64',
        packet: { ...toGroup, advert: good, ttl: 64 },
        h1: `${socket} bad-ttl`,
        h2: `${socket} bad-ttl`,
      },
      {
        name: 'bad checksum',
        packet: { ...toGroup, advert: good, corrupt: 'checksum' },
        h1: `${socket} bad-checksum`,
        h2: `${socket} bad-checksum`,
      },
      {
        name: 'wrong VRID',
        packet: { ...toGroup, advert: { ...good, vrid: 99 } },
        h1: `${socket} unknown-vrid`,
        h2: `${socket} unknown-vrid`,
      },
      {
        name: 'truncated',
        packet: { ...toGroup, advert: good, corrupt: 'truncate' },
        h1: `${socket} truncated`,
        h2: `${socket} truncated`,
      },
      {
        // The unicast instance: a well-formed v3 advert to h1 from a host not in its peers.
        name: 'unicast advert from a non-peer',
        packet: {
          src: h3.ip,
          dst: h1.ip,
          advert: {
            version: 3,
            family: 'ipv4',
            vrid: V3_VRID,
            priority: 254,
            maxAdvertIntervalCs: 20,
            addresses: [vips[1] as string],
          },
        },
        h1: 'instance v3uni not-a-peer',
      },
    ];

    for (const kind of kinds) {
      const before = await Promise.all([a1.status(), a2.status()]);
      const transitions = [a1.transitions().length, a2.transitions().length];
      await inject(
        h3,
        Array.from({ length: COPIES }, () => kind.packet),
      );
      await sleep(300); // a priority-254 advert would have made h1 step down by now
      const after = await Promise.all([a1.status(), a2.status()]);

      const expected = (key: string | undefined) => (key === undefined ? {} : { [key]: COPIES });
      expect(changed(before[0], after[0]), `${kind.name} on h1`).toEqual(expected(kind.h1));
      expect(changed(before[1], after[1]), `${kind.name} on h2`).toEqual(expected(kind.h2));
      expect([a1.transitions().length, a2.transitions().length], kind.name).toEqual(transitions);
      expect(
        after[0].instances.map((i) => i.state),
        kind.name,
      ).toEqual(['master', 'master']);
      expect(after[1].instances.map((i) => i.state)).toEqual(['backup', 'backup']);
    }
    expect(await h1.addresses()).toEqual(expect.arrayContaining(vips));
    expect(await h2.addresses()).not.toContain(vips[0]);

    // The non-peer is named, beside the configured peers and the fix, in the log and /status.
    const v3uni = (await a1.status()).instances.find((i) => i.name === 'v3uni');
    expect(v3uni?.unicast).toMatchObject({
      peers: [h2.ip],
      notAPeer: [{ src: h3.ip, count: COPIES }],
      fix: expect.stringContaining(`add it to unicast.peers of instance v3uni`),
    });
    const warned = a1.logs().filter((l) => l.reason === 'not-a-peer');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, src: h3.ip, peers: [h2.ip] });
    expect(String(warned[0]?.fix)).toContain('unicast.acceptUnknownPeers: true');

    // Control: the same advert without the defect is accepted, and h1 does step down at once.
    const t = Date.now();
    await inject(h3, [{ ...toGroup, advert: good }]);
    const stepDown = await a1.waitForState('backup', 2000, t);
    expect(stepDown.instance).toBe('v2pass');
  });
});

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}
