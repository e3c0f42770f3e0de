// The address manager's `ip` command lines, idempotency and per-address serialization, with an
// injected command runner (no root, no namespaces).
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AddressManager, type CommandRunner } from '../../../src/agent/net/address-manager.js';
import { NetCommandError } from '../../../src/agent/net/errors.js';
import type { Vip } from '../../../src/agent/net/vip.js';

const logger = pino({ level: 'silent' });
const V4: Vip = { address: '10.0.0.100', prefixLength: 24, device: 'eth0', label: 'eth0:vip' };
const V6: Vip = { address: 'fd00:0:0::100', prefixLength: 64, device: 'eth0' };

/** Fails like execFile: an Error carrying the command's stderr. */
function failure(stderr: string): Error {
  return Object.assign(new Error('Command failed'), { stderr, code: 2 });
}

interface FakeRunner {
  readonly run: CommandRunner;
  readonly calls: string[];
}

function fakeRunner(respond: (line: string) => string | Error = () => ''): FakeRunner {
  const calls: string[] = [];
  const run: CommandRunner = async (cmd, args) => {
    const line = [cmd, ...args].join(' ');
    calls.push(line);
    const out = respond(line);
    if (out instanceof Error) throw out;
    return { stdout: out, stderr: '' };
  };
  return { run, calls };
}

const addrJson = (...infos: { local: string; prefixlen: number }[]): string =>
  JSON.stringify([{ ifindex: 2, ifname: 'eth0', addr_info: infos }]);

describe('AddressManager command lines', () => {
  it('adds IPv4 with its label, IPv6 with nodad and without a label', async () => {
    const r = fakeRunner();
    const manager = new AddressManager({ logger, run: r.run });
    await manager.add(V4);
    await manager.add({ ...V6, label: 'eth0:ignored' });
    await manager.remove(V4);
    expect(r.calls).toEqual([
      'ip addr add 10.0.0.100/24 dev eth0 label eth0:vip',
      'ip addr add fd00:0:0::100/64 dev eth0 nodad',
      'ip addr del 10.0.0.100/24 dev eth0',
    ]);
  });

  it('treats an address already present as added, in both iproute2 spellings', async () => {
    for (const stderr of [
      'RTNETLINK answers: File exists',
      'Error: ipv4: Address already assigned.',
      'Error: ipv6: address already assigned.',
    ]) {
      const manager = new AddressManager({ logger, run: fakeRunner(() => failure(stderr)).run });
      await expect(manager.add(V4)).resolves.toBeUndefined();
    }
  });

  it('treats an address already absent as removed, in both iproute2 spellings', async () => {
    for (const stderr of [
      'RTNETLINK answers: Cannot assign requested address',
      'Error: ipv4: Address not found.',
      'Error: ipv6: address not found.',
    ]) {
      const manager = new AddressManager({ logger, run: fakeRunner(() => failure(stderr)).run });
      await expect(manager.remove(V6)).resolves.toBeUndefined();
    }
  });

  it('rejects other failures with NetCommandError naming the command and stderr', async () => {
    const manager = new AddressManager({
      logger,
      run: fakeRunner(() => failure('Cannot find device "eth9"')).run,
    });
    const error = await manager.add({ ...V4, device: 'eth9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetCommandError);
    expect(error).toMatchObject({
      code: 'FLOATD_ERR_NET_COMMAND',
      command: 'ip addr add 10.0.0.100/24 dev eth9 label eth0:vip',
      stderr: 'Cannot find device "eth9"',
    });
    // "File exists" on a remove is not idempotent success.
    const removing = new AddressManager({
      logger,
      run: fakeRunner(() => failure('File exists')).run,
    });
    await expect(removing.remove(V4)).rejects.toBeInstanceOf(NetCommandError);
  });
});

describe('AddressManager.present and removeLeftovers', () => {
  it('finds an address in any spelling and with any prefix length', async () => {
    const r = fakeRunner((line) =>
      line.includes('-6')
        ? addrJson({ local: 'fd00::100', prefixlen: 64 })
        : addrJson({ local: '10.0.0.1', prefixlen: 24 }),
    );
    const manager = new AddressManager({ logger, run: r.run });
    expect(await manager.present(V6)).toBe(true);
    expect(await manager.present(V4)).toBe(false);
    expect(r.calls).toEqual(['ip -j -6 addr show dev eth0', 'ip -j -4 addr show dev eth0']);
  });

  it('removes the leftovers found on their devices, with the prefix they have there', async () => {
    const r = fakeRunner((line) => {
      if (line === 'ip -j -4 addr show dev eth0')
        return addrJson({ local: '10.0.0.100', prefixlen: 32 });
      if (line === 'ip -j -4 addr show dev eth1') return addrJson();
      if (line === 'ip -j -6 addr show dev eth0')
        return addrJson({ local: 'fd00::100', prefixlen: 64 });
      return '';
    });
    const manager = new AddressManager({ logger, run: r.run });
    const absent: Vip = { address: '10.0.1.100', prefixLength: 24, device: 'eth1' };
    const removed = await manager.removeLeftovers([V4, absent, V6]);
    expect(removed).toEqual([{ ...V4, prefixLength: 32 }, V6]);
    expect(r.calls.filter((c) => c.includes(' del '))).toEqual([
      'ip addr del 10.0.0.100/32 dev eth0',
      'ip addr del fd00:0:0::100/64 dev eth0',
    ]);
  });

  it('rejects output that is not JSON', async () => {
    const manager = new AddressManager({ logger, run: fakeRunner(() => 'garbage').run });
    await expect(manager.present(V4)).rejects.toMatchObject({ code: 'FLOATD_ERR_NET_OUTPUT' });
  });
});

describe('AddressManager serialization', () => {
  it('runs operations on one address in call order, never overlapping', async () => {
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const run: CommandRunner = async (_cmd, args) => {
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${args[1]}`);
      // The add is slow: without serialization the remove would finish first.
      await new Promise((r) => setTimeout(r, args[1] === 'add' ? 30 : 1));
      log.push(`end ${args[1]}`);
      active--;
      return { stdout: '', stderr: '' };
    };
    const manager = new AddressManager({ logger, run });
    await Promise.all([manager.add(V4), manager.remove(V4), manager.add(V4)]);
    expect(log).toEqual(['start add', 'end add', 'start del', 'end del', 'start add', 'end add']);
    expect(maxActive).toBe(1);
  });

  it('serializes on the address, whatever its spelling, and continues after a failure', async () => {
    const order: string[] = [];
    let first = true;
    const run: CommandRunner = async (_cmd, args) => {
      order.push(`${args[1]} ${args[2]}`);
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 20));
        throw failure('Operation not permitted');
      }
      return { stdout: '', stderr: '' };
    };
    const manager = new AddressManager({ logger, run });
    const results = await Promise.allSettled([
      manager.add(V6),
      manager.remove({ ...V6, address: 'fd00::100' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(order).toEqual(['add fd00:0:0::100/64', 'del fd00::100/64']);
  });

  it('runs different addresses concurrently', async () => {
    let active = 0;
    let maxActive = 0;
    const run: CommandRunner = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return { stdout: '', stderr: '' };
    };
    const manager = new AddressManager({ logger, run });
    await Promise.all([manager.add(V4), manager.add(V6)]);
    expect(maxActive).toBe(2);
  });
});
