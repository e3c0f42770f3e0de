// Issue 10 in the lab: floatd at 150 is MASTER and floatd at 100 BACKUP of VRID 51; a third
// host sends 20 valid v3 adverts at priority 50-60, alternately from its own address and forged
// from the MASTER's, at random phases of the advert interval. RFC 5798 §6.4.2: a BACKUP
// discards them, so neither agent may change state. Then the MASTER's own priority really falls
// below the BACKUP's (a file tracker): the BACKUP still takes over fast, Skew_Time after the
// MASTER's next advert was due at the latest (README, design notes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import { labTempDir, pollUntil, sleep, startFloatd } from '../../lab/agents.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';
import { inject } from './io/inject.js';
import type { Inject } from './io/socket-probe.js';

const VRID = 51;
const ADVERT_MS = 500;
const FORGED = 20;

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

function yaml(priority: number, vip: string, trackFile: string): string {
  return [
    'trackers:',
    `  - { name: lower, type: file, path: ${trackFile}, weight: -1, interval: 50ms }`,
    'instances:',
    '  - name: web',
    `    vrid: ${VRID}`,
    '    interface: eth0',
    `    priority: ${priority}`,
    `    advertInterval: ${ADVERT_MS}ms`,
    `    vips: [${vip}/24]`,
    '    track: [{ tracker: lower }]',
    '    garp: { masterDelay: 0s, masterRepeat: 1 }',
    '',
  ].join('\n');
}

/** A small seeded generator: the phases differ per packet but the test replays the same. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('adverts from another router at a lower priority (RFC 5798 §6.4.2)', () => {
  it('move nothing, own or forged; a MASTER whose priority really falls is still replaced fast', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 3 });
    labs.push(lab);
    const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
    const vip = lab.address(100);
    const dir = labTempDir();
    const track1 = join(dir, 'h1-lower');
    writeFileSync(track1, '0\n');
    writeFileSync(join(dir, 'h2-lower'), '0\n');
    const a1 = await startFloatd(h1, yaml(150, vip, track1), dir);
    await a1.waitForState('master');
    const a2 = await startFloatd(h2, yaml(100, vip, join(dir, 'h2-lower')), dir);
    await a2.waitForState('backup');
    await sleep(2 * ADVERT_MS);

    // Random phases: each packet 0.5-1.5 intervals after the last. The old rule took over
    // whenever the MASTER's next advert was more than Skew_Time (305 ms) away: about 39 % of
    // phases, so 20 packets all missing that window has odds of 0.61^20, about 5e-5.
    const random = lcg(20261205);
    const packets: Inject[] = Array.from({ length: FORGED }, (_, i) => ({
      src: i % 2 === 0 ? h3.ip : h1.ip,
      dst: '224.0.0.18',
      delayMs: Math.round(ADVERT_MS * (0.5 + random())),
      advert: {
        version: 3,
        family: 'ipv4',
        vrid: VRID,
        priority: 50 + Math.floor(random() * 11),
        maxAdvertIntervalCs: ADVERT_MS / 10,
        addresses: [vip],
      },
    }));
    const before = [a1.transitions().length, a2.transitions().length];
    const statusBefore = await a2.status();
    const sentAt = await inject(h3, packets, 60_000);
    await sleep(2 * ADVERT_MS);
    const statusAfter = await a2.status();

    expect([a1.transitions().length, a2.transitions().length], a2.proc.output()).toEqual(before);
    expect(await h1.hasAddress(vip)).toBe(true);
    expect(await h2.hasAddress(vip)).toBe(false);
    // The ones from h3's own address are discarded and counted; forged copies of h1's are not
    // told apart from h1's own (h1's next real advert answers them).
    const dropped = (s: typeof statusAfter): number =>
      s.instances[0]?.counters.dropped['lower-priority'] ?? 0;
    expect(dropped(statusAfter) - dropped(statusBefore)).toBe(FORGED / 2);
    console.log(
      `${FORGED} adverts at priority 50-60 over ${((sentAt.at(-1) ?? 0) - (sentAt[0] ?? 0)) / 1000} s: 0 transitions on h1 and h2`,
    );

    // h1's priority really falls to 90: h2 (100) takes over, at most Skew_Time after h1's next
    // advert was due, i.e. within one interval plus Skew_Time of the drop.
    writeFileSync(track1, '60\n');
    const tracked = await pollUntil(
      () => a1.logs().some((l) => l.event === 'tracking' && l.weightDelta === -60),
      5000,
      10,
    );
    expect(tracked).toBe(true);
    const droppedAtMs = Number(
      a1.logs().find((l) => l.event === 'tracking' && l.weightDelta === -60)?.time,
    );
    const takeover = await a2.waitForState('master', 5000, droppedAtMs);
    const skewMs = skewTimeMs(3, 100, ADVERT_MS / 10);
    const tookMs = takeover.atMs - droppedAtMs;
    console.log(
      `h1 at 90: h2 MASTER (${takeover.reason}) ${tookMs} ms after the drop; Skew_Time ${skewMs.toFixed(0)} ms, bound ${(ADVERT_MS + skewMs).toFixed(0)} ms; keepalived waits Master_Down_Interval ${(3 * ADVERT_MS + skewMs).toFixed(0)} ms`,
    );
    expect(takeover.reason).toBe('preempting');
    expect(tookMs).toBeGreaterThanOrEqual(skewMs - 5);
    expect(tookMs).toBeLessThanOrEqual(ADVERT_MS + skewMs + 100);
    expect(await pollUntil(() => h2.hasAddress(vip), 2000, 10)).toBe(true);
    await a1.waitForState('backup', 3000, droppedAtMs);
    await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
  });
});
