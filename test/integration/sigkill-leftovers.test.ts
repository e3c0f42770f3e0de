// After a SIGKILL of floatd (no exit handler runs): within 1 s no process in its network
// namespace holds a VRRP (IP protocol 112) socket, none holds any socket floatd had, and no
// helper it started (`ip -o monitor link`, the notify shell, `ip -batch` when it needed one)
// is left.
// Before the fix, the `ip monitor` child lived on as an orphan holding the VRRP socket.
import {
  chmodSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, pollUntil, startFloatd } from '../../lab/agents.js';
import { Lab, type LabHost } from '../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

const VRRP_PROTOCOL = 112;
let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
});

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
}

/** Live processes (zombies hold nothing and are only waiting to be reaped). */
function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const status = readFileSync(`/proc/${name}/status`, 'utf8');
        if (/^State:\s+Z/m.test(status)) return [];
        const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
        const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
        return [{ pid: Number(name), ppid, cmdline: cmdline.trim() }];
      } catch {
        return []; // exited meanwhile
      }
    });
}

/** Every descendant of `root` now. */
function descendants(root: number): Proc[] {
  const all = processes();
  const out: Proc[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

/** Socket inodes a process holds ("socket:[123]" -> "123"). */
function socketInodes(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m === null ? [] : [m[1] as string];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** Processes whose network namespace is the host's. */
function processesIn(host: LabHost): Proc[] {
  const ns = `net:[${statSync(`/run/netns/${host.ns}`).ino}]`;
  return processes().filter((p) => {
    try {
      return readlinkSync(`/proc/${p.pid}/ns/net`) === ns;
    } catch {
      return false;
    }
  });
}

/** Inodes of the namespace's raw sockets for `protocol` (IPv4 and IPv6), read inside it. */
async function rawSocketInodes(host: LabHost, protocol: number): Promise<Set<string>> {
  const { stdout } = await host.exec('cat', ['/proc/net/raw', '/proc/net/raw6']);
  const inodes = new Set<string>();
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...; for a raw
    // socket the local "port" is its protocol.
    const local = /:([0-9A-F]{4})$/.exec(fields[1] ?? '');
    if (local === null || parseInt(local[1] as string, 16) !== protocol) continue;
    inodes.add(fields[9] as string);
  }
  return inodes;
}

/** Who in the namespace holds one of `inodes` (pid and command). */
function holders(host: LabHost, inodes: ReadonlySet<string>): string[] {
  return processesIn(host).flatMap((p) =>
    socketInodes(p.pid).some((i) => inodes.has(i)) ? [`${p.pid} ${p.cmdline}`] : [],
  );
}

describe('SIGKILL of floatd', () => {
  it('within 1 s: no VRRP socket held in its namespace, no socket of its held, no helper left', async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 1 });
    const h1 = lab.host(1);
    const dir = labTempDir();
    const notify = join(dir, 'notify.sh');
    writeFileSync(notify, '#!/bin/sh\nexit 0\n');
    chmodSync(notify, 0o755);
    const yaml = [
      'instances:',
      '  - name: v4',
      '    vrid: 61',
      '    interface: eth0',
      '    advertInterval: 100ms',
      `    vips: [${lab.address(100)}/24]`,
      `    notify: { any: ${notify} }`,
      '  - name: v6',
      '    vrid: 62',
      '    interface: eth0',
      '    advertInterval: 100ms',
      '    vips: [fd00:99:61::100/64]',
      '',
    ].join('\n');
    const agent = await startFloatd(h1, yaml, dir);
    await agent.waitForState('master', 10_000);
    const pid = agent.proc.pid as number;
    // `ip netns exec` execs: the pid is floatd's own Node process.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('main.ts');

    // Before: floatd holds its VRRP sockets (v4 and v6), and its helpers run.
    const vrrp = await rawSocketInodes(h1, VRRP_PROTOCOL);
    expect(vrrp.size).toBeGreaterThanOrEqual(2);
    const ours = new Set(socketInodes(pid));
    for (const inode of vrrp) expect(ours).toContain(inode);
    // A child caught between fork and exec still shows floatd's command line and holds its
    // descriptors until the exec closes them (close-on-exec): not a helper yet.
    const floatdCmdline = processes().find((p) => p.pid === pid)?.cmdline;
    const helpers = descendants(pid).filter((p) => p.cmdline !== floatdCmdline);
    const commands = helpers.map((p) => p.cmdline).join('\n');
    expect(commands).toContain('ip -o monitor link');
    expect(commands).toMatch(/^sh -c /m); // the notify shell
    // No helper holds a socket of floatd's while it runs either (close-on-exec).
    expect(helpers.filter((p) => socketInodes(p.pid).some((i) => ours.has(i)))).toEqual([]);

    // SIGKILL floatd itself (not its process group: the helpers must go on their own).
    const killedAtMs = Date.now();
    process.kill(pid, 'SIGKILL');
    const clean = async (): Promise<boolean> =>
      holders(h1, await rawSocketInodes(h1, VRRP_PROTOCOL)).length === 0 &&
      holders(h1, ours).length === 0 &&
      helpers.every((h) => !processes().some((p) => p.pid === h.pid));
    const cleanWithin1s = await pollUntil(clean, 1000, 10);
    const tookMs = Date.now() - killedAtMs;
    const left = helpers.filter((h) => processes().some((p) => p.pid === h.pid));
    expect(
      {
        vrrpHolders: holders(h1, await rawSocketInodes(h1, VRRP_PROTOCOL)),
        socketHolders: holders(h1, ours),
        helpersLeft: left.map((p) => `${p.pid} ${p.cmdline}`),
      },
      `${tookMs} ms after the SIGKILL`,
    ).toEqual({ vrrpHolders: [], socketHolders: [], helpersLeft: [] });
    expect(cleanWithin1s).toBe(true);
    console.log(`SIGKILL of floatd: no socket or helper left ${tookMs} ms later`);
  });
});
