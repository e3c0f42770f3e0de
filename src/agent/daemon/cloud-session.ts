// The agent's cloud side: one reconciler per instance with targets, and in the background the
// discovery (IMDSv2, retried: a host whose metadata service is not up yet still runs VRRP), the
// EC2 client, and the startup checks. Reconcilers claim as soon as the identity is known. The
// same client and identity answer the split-brain diagnosis' EC2 peer probe (unicast.probe: ec2).
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { AwsProvider } from '../../cloud/aws/aws-provider.js';
import type { CallContext } from '../../cloud/aws/call.js';
import { discoverWithRetry, type AwsIdentity } from '../../cloud/aws/discovery.js';
import { createEc2Client, warmUp } from '../../cloud/aws/ec2-client.js';
import { ImdsClient } from '../../cloud/aws/imds-client.js';
import {
  peerInstanceReachability,
  type PeerInstanceReachability,
} from '../../cloud/aws/peer-instance.js';
import { preflight } from '../../cloud/aws/preflight.js';
import { rehearse } from '../../cloud/aws/rehearse.js';
import { CloudMetrics } from '../../cloud/metrics.js';
import { DEFAULT_RECONCILER_SETTINGS } from '../../cloud/reconcile/settings.js';
import { Reconciler } from '../../cloud/reconciler.js';
import type { CloudConfig, InstanceConfig } from '../config/schema.js';
import { callsEc2 } from './calls-ec2.js';

/** How often a BACKUP rehearses its cloud calls, and how many rounds each time. */
const REHEARSAL_REFRESH_MS = 30_000;
const REFRESH_ROUNDS = 3;

export interface CloudSessionOptions {
  readonly config: CloudConfig;
  /** Every instance; those without targets are left alone. */
  readonly instances: readonly InstanceConfig[];
  readonly logger: Logger;
  readonly registry: Registry;
  /** The MAC of an interface (the ENI behind it); default: /sys/class/net/<name>/address. */
  readonly readMac?: ((iface: string) => Promise<string | undefined>) | undefined;
}

export interface CloudSessionStatus {
  /** Per interface: the identity once discovered. */
  readonly identities: Record<string, AwsIdentity | undefined>;
  /** What the startup checks found (each names the call and the id). */
  readonly problems: readonly string[];
}

interface PeerReader {
  readonly client: EC2Client;
  readonly context: CallContext;
  readonly vpcId: string | undefined;
}

export class CloudSession {
  private readonly reconcilers = new Map<string, Reconciler>();
  /** Per interface, once its identity is known: what the EC2 peer probe asks with. */
  private readonly peerReaders = new Map<string, PeerReader>();
  private readonly identities = new Map<string, AwsIdentity | undefined>();
  private readonly problems: string[] = [];
  private readonly abort = new AbortController();
  private readonly metrics: CloudMetrics;
  private readonly logger: Logger;
  private readonly done: Promise<void>;

  constructor(private readonly options: CloudSessionOptions) {
    this.logger = options.logger.child({ component: 'cloud.aws' });
    this.metrics = new CloudMetrics(options.registry);
    const { config } = options;
    for (const instance of options.instances) {
      if (instance.cloud.length === 0) continue;
      this.reconcilers.set(
        instance.name,
        new Reconciler({
          instance: instance.name,
          targets: instance.cloud,
          logger: this.logger.child({ instance: instance.name }),
          metrics: this.metrics,
          settings: {
            recheckIntervalMs: config.recheckIntervalMs,
            fenceLeaseMs: config.fenceLeaseMs,
            // A competitor's record may take a few timed-out calls to show (see the default).
            driftConfirmMs: Math.max(
              DEFAULT_RECONCILER_SETTINGS.driftConfirmMs,
              3 * config.callTimeoutMs,
            ),
          },
        }),
      );
    }
    // One identity (ENI) per interface that carries instances with targets or an EC2 peer probe.
    const byInterface = new Map<string, InstanceConfig[]>();
    for (const instance of options.instances) {
      if (!callsEc2(instance)) continue;
      byInterface.set(instance.interface, [
        ...(byInterface.get(instance.interface) ?? []),
        instance,
      ]);
    }
    this.done = Promise.all(
      [...byInterface].map(([iface, instances]) => this.connect(iface, instances)),
    ).then(() => undefined);
  }

  get enabled(): boolean {
    return this.reconcilers.size > 0;
  }

  reconcilerFor(instance: string): Reconciler | undefined {
    return this.reconcilers.get(instance);
  }

  status(): CloudSessionStatus {
    return { identities: Object.fromEntries(this.identities), problems: [...this.problems] };
  }

