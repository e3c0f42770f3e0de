// The release on a clean host: `npm run package` builds the tarball and the .deb, and Debian
// bookworm containers with no Node.js and no compiler (minbase + iproute2, built here from
// Debian's packages) install and run them. Two containers on one Docker network then run
// `floatd run` (one from the .deb, one from the tarball): one MASTER holding the VIP, and a
// handover when the MASTER's container is stopped (docker stop: SIGTERM to floatd).
// In CI it fails when it cannot run; elsewhere it is skipped with the reason.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { buildRelease, type Release } from '../../infra/release/package.js';
import { SCAFFOLDING_MARKERS } from './scaffolding-markers.js';
import {
  cleanHostImage,
  ContainerLog,
  createNetwork,
  dockerUnavailableReason,
} from './docker-host.js';

// The reaper image (ryuk) cannot be pulled here: containers are removed by afterAll instead.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const IMAGE = 'floatd-test/clean-host:bookworm';
const SUBNET_PREFIX = '10.213.77';
const VIP = `${SUBNET_PREFIX}.100`;
const DEB = '/tmp/floatd.deb';
const TARBALL = '/tmp/floatd.tar.gz';

let unavailable: string | undefined;
let release: Release;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  unavailable = await dockerUnavailableReason();
  if (unavailable !== undefined) return;
  [release] = await Promise.all([buildRelease(), cleanHostImage(IMAGE)]);
}, 900_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}, 120_000);

function requireDocker(ctx: TestContext): void {
  if (unavailable === undefined) return;
  if (process.env.CI === 'true')
    throw new Error(`CI must run the clean-host test, but: ${unavailable}`);
  console.warn(`skipping "${ctx.task.name}": ${unavailable}`);
  ctx.skip();
}

/** A container of the clean image with the artifacts copied in, idling until told. */
async function idleHost(): Promise<StartedTestContainer> {
  const container = await new GenericContainer(IMAGE)
    .withCommand(['sleep', 'infinity'])
    .withCopyFilesToContainer([
      { source: release.deb, target: DEB },
      { source: release.tarball, target: TARBALL },
    ])
    .start();
  cleanups.push(() => container.stop({ timeout: 1000 }));
  return container;
}

async function sh(container: StartedTestContainer, script: string) {
  return container.exec(['sh', '-c', script]);
}

const VERSION_LINE = /^floatd \d+\.\d+\.\d+ \(Node\.js v2[24]\.\d+\.\d+\)$/;

