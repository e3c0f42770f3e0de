// A network lab of Linux network namespaces (for tests and `floatd demo`): hosts h1..hN, each with eth0 on one bridge (in a
// namespace of its own). No daemon needed. Everything created is torn down by destroy(), by the
// process exit hook, and by the next run if a crash left anything behind.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { LabProcess } from './lab-process.js';

const run = promisify(execFile);

/** Namespaces of every lab start with this, then the owning process id: `fl<pid>x<id>-h1`. */
const PREFIX = 'fl';
const live = new Set<Lab>();

export interface LabOptions {
  /** Number of hosts (h1..hN). */
  readonly hosts: number;
  /** The /24 the hosts live in, as its first three octets. Default 10.99.<random>. */
  readonly subnet?: string;
  /**
   * Also plug this (the root) namespace into the bridge, at `<subnet>.254`: for servers a test
   * runs in-process that the hosts must reach (the EC2 emulator). Removed with the bridge.
   */
  readonly rootAccess?: boolean;
}

/** The root namespace's address on the lab bridge when `rootAccess` is set. */
const ROOT_OCTET = 254;

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

export async function sh(cmd: string, args: readonly string[]): Promise<ExecResult> {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, {
      cause: error,
    });
  }
}

export class LabHost {
  readonly processes = new Set<LabProcess>();

  constructor(
    readonly lab: Lab,
    readonly index: number,
    /** Network namespace name. */
    readonly ns: string,
    /** The host's address on eth0. */
    readonly ip: string,
    /** The bridge-side end of this host's veth, in the bridge namespace. */
    readonly bridgePort: string,
  ) {}

  get name(): string {
    return `h${this.index}`;
  }

  /** Run a command inside the host and wait for it. */
  exec(cmd: string, args: readonly string[] = []): Promise<ExecResult> {
    return sh('ip', ['netns', 'exec', this.ns, cmd, ...args]);
  }

  /** Start a long-running command inside the host; it is killed on destroy(). */
  spawn(
    cmd: string,
    args: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
    cwd?: string,
  ): LabProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns, cmd, ...args], {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a kill reaches the command and not only `ip netns exec`.
      detached: true,
    });
    const proc = new LabProcess(child, `${this.name}:${cmd}`);
    this.processes.add(proc);
    void proc.exited.then(() => this.processes.delete(proc));
    return proc;
  }

  /** Cut the host off the segment (the bridge side of its cable), as a pulled cable. */
  async disconnect(): Promise<void> {
    await sh('ip', ['-n', this.lab.bridgeNs, 'link', 'set', this.bridgePort, 'down']);
  }

  async reconnect(): Promise<void> {
    await sh('ip', ['-n', this.lab.bridgeNs, 'link', 'set', this.bridgePort, 'up']);
  }

  /** Set the host's own eth0 down or up (what the agent's link watcher sees). */
  async setLink(up: boolean): Promise<void> {
    await sh('ip', ['-n', this.ns, 'link', 'set', 'eth0', up ? 'up' : 'down']);
  }

  /** Drop `percent` % of incoming VRRP (nftables numgen; the kernel here has no netem). */
  async dropVrrp(percent: number): Promise<void> {
    await this.clearDrops();
    // numgen's range is 0-99: "< 100" is refused, so all means no random clause at all.
    const chance = percent >= 100 ? '' : `numgen random mod 100 < ${percent}`;
    const rules = [
      'add table inet lab',
      'add chain inet lab in { type filter hook input priority 0; }',
      `add rule inet lab in ip protocol vrrp ${chance} counter drop`,
      `add rule inet lab in meta l4proto vrrp ${chance} counter drop`,
    ];
    for (const rule of rules)
      await sh('ip', ['netns', 'exec', this.ns, 'nft', ...rule.split(/\s+/)]);
  }

  /** Drops incoming VRRP packets of one VRID (the second byte of the VRRP header). */
  async dropVrid(vrid: number): Promise<void> {
    await this.clearDrops();
    const rules = [
      'add table inet lab',
      'add chain inet lab in { type filter hook input priority 0; }',
      `add rule inet lab in meta l4proto vrrp @th,8,8 ${vrid} counter drop`,
    ];
    for (const rule of rules)
      await sh('ip', ['netns', 'exec', this.ns, 'nft', ...rule.split(/\s+/)]);
  }

  async clearDrops(): Promise<void> {
    await sh('ip', ['netns', 'exec', this.ns, 'nft', 'flush', 'ruleset']);
  }

  async mac(): Promise<string> {
    const { stdout } = await sh('ip', ['-n', this.ns, '-j', 'link', 'show', 'eth0']);
    const [link] = JSON.parse(stdout) as { address: string }[];
    if (link === undefined) throw new Error(`${this.name}: no eth0`);
    return link.address;
  }

  /** IPv4 addresses on eth0 (VIPs included). */
  async addresses(): Promise<string[]> {
    const { stdout } = await sh('ip', ['-n', this.ns, '-j', '-4', 'addr', 'show', 'dev', 'eth0']);
    const [link] = JSON.parse(stdout) as { addr_info: { local: string }[] }[];
    return link?.addr_info.map((a) => a.local) ?? [];
  }

  async hasAddress(address: string): Promise<boolean> {
    return (await this.addresses()).includes(address);
  }

  /** The MAC this host's neighbour table holds for `address`, if any. */
  async neighbourMac(address: string): Promise<string | undefined> {
    const { stdout } = await sh('ip', ['-n', this.ns, '-j', 'neigh', 'show', address]);
    const entries = JSON.parse(stdout) as { lladdr?: string }[];
    return entries.find((e) => e.lladdr !== undefined)?.lladdr;
  }

  /** Kill every process this host started (SIGKILL) and wait for them. */
  async killAll(): Promise<void> {
    await Promise.all([...this.processes].map((p) => p.kill('SIGKILL')));
  }
}

