// Effective priority: the base priority moved by tracking weights.

export const OWNER_PRIORITY = 255;
/** Priority 0 means "the master is leaving" (RFC 5798 §5.2.4); never a running router's value. */
export const STOP_PRIORITY = 0;

/**
 * Base plus the summed tracker weights, clamped to 1..254 (keepalived's rule). An address owner's
 * 255 is not moved by tracking: ownership is configuration, not health.
 */
export function effectivePriority(basePriority: number, weightDelta: number): number {
  if (basePriority === OWNER_PRIORITY) return OWNER_PRIORITY;
  return Math.min(254, Math.max(1, basePriority + weightDelta));
}
