// Protocol limits on a virtual router's configuration (RFC 5798 §5.2, RFC 3768 §5.3).
// The YAML layer reports file/line/key; this is the core's own last line of defence.
import { VrrpConfigError } from '../errors.js';
import { ipFamilyOf } from './codec/ip-address.js';
import type { VirtualRouterConfig } from './types.js';

export function checkRouterConfig(config: VirtualRouterConfig): void {
  const problems: string[] = [];
  const intRange = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${value}`);
    }
  };
  intRange('vrid', config.vrid, 1, 255);
  intRange('priority', config.priority, 1, 255);
  if (config.version === 3) {
    intRange('advertIntervalCs', config.advertIntervalCs, 1, 4095); // 12-bit field, RFC 5798 §5.2.7
  } else if (config.version === 2) {
    intRange('advertIntervalCs', config.advertIntervalCs, 100, 25500); // 8-bit seconds, RFC 3768 §5.3.7
    if (config.advertIntervalCs % 100 !== 0) {
      problems.push('advertIntervalCs must be a multiple of 100: v2 carries whole seconds');
    }
    if (config.family !== 'ipv4') problems.push('family must be ipv4 for version 2 (RFC 3768)');
  } else {
    problems.push(`version must be 2 or 3, got ${String(config.version)}`);
  }
  if (!Number.isFinite(config.preemptDelayMs) || config.preemptDelayMs < 0) {
    problems.push(`preemptDelayMs must be >= 0, got ${config.preemptDelayMs}`);
  }
  if (ipFamilyOf(config.primaryAddress) !== config.family) {
    problems.push(`primaryAddress ${config.primaryAddress} is not an ${config.family} address`);
  }
  if (config.vips.length === 0) problems.push('vips must hold at least one address');
  for (const vip of config.vips) {
    if (ipFamilyOf(vip) !== config.family) {
      problems.push(`vips: ${vip} is not an ${config.family} address`);
    }
  }
  if (config.authPassword !== undefined && config.version !== 2) {
    problems.push('authPassword is only for version 2 (RFC 5798 removed authentication)');
  }
  if (problems.length > 0) throw new VrrpConfigError(problems);
}
