// The rtnetlink address runner with a fake addon: which argument lists it takes (exactly those
// AddressManager builds), what it hands the addon, the iproute2 text of each failure (which
// AddressManager matches for "already present/absent"), and the fallback for everything else.
// On a real interface: test/integration/net/net.test.ts (netlink and ip side by side).
import { describe, expect, it } from 'vitest';
import { NativeAddonMissingError } from '../../../src/agent/native/errors.js';
import type { NativeAddon } from '../../../src/agent/native/native-addon.js';
import type { CommandRunner } from '../../../src/agent/net/command-runner.js';
import { failureText } from '../../../src/agent/net/command-runner.js';
import {
  netlinkAddressRunner,
  parseAddressChange,
} from '../../../src/agent/net/netlink-addresses.js';

function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function fakeAddon(failWith?: Error): { addon: NativeAddon; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const addon = {
    interfaceIndex: (name: string) => {
      if (name === 'eth9') throw errno('ENODEV', 'if_nametoindex ENODEV: No such device');
      return 7;
    },
    changeAddress: (...args: unknown[]) => {
      calls.push(args);
      if (failWith !== undefined) throw failWith;
    },
  } as unknown as NativeAddon;
  return { addon, calls };
}

const fallbackCalls: string[][] = [];
const fallback: CommandRunner = (cmd, args) => {
  fallbackCalls.push([cmd, ...args]);
  return Promise.resolve({ stdout: 'from ip', stderr: '' });
};

describe('parseAddressChange', () => {
  it.each([
    [['addr', 'add', '10.0.0.100/24', 'dev', 'eth0'], [10, 0, 0, 100], 24, false, undefined],
    [
      ['addr', 'del', '10.0.0.100/32', 'dev', 'eth0', 'label', 'eth0:v'],
      [10, 0, 0, 100],
      32,
      false,
      'eth0:v',
    ],
    [
      ['addr', 'add', 'fd00::1/64', 'dev', 'eth0', 'nodad'],
      [0xfd, 0, ...Array(13).fill(0), 1],
      64,
      true,
      undefined,
    ],
  ] as const)('%j', (args, bytes, prefixLength, nodad, label) => {
    const change = parseAddressChange(args);
    expect(change).toEqual({
      add: args[1] === 'add',
      address: Buffer.from(bytes),
      prefixLength,
      device: 'eth0',
      label,
      nodad,
    });
  });

  it.each([
    [['-j', '-4', 'addr', 'show', 'dev', 'eth0']],
    [['addr', 'add', '10.0.0.100', 'dev', 'eth0']],
    [['addr', 'add', '10.0.0.100/33', 'dev', 'eth0']],
    [['addr', 'add', 'eth0/24', 'dev', 'eth0']],
    [['addr', 'add', '10.0.0.100/24', 'dev', 'eth0', 'brd', '+']],
    [['addr', 'add', '10.0.0.100/24', 'dev', 'eth0', 'label']],
    [['addr', 'flush', 'dev', 'eth0']],
  ])('not an address change it takes: %j', (args) => {
    expect(parseAddressChange(args)).toBeUndefined();
  });
});

describe('netlinkAddressRunner', () => {
  it('hands an add to the addon with the ifindex, and resolves at once', async () => {
    const { addon, calls } = fakeAddon();
    const run = netlinkAddressRunner(fallback, () => addon);
    await expect(run('ip', ['addr', 'add', '10.0.0.100/24', 'dev', 'eth0'])).resolves.toEqual({
      stdout: '',
      stderr: '',
    });
    await run('ip', ['addr', 'del', '10.0.0.100/24', 'dev', 'eth0', 'label', 'eth0:v']);
    expect(calls).toEqual([
      [true, 7, Buffer.from([10, 0, 0, 100]), 24, false],
      [false, 7, Buffer.from([10, 0, 0, 100]), 24, false, 'eth0:v'],
    ]);
  });

  it.each([
    ['EEXIST', 'RTNETLINK answers: File exists'],
    ['EADDRNOTAVAIL', 'RTNETLINK answers: Cannot assign requested address'],
    ['EPERM', 'RTNETLINK answers: Operation not permitted'],
  ])('%s fails with the text ip prints: %s', async (code, text) => {
    const { addon } = fakeAddon(errno(code, `RTM_NEWADDR ${code}: Operation not permitted`));
    const run = netlinkAddressRunner(fallback, () => addon);
    const error = await run('ip', ['addr', 'add', '10.0.0.1/24', 'dev', 'eth0']).catch(
      (e: unknown) => e,
    );
    expect(failureText(error)).toBe(text);
    expect(error).toMatchObject({ code });
  });

  it('a missing device is iproute2\'s "Cannot find device"', async () => {
    const { addon, calls } = fakeAddon();
    const run = netlinkAddressRunner(fallback, () => addon);
    const error = await run('ip', ['addr', 'add', '10.0.0.1/24', 'dev', 'eth9']).catch(
      (e: unknown) => e,
    );
    expect(failureText(error)).toBe('Cannot find device "eth9"');
    expect(calls).toEqual([]);
  });

  it('anything else, and everything without the addon, goes to the fallback', async () => {
    fallbackCalls.length = 0;
    const { addon } = fakeAddon();
    const run = netlinkAddressRunner(fallback, () => addon);
    await expect(run('ip', ['-j', '-4', 'addr', 'show', 'dev', 'eth0'])).resolves.toMatchObject({
      stdout: 'from ip',
    });
    let loads = 0;
    const missing = netlinkAddressRunner(fallback, () => {
      loads++;
      throw new NativeAddonMissingError(['/x/floatd_native.node'], 'not built, no file');
    });
    await missing('ip', ['addr', 'add', '10.0.0.1/24', 'dev', 'eth0']);
    await missing('ip', ['addr', 'del', '10.0.0.1/24', 'dev', 'eth0']);
    expect(loads).toBe(1); // not asked again
    expect(fallbackCalls).toEqual([
      ['ip', '-j', '-4', 'addr', 'show', 'dev', 'eth0'],
      ['ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'eth0'],
      ['ip', 'addr', 'del', '10.0.0.1/24', 'dev', 'eth0'],
    ]);
  });
});
