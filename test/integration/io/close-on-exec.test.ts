// Every socket floatd opens is close-on-exec, so no child (ip monitor, ip -batch, notify and
// tracker scripts) inherits one. raw-socket opens its sockets without SOCK_CLOEXEC; the agent
// marks them right after each open (native/floatd-native's markSocketsCloseOnExec).
// Raw and packet sockets need CAP_NET_RAW: root, as the lab tests.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readInterface } from '../../../src/agent/io/interface-info.js';
import { Ipv4VrrpSocket } from '../../../src/agent/io/vrrp-socket-v4.js';
import { Ipv6VrrpSocket } from '../../../src/agent/io/vrrp-socket-v6.js';
import { nativeAddon } from '../../../src/agent/native/native-addon.js';
import { openIcmpV6Socket } from '../../../src/agent/net/unsolicited-na.js';
import { requireLab } from '../../lab/require-lab.js';

const O_CLOEXEC = 0o2000000;

/** This process's socket fds and their inodes. */
function sockets(): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${name}`);
      if (target.startsWith('socket:')) out.set(Number(name), target);
    } catch {
      // closed meanwhile (readdir's own fd)
    }
  }
  return out;
}

/** What `open` added: fd -> socket inode. */
function opened(open: () => void): Map<number, string> {
  const before = sockets();
  open();
  return new Map([...sockets()].filter(([fd]) => !before.has(fd)));
}

function closeOnExec(fd: number): boolean {
  const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  return (parseInt(flags?.[1] ?? '0', 8) & O_CLOEXEC) !== 0;
}

/** The socket inodes a child started now holds (a shell listing its own fds). */
function inheritedSockets(): string[] {
  const out = execFileSync('sh', ['-c', 'for f in /proc/$$/fd/*; do readlink "$f" || true; done'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l.startsWith('socket:'));
}

interface RawSocketModule {
  createSocket(o: { protocol: number }): { close(): void };
}

describe('close-on-exec', () => {
  it('raw-socket itself opens without FD_CLOEXEC (why the agent marks its sockets)', (ctx) => {
    requireLab(ctx);
    const raw = createRequire(import.meta.url)('raw-socket') as RawSocketModule;
    let socket: { close(): void } | undefined;
    const fds = opened(() => (socket = raw.createSocket({ protocol: 112 })));
    try {
      expect(fds.size).toBe(1);
      const [fd, inode] = [...fds][0] as [number, string];
      expect(closeOnExec(fd)).toBe(false);
      expect(inheritedSockets()).toContain(inode);
      expect(nativeAddon().markSocketsCloseOnExec()).toEqual([fd]);
      expect(closeOnExec(fd)).toBe(true);
      expect(inheritedSockets()).not.toContain(inode);
    } finally {
      socket?.close();
    }
  });

  it('the VRRP v4/v6 sockets, the NA socket and the packet socket are close-on-exec', async (ctx) => {
    requireLab(ctx);
    const lo = await readInterface('lo');
    const closers: (() => void)[] = [];
    try {
      const all = new Map<number, string>();
      const add = (what: string, fds: Map<number, string>): void => {
        expect(fds.size, what).toBeGreaterThan(0);
        for (const [fd, inode] of fds) all.set(fd, inode);
      };
      add(
        'VRRP IPv4',
        opened(() => {
          const s = Ipv4VrrpSocket.open({ iface: lo, joinMulticast: false });
          closers.push(() => s.close());
        }),
      );
      add(
        'VRRP IPv6',
        opened(() => {
          const s = Ipv6VrrpSocket.open({ iface: lo, joinMulticast: false });
          closers.push(() => s.close());
        }),
      );
      add(
        'ICMPv6 NA',
        opened(() => {
          const s = openIcmpV6Socket();
          closers.push(() => void s.close());
        }),
      );
      add(
        'packet',
        opened(() => {
          const fd = nativeAddon().open(lo.index);
          closers.push(() => nativeAddon().close(fd));
        }),
      );
      for (const [fd] of all) expect(closeOnExec(fd), `fd ${fd}`).toBe(true);
      const inherited = inheritedSockets();
      for (const [, inode] of all) expect(inherited).not.toContain(inode);
    } finally {
      for (const close of closers) close();
    }
  });
});