describe('the release on a clean Debian host', () => {
  it('lists no lab, demo or EC2 emulator among its files, nor their code in its bundle', (ctx) => {
    requireDocker(ctx);
    const listing = execFileSync('tar', ['-tzf', release.tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '');
    expect(listing.length).toBeGreaterThan(5);
    expect(listing.some((f) => f.endsWith('/bin/floatd'))).toBe(true);
    expect(listing.filter((f) => /lab|demo|emulator|prober/i.test(f))).toEqual([]);
    const code = listing.filter((f) => f.includes('/app/') && f.endsWith('.js'));
    expect(code.length).toBeGreaterThan(0);
    // One extraction (tar reads the whole 40 MB archive per call), then every file read.
    const dir = mkdtempSync(join(tmpdir(), 'floatd-tarball-'));
    try {
      execFileSync('tar', ['-xzf', release.tarball, '-C', dir, ...code]);
      for (const file of code) {
        const text = readFileSync(join(dir, file), 'utf8');
        expect(
          SCAFFOLDING_MARKERS.filter((m) => text.includes(m)),
          file,
        ).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has neither Node.js nor a compiler, and the .deb installs and runs there', async (ctx) => {
    requireDocker(ctx);
    const host = await idleHost();
    const tools = await sh(host, 'command -v node nodejs gcc cc g++ make python3 || true');
    expect(tools.output.trim()).toBe('');

    const install = await sh(host, `dpkg -i ${DEB} 2>&1`);
    expect(install.exitCode, install.output).toBe(0);
    const version = await sh(host, 'floatd --version');
    expect(version.exitCode, version.output).toBe(0);
    expect(version.stdout.trim()).toMatch(VERSION_LINE);
    expect(version.stdout).toContain(
      `floatd ${release.version} (Node.js v${release.runtimeVersion})`,
    );

    const validate = await sh(host, 'floatd validate -c /etc/floatd/floatd.example.yaml 2>&1');
    expect(validate.exitCode, validate.output).toBe(0);
    expect(validate.output).toMatch(/OK/);
    // The unit is installed, not enabled.
    const unit = await sh(
      host,
      'test -f /lib/systemd/system/floatd.service && ! test -e /etc/systemd/system/multi-user.target.wants/floatd.service',
    );
    expect(unit.exitCode).toBe(0);
    // Root in a container without NET_ADMIN (Docker's default set): one line saying what is
    // missing and how to grant it, exit 3 (cannot start on this host), no stack trace.
    const noCap = await sh(
      host,
      'floatd run -c /etc/floatd/floatd.example.yaml 2>&1; echo "exit=$?"',
    );
    expect(noCap.output).toMatch(
      /^floatd run: missing CAP_NET_ADMIN .*--cap-add NET_ADMIN.*\nexit=3\n$/,
    );
  });

  it('the tarball unpacks anywhere and runs from there', async (ctx) => {
    requireDocker(ctx);
    const host = await idleHost();
    const unpack = await sh(host, `mkdir -p /opt && tar -xzf ${TARBALL} -C /opt 2>&1`);
    expect(unpack.exitCode, unpack.output).toBe(0);
    const root = `/opt/floatd-${release.version}-linux-x64`;
    const layout = await sh(host, `cd ${root} && ls bin lib share/floatd share/floatd/examples`);
    expect(layout.output).toContain('floatd.service');
    const version = await sh(host, `${root}/bin/floatd --version`);
    expect(version.stdout.trim()).toMatch(VERSION_LINE);
    // Through a symlink too (how an administrator puts it on PATH).
    const linked = await sh(
      host,
      `ln -s ${root}/bin/floatd /usr/local/bin/floatd && cd / && floatd validate -c ${root}/share/floatd/examples/floatd.yaml 2>&1`,
    );
    expect(linked.exitCode, linked.output).toBe(0);
  });

  it('two hosts elect one MASTER and hand over when its container stops', async (ctx) => {
    requireDocker(ctx);
    const network = `floatd-test-${process.pid}`;
    cleanups.push(await createNetwork(network, `${SUBNET_PREFIX}.0/24`));
    const config = (priority: number): string =>
      [
        'log: { level: info, format: json }',
        'status: false',
        'instances:',
        '  - name: web',
        '    vrid: 51',
        '    interface: eth0',
        `    priority: ${priority}`,
        '    advertInterval: 1s',
        `    vips: [${VIP}/24]`,
        '',
      ].join('\n');
    // h1 from the .deb, h2 from the tarball; floatd is each container's main process.
    const start = async (
      name: string,
      priority: number,
      installThenRun: string,
    ): Promise<{ container: StartedTestContainer; log: ContainerLog }> => {
      const log = new ContainerLog();
      const container = await new GenericContainer(IMAGE)
        .withNetworkMode(network)
        .withHostname(name)
        .withAddedCapabilities('NET_ADMIN', 'NET_RAW')
        .withCopyFilesToContainer([
          { source: release.deb, target: DEB },
          { source: release.tarball, target: TARBALL },
        ])
        .withCopyContentToContainer([
          { content: config(priority), target: '/etc/floatd/floatd.yaml' },
        ])
        .withCommand(['sh', '-c', `${installThenRun} run -c /etc/floatd/floatd.yaml`])
        .withLogConsumer(log.consume)
        .start();
      cleanups.push(async () => {
        await container.stop({ timeout: 1000 }).catch(() => undefined);
        await promisify(execFile)('docker', ['rm', '-f', container.getId()]).catch(() => undefined);
      });
      return { container, log };
    };
    const h1 = await start('h1', 150, `dpkg -i ${DEB} >/dev/null && exec floatd`);
    await h1.log.waitFor('master', 30_000);
    const h2 = await start(
      'h2',
      100,
      `mkdir -p /opt && tar -xzf ${TARBALL} -C /opt && exec /opt/floatd-*/bin/floatd`,
    );
    await h2.log.waitFor('backup', 30_000);
    // Two adverts' time: h2 stays BACKUP, the VIP is on h1 only.
    await new Promise((r) => setTimeout(r, 2500));
    expect(h2.log.transitions().map((t) => t.to)).toEqual(['backup']);
    const vipOn = async (c: StartedTestContainer): Promise<boolean> =>
      (await sh(c, 'ip -o -4 addr show dev eth0')).output.includes(`${VIP}/24`);
    expect(await vipOn(h1.container)).toBe(true);
    expect(await vipOn(h2.container)).toBe(false);

    const stoppedAtMs = Date.now();
    // testcontainers' timeout is in ms: SIGKILL only if floatd is not gone after 10 s.
    await h1.container.stop({ timeout: 10_000, remove: false });
    const master = await h2.log.waitFor('master', 10_000);
    const handoverMs = master.atMs - stoppedAtMs;
    console.log(
      `clean-host: h2 MASTER ${handoverMs} ms after docker stop of h1 (${master.reason})`,
    );
    // SIGTERM: h1 sends priority 0, h2 takes over after Skew_Time (RFC 5798 §6.4.2), well before
    // the 3 s Master_Down_Interval a silent death would cost.
    expect(master.reason).not.toBe('master-down');
    expect(handoverMs).toBeLessThan(2000);
    // floatd ended on SIGTERM by itself (exit 0), not killed when docker stop's 10 s ran out.
    const inspect = await promisify(execFile)('docker', [
      'inspect',
      '--format',
      '{{.State.ExitCode}}',
      h1.container.getId(),
    ]);
    expect(inspect.stdout.trim()).toBe('0');
    expect(await vipOn(h2.container)).toBe(true);
  });
});
