import type { DecodeResult, RejectReason } from './types.js';

/** Every RejectReason, e.g. to pre-register metric label values. */
export const REJECT_REASONS = [
  'truncated',
  'bad-ip-header',
  'not-vrrp',
  'bad-ttl',
  'bad-version',
  'bad-type',
  'bad-vrid',
  'bad-address-count',
  'bad-length',
  'bad-checksum',
  'bad-interval',
  'auth-ah-unsupported',
  'bad-auth-type',
] as const satisfies readonly RejectReason[];

// Compile-time check that the list above is complete.
type Missing = Exclude<RejectReason, (typeof REJECT_REASONS)[number]>;
const _complete: [Missing] extends [never] ? true : Missing = true;
void _complete;

export function isRejectReason(value: unknown): value is RejectReason {
  return (REJECT_REASONS as readonly unknown[]).includes(value);
}

export function accept<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

export function reject<T>(reason: RejectReason, detail: string): DecodeResult<T> {
  return { ok: false, reason, detail };
}
