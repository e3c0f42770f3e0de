// A small harness for the pure VRRP core: configs with sane defaults, adverts, and a timer pump.
import type { VrrpAdvert, VrrpVersion } from '../../../src/agent/vrrp/codec/types.js';
import { v2AuthDataFromPassword } from '../../../src/agent/vrrp/codec/vrrp-message.js';
import { VirtualRouter } from '../../../src/agent/vrrp/router.js';
import type { VirtualRouterConfig, VrrpAction } from '../../../src/agent/vrrp/types.js';

export const PRIMARY = '10.0.0.1';
/** A peer whose primary address is greater than PRIMARY (wins a priority tie). */
export const PEER = '10.0.0.2';
export const VIP = '10.0.0.100';

export const DEFAULT_CONFIG: VirtualRouterConfig = {
  vrid: 51,
  version: 3,
  family: 'ipv4',
  primaryAddress: PRIMARY,
  priority: 100,
  advertIntervalCs: 100,
  preempt: true,
  preemptDelayMs: 0,
  acceptMode: false,
  vips: [VIP],
};

export function makeConfig(overrides: Partial<VirtualRouterConfig> = {}): VirtualRouterConfig {
  return { ...DEFAULT_CONFIG, ...overrides };
}

/** A router in Initialize (not started). */
export function makeRouter(overrides: Partial<VirtualRouterConfig> = {}): VirtualRouter {
  return new VirtualRouter(makeConfig(overrides));
}

/** A started router (Backup, or Master for an owner) and the actions of its startup. */
export function startRouter(
  overrides: Partial<VirtualRouterConfig> = {},
  nowMs = 0,
): { router: VirtualRouter; actions: VrrpAction[] } {
  const router = makeRouter(overrides);
  const actions = router.handle({ type: 'startup', nowMs });
  return { router, actions };
}

/** A non-owner that started at 0 and became Master when its Master_Down_Timer fired. */
export function startAsMaster(overrides: Partial<VirtualRouterConfig> = {}): {
  router: VirtualRouter;
  masterSinceMs: number;
} {
  const { router } = startRouter(overrides);
  const masterSinceMs = router.nextDeadlineMs();
  if (masterSinceMs === undefined) throw new Error('a started backup has a deadline');
  router.handle({ type: 'timer', nowMs: masterSinceMs });
  if (router.snapshot().state !== 'master') throw new Error('expected MASTER after the timer');
  return { router, masterSinceMs };
}

export interface AdvertFields {
  readonly priority: number;
  readonly version?: VrrpVersion;
  readonly vrid?: number;
  /** Centiseconds; a v2 advert carries intervalCs / 100 seconds. */
  readonly intervalCs?: number;
  readonly addresses?: readonly string[];
  readonly family?: 'ipv4' | 'ipv6';
  /** v2 only. Default: type 1 with the config's password when it has one, else type 0. */
  readonly authType?: 0 | 1;
  /** v2 only: the auth data bytes (default: the config's password for type 1, zeros for type 0). */
  readonly password?: string;
}

/** An advert as a peer of `config` would send it, with `fields` changed. */
export function advertFrom(
  fields: AdvertFields,
  config: VirtualRouterConfig = DEFAULT_CONFIG,
): VrrpAdvert {
  const version = fields.version ?? config.version;
  const intervalCs = fields.intervalCs ?? config.advertIntervalCs;
  const base = {
    vrid: fields.vrid ?? config.vrid,
    priority: fields.priority,
    addresses: fields.addresses ?? config.vips,
  };
  if (version === 3) {
    const family = fields.family ?? config.family;
    return { version: 3, family, maxAdvertIntervalCs: intervalCs, ...base };
  }
  const password = fields.password ?? config.authPassword;
  const authType = fields.authType ?? (password === undefined ? 0 : 1);
  return {
    version: 2,
    family: 'ipv4',
    advertIntervalSec: intervalCs / 100,
    authType,
    // An explicit `password` fills the auth bytes whatever the type (to test the type check alone).
    authData:
      password !== undefined && (authType === 1 || fields.password !== undefined)
        ? v2AuthDataFromPassword(password)
        : Buffer.alloc(8),
    ...base,
  };
}

/** Deliver an advert from `src` at `nowMs`. */
export function receive(
  router: VirtualRouter,
  nowMs: number,
  src: string,
  fields: AdvertFields,
): VrrpAction[] {
  const advert = advertFrom(fields, router.config);
  return router.handle({ type: 'advert', nowMs, src, advert });
}

export interface TimedAction {
  readonly atMs: number;
  readonly action: VrrpAction;
}

/** Fire {type:'timer'} at each nextDeadlineMs() up to and including `untilMs`. */
export function runUntil(router: VirtualRouter, untilMs: number): TimedAction[] {
  const out: TimedAction[] = [];
  for (let guard = 0; guard < 100_000; guard++) {
    const deadline = router.nextDeadlineMs();
    if (deadline === undefined || deadline > untilMs) return out;
    for (const action of router.handle({ type: 'timer', nowMs: deadline })) {
      out.push({ atMs: deadline, action });
    }
    if (router.nextDeadlineMs() === deadline) {
      throw new Error(`deadline ${deadline} did not move after its timer`);
    }
  }
  throw new Error('runUntil: too many timers');
}

export function types(actions: readonly VrrpAction[]): string[] {
  return actions.map((action) => action.type);
}
