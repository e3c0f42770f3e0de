// The cloud provider seen by the reconciler: one attempt per method, no retries of its own
// (the reconciler owns backoff, so every API call is visible and counted). A failed call throws
// CloudApiError naming the call, with `retryable` set for throttling, 5xx, timeouts and network errors.
import type { CloudTarget } from './target.js';

/** This host in the cloud: who "me" is when reading an owner back. */
export interface CloudIdentity {
  readonly instanceId: string;
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly region: string;
}

/** Who the cloud says owns a target now. For a route table target, every listed table must agree. */
export interface Ownership {
  /** ENI the target points at; undefined when nobody holds it (or the tables disagree). */
  readonly ownerNetworkInterfaceId: string | undefined;
  /** Human-readable detail for logs (e.g. per-table owners). */
  readonly detail?: string;
}

/**
 * One agent's fencing record, kept as a tag on a resource every contender can read. Each agent
 * writes ONLY its own tag key (`floatd:fence:<target-key>:<instance-id>`, see fence-tag.ts), so
 * agents never overwrite each other's records: the holder is the record with the highest term.
 * The term grows with each takeover; the beat is bumped by a holder at each re-check, so a fenced
 * agent can tell a live holder from a dead one.
 */
export interface FenceRecord {
  readonly term: number;
  /** The writer's instance id (the tag key names it too). */
  readonly owner: string;
  readonly beat: number;
  /** Set by an agent that gave the target up: its term no longer fences anyone. */
  readonly released: boolean;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface CloudProvider {
  readonly identity: CloudIdentity;
  /** Make this host the owner. Idempotent: claiming what we already own succeeds. */
  claim(target: CloudTarget, options?: CallOptions): Promise<void>;
  /** Give the target up if (and only if) we still hold it. */
  release(target: CloudTarget, options?: CallOptions): Promise<void>;
  /** Read the current owner back (Describe*). Subject to EC2's eventual consistency. */
  observe(target: CloudTarget, options?: CallOptions): Promise<Ownership>;
  /** Every agent's record for this target (DescribeTags on the fence resource), any order. */
  readFences(target: CloudTarget, options?: CallOptions): Promise<readonly FenceRecord[]>;
  /** Write our own record (CreateTags on our own key; record.owner must be identity.instanceId). */
  writeFence(target: CloudTarget, record: FenceRecord, options?: CallOptions): Promise<void>;
}
