// Who this host is in EC2, from instance metadata (IMDSv2), or from the config when it says so.
// The ENI is the one behind the VRRP interface (its MAC, read from the OS by the agent), not
// necessarily the primary one: a VIP moves between the ENIs that carry VRRP.
import type { Logger } from 'pino';
import { backoffDelayMs, type BackoffSettings } from '../reconcile/backoff.js';
import { DiscoveryError, ImdsError } from '../errors.js';
import type { CloudIdentity } from '../provider.js';
import { realTiming, type CloudTiming } from '../timing.js';
import type { ImdsReader, ImdsRequestOptions } from './imds-client.js';

/** This host in EC2. Values the config set and IMDS was not asked for may be undefined. */
export interface AwsIdentity extends CloudIdentity {
  readonly instanceId: string;
  readonly region: string;
  readonly availabilityZone: string | undefined;
  /** MAC of the ENI, lower-case, colon-separated. */
  readonly mac: string | undefined;
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string | undefined;
  /** Private IPv4 addresses of the ENI (primary first), as IMDS lists them. */
  readonly localIpv4s: readonly string[];
}

export type IdentityOverrides = Partial<{
  -readonly [K in keyof AwsIdentity]: AwsIdentity[K];
}>;

export interface DiscoveryOptions {
  /** MAC of the VRRP interface; default: the instance's primary MAC (IMDS /mac). */
  readonly interfaceMac?: string | undefined;
  /** Values from the config; they win over IMDS. */
  readonly overrides?: IdentityOverrides | undefined;
  readonly signal?: AbortSignal | undefined;
}

const META = '/latest/meta-data';

/** The values the provider cannot work without; when the config gives them all, IMDS is skipped. */
export const REQUIRED_IDENTITY_KEYS = [
  'instanceId',
  'region',
  'networkInterfaceId',
  'subnetId',
] as const satisfies readonly (keyof AwsIdentity)[];

export async function discoverIdentity(
  imds: ImdsReader,
  options: DiscoveryOptions = {},
): Promise<AwsIdentity> {
  const o = options.overrides ?? {};
  const { instanceId, region, networkInterfaceId, subnetId } = o;
  if (
    instanceId !== undefined &&
    region !== undefined &&
    networkInterfaceId !== undefined &&
    subnetId !== undefined
  ) {
    return {
      instanceId,
      region,
      networkInterfaceId,
      subnetId,
      availabilityZone: o.availabilityZone,
      mac: o.mac === undefined ? undefined : normaliseMac(o.mac),
      vpcId: o.vpcId,
      localIpv4s: o.localIpv4s ?? [],
    };
  }

  const req: ImdsRequestOptions = { signal: options.signal };
  const get = (path: string): Promise<string> =>
    imds.get(`${META}/${path}`, req).then((v) => v.trim());
  const macInput = o.mac ?? options.interfaceMac;
  const mac = normaliseMac(macInput ?? (await get('mac')));
  const eni = `network/interfaces/macs/${mac}`;
  const interfaceId =
    o.networkInterfaceId ?? (await imds.getOptional(`${META}/${eni}/interface-id`, req));
  if (interfaceId === undefined) {
    throw new ImdsError(
      'IMDS_UNKNOWN_MAC',
      `instance metadata lists no network interface with MAC ${mac} (${META}/${eni}/); ` +
        'check the VRRP interface in the config is on an ENI of this instance ' +
        '(a just-attached ENI appears after a few seconds)',
    );
  }
  // Independent reads in parallel: startup after a failover-triggered reboot is on the clock.
  const [id, az, regionName, subnet, vpc, ipv4s] = await Promise.all([
    o.instanceId ?? get('instance-id'),
    o.availabilityZone ?? get('placement/availability-zone'),
    o.region ?? get('placement/region'),
    o.subnetId ?? get(`${eni}/subnet-id`),
    o.vpcId ?? get(`${eni}/vpc-id`),
    o.localIpv4s ?? get(`${eni}/local-ipv4s`).then(splitLines),
  ]);
  return {
    instanceId: id,
    region: regionName,
    availabilityZone: az,
    mac,
    networkInterfaceId: interfaceId.trim(),
    subnetId: subnet,
    vpcId: vpc,
    localIpv4s: ipv4s,
  };
}

const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** 'AA-BB-..' or 'aa:bb:..' → 'aa:bb:..' (IMDS's spelling); anything else is an error. */
export function normaliseMac(mac: string): string {
  const normalised = mac.trim().toLowerCase().replaceAll('-', ':');
  if (!MAC_PATTERN.test(normalised)) {
    throw new DiscoveryError(
      `'${mac}' is not a MAC address (expected six hex pairs like 0a:1b:2c:3d:4e:5f)`,
    );
  }
  return normalised;
}

function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export interface DiscoverWithRetryOptions extends DiscoveryOptions {
  readonly logger: Pick<Logger, 'error' | 'info'>;
  /** Give up when it aborts (agent shutdown): the promise then resolves undefined. */
  readonly signal?: AbortSignal | undefined;
  /** Jittered exponential backoff between attempts; default 0.5 s doubling up to 30 s. */
  readonly backoff?: BackoffSettings | undefined;
  readonly timing?: Pick<CloudTiming, 'sleep' | 'random'> | undefined;
}

export const DISCOVERY_BACKOFF: BackoffSettings = { baseMs: 500, maxMs: 30_000 };

/**
 * discoverIdentity until it succeeds: IMDS may not answer yet at boot, and the agent must not die
 * for it (VRRP runs meanwhile; the reconciler waits for the identity). One error line per failed
 * attempt. Never rejects: resolves undefined only when the signal aborts.
 */
export async function discoverWithRetry(
  imds: ImdsReader,
  options: DiscoverWithRetryOptions,
): Promise<AwsIdentity | undefined> {
  const { logger, signal } = options;
  const backoff = options.backoff ?? DISCOVERY_BACKOFF;
  const timing = options.timing ?? realTiming;
  const aborted = (): boolean => signal?.aborted === true;
  for (let attempt = 1; ; attempt++) {
    if (aborted()) return undefined;
    try {
      const identity = await discoverIdentity(imds, options);
      logger.info(
        {
          attempt,
          instanceId: identity.instanceId,
          region: identity.region,
          networkInterfaceId: identity.networkInterfaceId,
          subnetId: identity.subnetId,
        },
        'cloud identity discovered',
      );
      return identity;
    } catch (error) {
      if (aborted()) return undefined;
      const retryInMs = Math.round(backoffDelayMs(backoff, attempt - 1, timing.random()));
      // The cause (IMDS_TIMEOUT, ...) where the error names one, else its class's code.
      const { reason, code } = error as { reason?: unknown; code?: unknown };
      const cause = typeof reason === 'string' ? reason : code;
      logger.error(
        { attempt, code: typeof cause === 'string' ? cause : 'UNEXPECTED', retryInMs },
        `cloud identity discovery failed: ${(error as Error).message}; next retry in ${retryInMs} ms`,
      );
      try {
        await timing.sleep(retryInMs, signal);
      } catch {
        return undefined; // aborted while waiting
      }
    }
  }
}
