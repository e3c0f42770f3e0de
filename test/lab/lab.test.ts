// The lab itself: hosts reach each other, a cut cable partitions, nftables drops, teardown leaves
// nothing behind.
import { afterAll, describe, expect, it } from 'vitest';
import { Lab, sh } from './lab.js';
import { requireLab } from './require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

async function namespaces(): Promise<string[]> {
  const { stdout } = await sh('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

describe('network lab', () => {
  it('connects hosts, partitions them, and tears down completely', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 3 });
    labs.push(lab);
    const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
    // A TCP-free reachability probe: h2 answers ARP for its address, so h1 learns its MAC.
    await h1.exec('ping', ['-c', '1', '-W', '1', h2.ip]).catch(() => undefined);
    expect(await h1.neighbourMac(h2.ip)).toBe(await h2.mac());

    await h3.disconnect();
    const cut = await h1.exec('ping', ['-c', '1', '-W', '1', h3.ip]).then(
      () => 'reached',
      () => 'unreachable',
    );
    expect(cut).toBe('unreachable');
    await h3.reconnect();

    const sleeper = h2.spawn('sleep', ['600']);
    expect(sleeper.running).toBe(true);
    const names = lab.hosts.map((h) => h.ns).concat(lab.bridgeNs);
    expect((await namespaces()).filter((n) => names.includes(n)).sort()).toEqual([...names].sort());
    await lab.destroy();
    expect(sleeper.running).toBe(false);
    expect((await namespaces()).filter((n) => names.includes(n))).toEqual([]);
  });
});
