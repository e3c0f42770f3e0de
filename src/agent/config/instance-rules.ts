// Rules across the keys of one instance, each reported at the key it is about.
import type { z } from 'zod';

import type { IpFamily } from '../vrrp/codec/types.js';
import { checkCloudTargets } from './cloud-rules.js';
import { formatDurationMs } from './duration.js';
import type { InstanceFields } from './instance-fields.js';
import { validAt } from './valid-at.js';
import type { ValidAt } from './valid-at.js';

type Ctx = z.core.$RefinementCtx<InstanceFields>;

const FAMILY_NAME: Readonly<Record<IpFamily, string>> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** The instance's family: that of its first parsed VIP. */
export function instanceFamily(instance: InstanceFields, ok: ValidAt): IpFamily | undefined {
  if (!Array.isArray(instance.vips)) return undefined;
  // Some entries may have failed: the first one that did not.
  const index = instance.vips.findIndex((_vip, i) => ok('vips', i));
  return index < 0 ? undefined : instance.vips[index]?.address.family;
}

export function checkInstance(instance: InstanceFields, ctx: Ctx): void {
  const ok = validAt(ctx.issues);
  const report = (path: PropertyKey[], message: string): void =>
    ctx.addIssue({ code: 'custom', path, message });
  const family = instanceFamily(instance, ok);

  if (family !== undefined) checkVips(instance, family, ok, report);
  if (ok('version')) checkVersion(instance, family, ok, report);
  checkUnicast(instance, family, ok, report);
  checkCloudTargets(instance, family, ok, report);
}

type Report = (path: PropertyKey[], message: string) => void;

function checkVips(instance: InstanceFields, family: IpFamily, ok: ValidAt, report: Report): void {
  const firstIndex = new Map<string, number>();
  instance.vips.forEach((vip, i) => {
    if (!ok('vips', i)) return;
    const { address } = vip.address;
    if (vip.address.family !== family) {
      report(
        ['vips', i, 'address'],
        `${address} is ${FAMILY_NAME[vip.address.family]} but the first VIP is ${FAMILY_NAME[family]}: all VIPs of an instance are in one family`,
      );
    }
    const first = firstIndex.get(address);
    if (first !== undefined) report(['vips', i, 'address'], `${address} is already vips[${first}]`);
    else firstIndex.set(address, i);

    // iproute2: a label is the device name, a colon and a suffix (net aliases' naming).
    if (vip.label !== undefined && (vip.device !== undefined || ok('interface'))) {
      const device = vip.device ?? instance.interface;
      if (!vip.label.startsWith(`${device}:`)) {
        report(
          ['vips', i, 'label'],
          `expected a label starting with "${device}:" (the VIP's device and a colon, as iproute2 requires), got ${JSON.stringify(vip.label)}`,
        );
      }
    }
  });
}

function checkVersion(
  instance: InstanceFields,
  family: IpFamily | undefined,
  ok: ValidAt,
  report: Report,
): void {
  const intervalMs = instance.advertInterval;
  if (instance.version === 2) {
    if (family === 'ipv6') {
      report(['version'], 'version 2 is IPv4 only (RFC 3768) and the VIPs are IPv6: use version 3');
    }
    // RFC 3768 §5.3.7: 8 bits of whole seconds.
    if (
      ok('advertInterval') &&
      !(intervalMs % 1000 === 0 && intervalMs >= 1000 && intervalMs <= 255_000)
    ) {
      report(
        ['advertInterval'],
        `expected whole seconds from 1s to 255s for version 2 (RFC 3768 §5.3.7), got ${formatDurationMs(intervalMs)}`,
      );
    }
  } else {
    // RFC 5798 §5.2.7: 12 bits of centiseconds.
    if (
      ok('advertInterval') &&
      !(intervalMs % 10 === 0 && intervalMs >= 10 && intervalMs <= 40_950)
    ) {
      report(
        ['advertInterval'],
        `expected a multiple of 10ms from 10ms to 40.95s for version 3 (RFC 5798 §5.2.7), got ${formatDurationMs(intervalMs)}`,
      );
    }
    if (ok('authentication') && instance.authentication !== undefined) {
      report(
        ['authentication'],
        'authentication is only for version 2: RFC 5798 (version 3) has none (set version: 2 or remove it)',
      );
    }
  }
}

function checkUnicast(
  instance: InstanceFields,
  family: IpFamily | undefined,
  ok: ValidAt,
  report: Report,
): void {
  const unicast = instance.unicast;
  if (unicast === undefined) {
    if (ok('mode') && instance.mode === 'unicast') {
      report(['mode'], 'mode unicast needs unicast.peers (at least one peer)');
    }
    return;
  }
  // ok() first: a failed part (or a failed mapping) holds raw input.
  if (ok('unicast', 'source') && unicast.source !== undefined && family !== undefined) {
    if (unicast.source.family !== family) {
      report(
        ['unicast', 'source'],
        `${unicast.source.address} is ${FAMILY_NAME[unicast.source.family]} but the instance's VIPs are ${FAMILY_NAME[family]}`,
      );
    }
  }
  if (!ok('unicast', 'peers') || !Array.isArray(unicast.peers)) return;
  if (ok('mode') && instance.mode === 'unicast' && unicast.peers.length === 0) {
    report(['unicast', 'peers'], 'mode unicast needs at least one peer');
  }
  const firstIndex = new Map<string, number>();
  unicast.peers.forEach((peer, k) => {
    if (family !== undefined && peer.family !== family) {
      report(
        ['unicast', 'peers', k],
        `${peer.address} is ${FAMILY_NAME[peer.family]} but the instance's VIPs are ${FAMILY_NAME[family]}`,
      );
    }
    const first = firstIndex.get(peer.address);
    if (first !== undefined)
      report(['unicast', 'peers', k], `${peer.address} is already peers[${first}]`);
    else firstIndex.set(peer.address, k);
  });
}
