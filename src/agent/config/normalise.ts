// Parsed fields -> the config the agent uses: durations in unit-named fields, the family derived
// from the VIPs, defaults filled in (a VIP's device is the instance's interface).
import type { CloudTarget } from '../../cloud/target.js';
import type { CloudFields, CloudTargetFields } from './cloud-fields.js';
import type { InstanceFields } from './instance-fields.js';
import type { NotifyScript } from '../notify/types.js';
import { NOTIFY_HOOKS, type NotifyFields, type ScriptUserFields } from './notify-fields.js';
import { normalisePeerProbe } from './peer-probe-fields.js';
import { normaliseNotifyScript, withDefaultUser } from './script-user-defaults.js';
import type { TrackerFields } from './track-fields.js';

export function normaliseInstance(fields: InstanceFields, scriptUser?: ScriptUserFields) {
  const unicast = fields.unicast;
  return {
    name: fields.name,
    vrid: fields.vrid,
    interface: fields.interface,
    priority: fields.priority,
    version: fields.version,
    // The rules have checked that every VIP has this family (and that there is one).
    family: fields.vips[0]?.address.family ?? 'ipv4',
    // Whole centiseconds: the rules allow multiples of 10 ms only.
    advertIntervalCs: fields.advertInterval / 10,
    preempt: fields.preempt,
    preemptDelayMs: fields.preemptDelay,
    acceptMode: fields.acceptMode,
    vips: fields.vips.map((vip) => ({
      address: vip.address.address,
      prefixLength: vip.address.prefixLength,
      device: vip.device ?? fields.interface,
      ...(vip.label === undefined ? {} : { label: vip.label }),
    })),
    mode: fields.mode,
    unicast: {
      ...(unicast?.source === undefined ? {} : { source: unicast.source.address }),
      peers: (unicast?.peers ?? []).map((peer) => peer.address),
      acceptUnknownPeers: unicast?.acceptUnknownPeers ?? false,
      // Absent: the defaults (peer-probes.ts), so configurations without them read as before.
      ...(unicast?.probe === undefined ? {} : { probe: normalisePeerProbe(unicast.probe) }),
      ...(unicast?.probeInterval === undefined ? {} : { probeIntervalMs: unicast.probeInterval }),
    },
    auto: { multicastSilenceMs: fields.auto.multicastSilence },
    ...(fields.authentication === undefined
      ? {}
      : { authPassword: fields.authentication.password }),
    garp: {
      masterDelayMs: fields.garp.masterDelay,
      masterRepeat: fields.garp.masterRepeat,
      masterRefreshMs: fields.garp.masterRefresh,
      masterRefreshRepeat: fields.garp.masterRefreshRepeat,
      intervalMs: fields.garp.interval,
    },
    checkAddressList: fields.checkAddressList,
    cloud: fields.cloud.map((target) =>
      toCloudTarget(target, fields.vips[0]?.address.address ?? ''),
    ),
    track: fields.track.map((entry) =>
      'tracker' in entry
        ? {
            tracker: entry.tracker,
            ...(entry.weight === undefined ? {} : { weight: entry.weight }),
          }
        : { interface: entry.interface, weight: entry.weight },
    ),
    ...(fields.notify === undefined ? {} : { notify: normaliseNotify(fields.notify, scriptUser) }),
  };
}

/** Targets with their defaults: the instance's first VIP (the rules check it is IPv4). */
function toCloudTarget(target: CloudTargetFields, firstVip: string): CloudTarget {
  switch (target.type) {
    case 'secondary-ip':
      return { kind: 'secondary-ip', address: target.address?.address ?? firstVip };
    case 'elastic-ip':
      return {
        kind: 'elastic-ip',
        allocationId: target.allocationId,
        privateIp: target.privateIp?.address ?? firstVip,
      };
    case 'route-table':
      return {
        kind: 'route-table',
        routeTableIds: target.routeTableIds,
        destinationCidr: target.destination ?? `${firstVip}/32`,
      };
  }
}

export function normaliseCloud(fields: CloudFields) {
  return {
    provider: fields.provider,
    region: fields.region,
    endpoint: fields.endpoint,
    imdsEndpoint: fields.imdsEndpoint,
    instanceId: fields.instanceId,
    networkInterfaceId: fields.networkInterfaceId,
    subnetId: fields.subnetId,
    callTimeoutMs: fields.callTimeout,
    recheckIntervalMs: fields.recheckInterval,
    fenceLeaseMs: fields.fenceLease,
    disableSourceDestCheck: fields.disableSourceDestCheck,
  };
}

/** Each script with whom it runs as (the global scriptUser applied). */
export function normaliseNotify(fields: NotifyFields, scriptUser?: ScriptUserFields) {
  const hooks: Partial<Record<(typeof NOTIFY_HOOKS)[number], NotifyScript>> = {};
  for (const hook of NOTIFY_HOOKS) {
    const entry = fields[hook];
    if (entry !== undefined) hooks[hook] = normaliseNotifyScript(entry, scriptUser);
  }
  return { ...hooks, timeoutMs: fields.timeout };
}

/** Durations in ms; a check's timeout defaults to its interval (keepalived's script timeout). */
export function normaliseTracker(fields: TrackerFields, scriptUser?: ScriptUserFields) {
  const { interval, ...rest } = fields;
  // A file is read, not run: every read counts (rise and fall of 1), bounded by its interval.
  if (rest.type === 'file') {
    return { ...rest, intervalMs: interval, timeoutMs: interval, rise: 1, fall: 1 };
  }
  const { timeout, ...checks } = rest;
  const timing = { intervalMs: interval, timeoutMs: timeout ?? interval };
  if (checks.type === 'tcp') return { ...checks, host: checks.host.address, ...timing };
  // keepalived's script_user applies to vrrp_scripts without their own user.
  if (checks.type === 'script') {
    return { ...checks, ...withDefaultUser({ user: checks.user }, scriptUser), ...timing };
  }
  return { ...checks, ...timing };
}
