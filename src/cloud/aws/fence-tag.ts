// Fencing records as EC2 tags. Each agent writes only its own key,
// `floatd:fence:<target-key>:<instance-id>`, on a resource every contender of the target can
// read, so a CreateTags never overwrites another agent's record (EC2 has no compare-and-set).
// The value is compact, versioned text: `v1 term=<n> owner=<instance-id> beat=<n> released=<0|1>`.
import { FenceError } from '../errors.js';
import type { FenceRecord } from '../provider.js';
import type { CloudTarget } from '../target.js';

export const FENCE_TAG_ROOT = 'floatd:fence:';
const VERSION = 'v1';
/** An instance id or any token without spaces, '=' or control characters. */
const OWNER_PATTERN = /^[^\s=]+$/;
const UINT_PATTERN = /^\d{1,16}$/;

/** What names the target inside the key: the VIP, the allocation id, or the destination CIDR. */
export function fenceTargetKey(target: CloudTarget): string {
  switch (target.kind) {
    case 'secondary-ip':
      return target.address;
    case 'elastic-ip':
      return target.allocationId;
    case 'route-table':
      return target.destinationCidr;
  }
}

/**
 * The resource carrying the records: one every contender can read and tag. A secondary IP's
 * contenders share its subnet (the address must lie in it); an EIP is taggable itself; a route
 * target uses its first route table.
 */
export function fenceResourceId(target: CloudTarget, subnetId: string): string {
  switch (target.kind) {
    case 'secondary-ip':
      return subnetId;
    case 'elastic-ip':
      return target.allocationId;
    case 'route-table': {
      const first = target.routeTableIds[0];
      if (first === undefined) {
        throw new FenceError('FENCE_NO_RESOURCE', 'a route-table target lists no route table');
      }
      return first;
    }
  }
}

/** Every agent's key for this target starts with this. */
export function fenceTagPrefix(target: CloudTarget): string {
  return `${FENCE_TAG_ROOT}${fenceTargetKey(target)}:`;
}

export function fenceTagKey(target: CloudTarget, instanceId: string): string {
  return `${fenceTagPrefix(target)}${instanceId}`;
}

export function encodeFence(record: FenceRecord): string {
  const problems: string[] = [];
  if (!Number.isSafeInteger(record.term) || record.term < 0) problems.push('term');
  if (!Number.isSafeInteger(record.beat) || record.beat < 0) problems.push('beat');
  if (!OWNER_PATTERN.test(record.owner)) problems.push('owner');
  if (problems.length > 0) {
    throw new FenceError(
      'FENCE_BAD_RECORD',
      `fencing record has an invalid ${problems.join(', ')}: ${JSON.stringify(record)}`,
    );
  }
  return (
    `${VERSION} term=${record.term} owner=${record.owner} ` +
    `beat=${record.beat} released=${record.released ? 1 : 0}`
  );
}

/**
 * The record in a tag value, or undefined for anything else (another version, a hand-edited or
 * truncated value): a record we cannot read must not fence anyone. Field order does not matter
 * and unknown fields are ignored, so a later v1 writer may add some.
 */
export function parseFence(value: string | undefined): FenceRecord | undefined {
  if (value === undefined) return undefined;
  const [version, ...pairs] = value.trim().split(/\s+/);
  if (version !== VERSION) return undefined;
  const fields = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const key = pair.slice(0, eq);
    if (fields.has(key)) return undefined;
    fields.set(key, pair.slice(eq + 1));
  }
  const term = parseUint(fields.get('term'));
  const beat = parseUint(fields.get('beat'));
  const owner = fields.get('owner');
  const released = fields.get('released');
  if (term === undefined || beat === undefined) return undefined;
  if (owner === undefined || !OWNER_PATTERN.test(owner)) return undefined;
  if (released !== '0' && released !== '1') return undefined;
  return { term, owner, beat, released: released === '1' };
}

/** A tag read back from the fence resource: a record only if its key is this target's and names its writer. */
export function parseFenceTag(
  target: CloudTarget,
  key: string | undefined,
  value: string | undefined,
): FenceRecord | undefined {
  const prefix = fenceTagPrefix(target);
  if (key === undefined || !key.startsWith(prefix)) return undefined;
  const record = parseFence(value);
  // The key names the writer: a value claiming someone else is not a record we trust.
  return record !== undefined && record.owner === key.slice(prefix.length) ? record : undefined;
}

function parseUint(text: string | undefined): number | undefined {
  if (text === undefined || !UINT_PATTERN.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
