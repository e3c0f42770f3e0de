// Link state of a tracked interface, fed by the daemon's link watcher (keepalived
// track_interface). Keeps no I/O of its own.
export type LinkListener = (up: boolean) => void;

export class InterfaceTracker {
  private upNow: boolean;
  private readonly listeners = new Set<LinkListener>();

  constructor(
    readonly name: string,
    up: boolean,
  ) {
    this.upNow = up;
  }

  get up(): boolean {
    return this.upNow;
  }

  setLink(up: boolean): void {
    if (up === this.upNow) return;
    this.upNow = up;
    for (const listener of this.listeners) listener(up);
  }

  /** Returns an unsubscribe function. */
  onChange(listener: LinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