  /**
   * unicast.probe: ec2: whether EC2 says the instance holding `peer` runs, asked with the
   * client and identity of `instance`'s interface (in its VPC), within the call timeout.
   * 'unknown' until that identity is known (or for an instance added by a reload).
   */
  peerReachability(instance: string, peer: string): Promise<PeerInstanceReachability> {
    const iface = this.options.instances.find((i) => i.name === instance)?.interface;
    const reader = iface === undefined ? undefined : this.peerReaders.get(iface);
    if (reader === undefined) return Promise.resolve('unknown');
    return peerInstanceReachability(reader, peer, reader.vpcId, this.abort.signal);
  }

  /** Stop discovery; the runtimes stop their reconcilers. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('agent stopping'));
    await this.done;
  }

  private async connect(iface: string, instances: readonly InstanceConfig[]): Promise<void> {
    const { config } = this.options;
    const signal = this.abort.signal;
    const log = this.logger.child({ interface: iface });
    this.identities.set(iface, undefined);
    const readMac = this.options.readMac ?? readSysfsMac;
    const mac = await readMac(iface).catch(() => undefined);
    const imds = new ImdsClient({ endpoint: config.imdsEndpoint });
    const identity = await discoverWithRetry(imds, {
      interfaceMac: mac,
      overrides: {
        ...(config.instanceId === undefined ? {} : { instanceId: config.instanceId }),
        ...(config.networkInterfaceId === undefined
          ? {}
          : { networkInterfaceId: config.networkInterfaceId }),
        ...(config.subnetId === undefined ? {} : { subnetId: config.subnetId }),
        ...(config.region === undefined ? {} : { region: config.region }),
      },
      logger: log,
      signal,
    });
    if (identity === undefined) return; // stopping
    this.identities.set(iface, identity);
    const client = createEc2Client({
      region: config.region ?? identity.region,
      endpoint: config.endpoint,
      callTimeoutMs: config.callTimeoutMs,
    });
    const observer = this.metrics.observeCall.bind(this.metrics);
    try {
      await warmUp(client, { signal });
    } catch (error) {
      log.warn(
        { err: error },
        'could not open a connection to the EC2 endpoint yet; calls will retry',
      );
    }
    this.peerReaders.set(iface, {
      client,
      context: { timeoutMs: config.callTimeoutMs, observer },
      vpcId: identity.vpcId,
    });
    const targets = instances.flatMap((i) => i.cloud);
    if (targets.length === 0) {
      log.info({ event: 'cloud-ready', targets: 0 }, 'EC2 client ready for the peer probes');
      return; // only peer probes here: no provider, no startup checks of targets
    }
    const provider = new AwsProvider({
      client,
      identity,
      callTimeoutMs: config.callTimeoutMs,
      observer,
      prepareClaims: true,
    });
    // Claims may start now (an instance may already be MASTER); the checks run beside them.
    for (const instance of instances) this.reconcilers.get(instance.name)?.setProvider(provider);
    log.info({ event: 'cloud-ready', targets: targets.length }, 'cloud provider ready');
    const problems = await preflight(
      { client, identity, callTimeoutMs: config.callTimeoutMs, observer },
      targets,
      { disableSourceDestCheck: config.disableSourceDestCheck, signal },
    ).catch((error: unknown) => [`startup checks failed: ${(error as Error).message}`]);
    for (const problem of problems) log.error({ event: 'cloud-preflight' }, problem);
    this.problems.push(...problems);
    if (signal.aborted) return;
    const rehearsalStartMs = performance.now();
    await rehearse(client, identity, targets).catch((error: unknown) => {
      log.warn({ err: error }, 'cloud call rehearsal failed (first claim may be slower)');
    });
    const prepare = (): Promise<void> =>
      provider.prepareClaims(targets).catch((error: unknown) => {
        log.warn(
          { err: error },
          'could not prepare the claims (the first claim takes the SDK path)',
        );
      });
    await prepare();
    log.debug(
      { ms: Math.round(performance.now() - rehearsalStartMs) },
      'cloud calls rehearsed, claims prepared',
    );
    // A BACKUP re-signs its prepared claims before they age out, and rehearses again: V8 drops
    // the bytecode of code that has not run for a while, so a failover days later is as quick
    // as one a minute after startup.
    const timer = setInterval(() => {
      if (instances.some((i) => this.reconcilers.get(i.name)?.status().role === 'master')) return;
      void rehearse(client, identity, targets, REFRESH_ROUNDS)
        .catch(() => undefined)
        .then(prepare);
    }, REHEARSAL_REFRESH_MS);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}

async function readSysfsMac(iface: string): Promise<string | undefined> {
  const text = await readFile(`/sys/class/net/${iface}/address`, 'utf8');
  const mac = text.trim();
  return mac === '' ? undefined : mac;
}
