// The last few sources of something (e.g. adverts from hosts that are not unicast peers), each
// with how often and when it was last seen: a bounded list for the status, whatever the senders.

export interface RecentSource {
  readonly src: string;
  /** Packets from it since it entered the list (a source pushed out starts again at 0). */
  readonly count: number;
  /** On the agent's monotonic clock. */
  readonly lastAtMs: number;
}

export class RecentSources {
  /** Oldest first: a source seen again moves to the end. */
  private readonly bySource = new Map<string, { count: number; lastAtMs: number }>();

  constructor(private readonly capacity: number) {}

  add(src: string, nowMs: number): void {
    const count = (this.bySource.get(src)?.count ?? 0) + 1;
    this.bySource.delete(src);
    this.bySource.set(src, { count, lastAtMs: nowMs });
    for (const oldest of this.bySource.keys()) {
      if (this.bySource.size <= this.capacity) break;
      this.bySource.delete(oldest);
    }
  }

  /** Newest first. */
  list(): RecentSource[] {
    return [...this.bySource].reverse().map(([src, s]) => ({ src, ...s }));
  }
}
