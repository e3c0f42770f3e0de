// How keepalived-exporter (github.com/mehdy/keepalived-exporter) labels and numbers what it
// reads from keepalived, so that floatd's compatible metrics carry the same label values and
// existing dashboards and alerts match them unchanged.
import type { VrrpState } from '../vrrp/types.js';

/** keepalived's own state numbers (vrrp.h VRRP_STATE_INIT..FAULT), which the exporter keeps. */
export const KEEPALIVED_STATE: Readonly<Record<VrrpState, number>> = {
  initialize: 0,
  backup: 1,
  master: 2,
  fault: 3,
};

export interface InstanceLabels {
  readonly iname: string;
  readonly intf: string;
  readonly vrid: string;
}

export interface CompatVip {
  readonly address: string;
  readonly prefixLength: number;
  /** The interface the VIP is added to (the instance's unless the VIP names one). */
  readonly device: string;
}

/** The labels of every per-instance series: instance name, its interface, its VRID. */
export function instanceLabels(name: string, iface: string, vrid: number): InstanceLabels {
  return { iname: name, intf: iface, vrid: String(vrid) };
}

/**
 * keepalived_vrrp_state's ip_address: the exporter takes the first word of keepalived's VIP
 * line, which keepalived writes as the address alone for a host prefix (/32, /128) and as
 * address/prefix otherwise (ipaddresstos in keepalived's vrrp_ipaddress.c).
 */
export function keepalivedVipAddress(vip: CompatVip): string {
  const hostLength = vip.address.includes(':') ? 128 : 32;
  return vip.prefixLength === hostLength ? vip.address : `${vip.address}/${vip.prefixLength}`;
}
