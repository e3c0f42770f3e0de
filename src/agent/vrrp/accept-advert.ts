// The receive checks of RFC 5798 §7.1 and RFC 3768 §7.1 that depend on our configuration.
// Checks on the packet alone (TTL, version, checksum, lengths) are the codec's.
import type { VrrpAdvert } from './codec/types.js';
import { OWNER_PRIORITY } from './priority.js';
import type { AdvertAnomaly, AdvertDropReason, VirtualRouterConfig } from './types.js';

export interface AcceptContext {
  readonly config: VirtualRouterConfig;
  /** Canonical text of our VIPs, for the address-list comparison. */
  readonly vipSet: ReadonlySet<string>;
  /** The 8 auth bytes we expect (v2 type 1), when a password is configured. */
  readonly expectedAuthData: Buffer | undefined;
}

export interface AdvertVerdict {
  /** Set when the advert must be dropped. */
  readonly drop?: AdvertDropReason;
  /** Set when the advert is processed but something in it deserves a log line. */
  readonly anomaly?: AdvertAnomaly;
}

const PROCESS: AdvertVerdict = {};

/**
 * Drops decided after every receive check passed: the protocol at work (§6.4.2, a foreign
 * priority 0), not a bad advert. keepalived counts such adverts (its priority-zero count too).
 */
export const DISCARDED_PAST_CHECKS: ReadonlySet<AdvertDropReason> = new Set<AdvertDropReason>([
  'lower-priority',
  'foreign-release',
]);

/** Whether the advert must be dropped, may be processed, or may be processed with a warning. */
export function checkAdvert(ctx: AcceptContext, src: string, advert: VrrpAdvert): AdvertVerdict {
  const drop = rejectAdvert(ctx, src, advert);
  if (drop !== undefined) return { drop };
  // §7.1 (both RFCs): MAY compare the address lists; v2 MUST then drop unless from the owner
  // (RFC 3768), v3 SHOULD only log (RFC 5798).
  if ((ctx.config.checkAddressList ?? true) && !sameAddressSet(ctx.vipSet, advert.addresses)) {
    if (advert.version === 2 && advert.priority !== OWNER_PRIORITY) {
      return { drop: 'address-list-mismatch' };
    }
    return { anomaly: 'address-list-mismatch' };
  }
  return PROCESS;
}

function rejectAdvert(
  ctx: AcceptContext,
  src: string,
  advert: VrrpAdvert,
): AdvertDropReason | undefined {
  const { config } = ctx;
  // The transport demultiplexes by VRID; this guards the core against a wrong hand-off.
  if (advert.vrid !== config.vrid) return 'vrid-mismatch';
  if (advert.version !== config.version || advert.family !== config.family) {
    return 'version-mismatch';
  }
  if (src === config.primaryAddress) return 'own-advert';
  // Unicast: a source that is no peer speaks for nobody in this group, whatever it says.
  if (config.unicastPeers !== undefined && !config.unicastPeers.includes(src)) return 'not-a-peer';
  // §7.1: "the local router is not the IPvX address owner (Priority = 255)".
  if (config.priority === OWNER_PRIORITY) return 'local-owner';
  if (advert.version === 2) {
    // RFC 3768 §7.1: the auth type must match the configured method; type 1, the text password
    // of RFC 2338 §5.3.6.1 that keepalived still speaks, must match ours. Two reasons, type
    // first, as keepalived counts them apart (an invalid type the codec already refused).
    const ourAuthType = ctx.expectedAuthData === undefined ? 0 : 1;
    if (advert.authType !== ourAuthType) return 'auth-type-mismatch';
    if (ctx.expectedAuthData !== undefined && !advert.authData.equals(ctx.expectedAuthData)) {
      return 'auth-mismatch';
    }
    // RFC 3768 §7.1: the advert interval must equal ours; v3 learns it instead.
    if (advert.advertIntervalSec * 100 !== config.advertIntervalCs) return 'interval-mismatch';
  }
  return undefined;
}

function sameAddressSet(ours: ReadonlySet<string>, theirs: readonly string[]): boolean {
  const unique = new Set(theirs);
  if (unique.size !== ours.size) return false;
  for (const address of unique) if (!ours.has(address)) return false;
  return true;
}
