// keepalived.conf for one VRRP instance, as the interop tests and benchmarks need it.
export interface KeepalivedInstance {
  readonly routerId: string;
  readonly vrid: number;
  readonly priority: number;
  readonly version: 2 | 3;
  /** keepalived's advert_int is in seconds; v3 accepts fractions. */
  readonly advertIntervalMs: number;
  readonly vip: string;
  readonly prefixLength: number;
  readonly interface?: string;
  readonly preempt?: boolean;
  readonly unicastSource?: string;
  readonly unicastPeers?: readonly string[];
  readonly authPass?: string;
}

export function keepalivedConfig(o: KeepalivedInstance): string {
  const lines = [
    'global_defs {',
    // keepalived refuses to start without these (LAB.md), even with no scripts.
    '  enable_script_security',
    '  script_user root',
    `  router_id ${o.routerId}`,
    '}',
    'vrrp_instance VI_1 {',
    '  state BACKUP',
    `  interface ${o.interface ?? 'eth0'}`,
    `  virtual_router_id ${o.vrid}`,
    `  priority ${o.priority}`,
    `  version ${o.version}`,
    `  advert_int ${o.advertIntervalMs / 1000}`,
  ];
  if (o.preempt === false) lines.push('  nopreempt');
  if (o.unicastSource !== undefined) lines.push(`  unicast_src_ip ${o.unicastSource}`);
  if (o.unicastPeers !== undefined && o.unicastPeers.length > 0) {
    lines.push('  unicast_peer {', ...o.unicastPeers.map((p) => `    ${p}`), '  }');
  }
  if (o.authPass !== undefined) {
    lines.push('  authentication {', '    auth_type PASS', `    auth_pass ${o.authPass}`, '  }');
  }
  lines.push('  virtual_ipaddress {', `    ${o.vip}/${o.prefixLength}`, '  }', '}', '');
  return lines.join('\n');
}
