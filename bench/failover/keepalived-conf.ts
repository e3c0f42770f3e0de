// keepalived.conf for the bench: one vrrp_instance per VRID (keepalived's way to run 255), each
// with its VIPs, VRRP v3, default GARP behaviour (garp_master_delay 5, garp_master_repeat 5).
import type { RouterInstance } from './routers.js';

export interface KeepalivedBenchConfig {
  readonly routerId: string;
  readonly priority: number;
  readonly advertIntervalMs: number;
  readonly prefixLength: number;
  readonly instances: readonly RouterInstance[];
}

export function keepalivedBenchConfig(c: KeepalivedBenchConfig): string {
  const lines = [
    'global_defs {',
    // keepalived refuses to start without these (LAB.md), even with no scripts.
    '  enable_script_security',
    '  script_user root',
    `  router_id ${c.routerId}`,
    '}',
  ];
  for (const instance of c.instances) {
    lines.push(
      `vrrp_instance VI_${instance.vrid} {`,
      '  state BACKUP',
      '  interface eth0',
      `  virtual_router_id ${instance.vrid}`,
      `  priority ${c.priority}`,
      '  version 3',
      `  advert_int ${c.advertIntervalMs / 1000}`,
      '  virtual_ipaddress {',
      ...instance.vips.map((vip) => `    ${vip}/${c.prefixLength}`),
      '  }',
      '}',
    );
  }
  lines.push('');
  return lines.join('\n');
}