export class Lab {
  readonly hosts: LabHost[] = [];
  private destroyed = false;

  private constructor(
    readonly id: string,
    readonly bridgeNs: string,
    readonly subnet: string,
  ) {}

  static async create(options: LabOptions): Promise<Lab> {
    assertLabAvailable();
    await cleanupStaleLabs();
    const id = `${PREFIX}${process.pid.toString(36)}x${randomBytes(2).toString('hex')}`;
    const subnet = options.subnet ?? `10.99.${randomBytes(1)[0] ?? 0}`;
    const lab = new Lab(id, `${id}-br`, subnet);
    live.add(lab);
    try {
      await sh('ip', ['netns', 'add', lab.bridgeNs]);
      await sh('ip', ['-n', lab.bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
      await sh('ip', ['-n', lab.bridgeNs, 'link', 'set', 'br0', 'up']);
      for (let i = 1; i <= options.hosts; i++) {
        const ns = `${id}-h${i}`;
        const port = `v${i}`;
        const ip = `${subnet}.${i}`;
        await sh('ip', ['netns', 'add', ns]);
        await sh('ip', [
          'link',
          'add',
          'eth0',
          'netns',
          ns,
          'type',
          'veth',
          'peer',
          'name',
          port,
          'netns',
          lab.bridgeNs,
        ]);
        await sh('ip', ['-n', lab.bridgeNs, 'link', 'set', port, 'master', 'br0']);
        await sh('ip', ['-n', lab.bridgeNs, 'link', 'set', port, 'up']);
        await sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
        await sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
        await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        lab.hosts.push(new LabHost(lab, i, ns, ip, port));
      }
      if (options.rootAccess === true) {
        // Deleting the bridge namespace deletes this veth pair, root end included.
        const rootEnd = `${id}r`;
        await sh('ip', [
          'link',
          'add',
          rootEnd,
          'type',
          'veth',
          'peer',
          'name',
          'vr',
          'netns',
          lab.bridgeNs,
        ]);
        await sh('ip', ['-n', lab.bridgeNs, 'link', 'set', 'vr', 'master', 'br0']);
        await sh('ip', ['-n', lab.bridgeNs, 'link', 'set', 'vr', 'up']);
        await sh('ip', ['addr', 'add', `${lab.rootAddress}/24`, 'dev', rootEnd]);
        await sh('ip', ['link', 'set', rootEnd, 'up']);
      }
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  host(index: number): LabHost {
    const host = this.hosts[index - 1];
    if (host === undefined) throw new Error(`lab has no host h${index}`);
    return host;
  }

  /** This namespace's address on the bridge (with `rootAccess`). */
  get rootAddress(): string {
    return `${this.subnet}.${ROOT_OCTET}`;
  }

  /** An address in the lab's subnet that no host has (for VIPs). */
  address(lastOctet: number): string {
    return `${this.subnet}.${lastOctet}`;
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    await Promise.all(this.hosts.map((h) => h.killAll()));
    for (const ns of [...this.hosts.map((h) => h.ns), this.bridgeNs]) {
      await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
    }
  }

  /**
   * Tear down on SIGINT/SIGTERM (exit 130) while `work` runs, then always destroy: for commands
   * (the demo, benchmarks) that a user may interrupt.
   */
  async runThenDestroy<T>(work: () => Promise<T>): Promise<T> {
    const onSignal = (): void => {
      this.destroySync();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await work();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await this.destroy();
    }
  }

  /** Synchronous teardown for the exit hook. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const host of this.hosts) {
      for (const p of host.processes) p.killSync();
    }
    for (const ns of [...this.hosts.map((h) => h.ns), this.bridgeNs]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  }
}

process.once('exit', () => {
  for (const lab of live) lab.destroySync();
});

/** Why the lab cannot run here, or undefined when it can. */
export function labUnavailableReason(uid = process.getuid?.()): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (uid !== 0) return 'network namespaces need root (run the tests as root)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (`ip netns`) is not available';
  }
  return undefined;
}

function assertLabAvailable(): void {
  const reason = labUnavailableReason();
  if (reason !== undefined) throw new Error(`network lab unavailable: ${reason}`);
}

/** Remove namespaces of labs whose owning process is gone (a crashed or killed test run). */
export async function cleanupStaleLabs(): Promise<void> {
  const { stdout } = await sh('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = /^fl([0-9a-z]+)x[0-9a-f]{4}-/.exec(name);
    if (match === null) continue;
    const pid = parseInt(match[1] ?? '', 36);
    if (isAlive(pid)) continue;
    await sh('ip', ['netns', 'del', name]).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
