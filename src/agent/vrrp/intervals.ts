// Timer arithmetic of RFC 5798 §6.1 (v3) and RFC 3768 §6.1 (v2), in milliseconds.
import type { VrrpVersion } from './codec/types.js';

const CS_TO_MS = 10;

/**
 * Skew_Time. v3 (RFC 5798 §6.1): ((256 - Priority) * Master_Adver_Interval) / 256.
 * v2 (RFC 3768 §6.1): (256 - Priority) / 256 seconds, independent of the interval.
 */
export function skewTimeMs(
  version: VrrpVersion,
  priority: number,
  masterAdvertIntervalCs: number,
): number {
  if (version === 2) return ((256 - priority) * 1000) / 256;
  return ((256 - priority) * masterAdvertIntervalCs * CS_TO_MS) / 256;
}

/** Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time (both RFCs, §6.1). */
export function masterDownIntervalMs(
  version: VrrpVersion,
  priority: number,
  masterAdvertIntervalCs: number,
): number {
  return (
    3 * masterAdvertIntervalCs * CS_TO_MS + skewTimeMs(version, priority, masterAdvertIntervalCs)
  );
}

export function centisecondsToMs(cs: number): number {
  return cs * CS_TO_MS;
}
