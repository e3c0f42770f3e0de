// The cloud side of one VRRP instance: a level-triggered reconciler per target. The agent calls
// becomeMaster()/becomeBackup() at the core's cloud-claim/cloud-release actions; nothing here
// waits on VRRP, and VRRP never waits on the cloud.
import type { Logger } from 'pino';
import type { CloudMetrics } from './metrics.js';
import type { CloudProvider } from './provider.js';
import { DEFAULT_RECONCILER_SETTINGS, type ReconcilerSettings } from './reconciler-settings.js';
import type { CloudTarget } from './target.js';
import { TargetLoop, type TargetStatus } from './target-loop.js';
import { nextTurn, realTiming, type CloudTiming } from './timing.js';

export type CloudRole = 'master' | 'backup';

export interface ReconcilerOptions {
  /** The VRRP instance's name (a metric label and log field). */
  readonly instance: string;
  readonly targets: readonly CloudTarget[];
  readonly logger: Logger;
  readonly settings?: Partial<ReconcilerSettings> | undefined;
  readonly timing?: CloudTiming | undefined;
  readonly metrics?: CloudMetrics | undefined;
}

export interface ReconcilerStatus {
  readonly role: CloudRole;
  /** Discovery done: the provider knows who "me" is. */
  readonly ready: boolean;
  readonly fenced: boolean;
  readonly targets: readonly TargetStatus[];
}

export class Reconciler {
  private role: CloudRole = 'backup';
  private provider: CloudProvider | undefined;
  private readonly waiting = new Set<(provider: CloudProvider) => void>();
  private readonly loops: readonly TargetLoop[];
  private readonly logger: Logger;

  constructor(options: ReconcilerOptions) {
    const settings = { ...DEFAULT_RECONCILER_SETTINGS, ...options.settings };
    this.logger = options.logger;
    this.loops = options.targets.map(
      (target) =>
        new TargetLoop({
          instance: options.instance,
          target,
          provider: (signal) => this.whenProvider(signal),
          knownProvider: () => this.provider,
          timing: options.timing ?? realTiming,
          settings,
          logger: options.logger,
          metrics: options.metrics,
        }),
    );
  }

  /** Discovery finished (possibly after the instance already became MASTER). */
  setProvider(provider: CloudProvider): void {
    this.provider = provider;
    for (const resolve of this.waiting) resolve(provider);
    this.waiting.clear();
  }

  /** The core decided MASTER at `atMs` (high-resolution epoch ms): claim every target now. */
  becomeMaster(atMs: number): void {
    this.role = 'master';
    void this.startInTurns(atMs);
  }

  /**
   * The first target now, the others one turn later (see nextTurn): the first claim reaches the
   * wire alone. Measured: all in one turn delayed the first request to ~10 ms; a turn per target
   * delayed the last claim by ~15 ms more than one turn for all of them.
   */
  private async startInTurns(atMs: number): Promise<void> {
    for (const [i, loop] of this.loops.entries()) {
      if (i === 1) await nextTurn();
      if (this.role !== 'master') return;
      loop.start('became-master', atMs);
    }
  }

  /** No longer MASTER: stop claiming at once. The next MASTER moves the targets. */
  becomeBackup(): Promise<void> {
    this.role = 'backup';
    return Promise.all(this.loops.map((loop) => loop.stop())).then(() => undefined);
  }

  /**
   * As MASTER we heard a lower-priority advert: the other router stepped down, so VRRP has settled
   * the group in our favour and a fence its term put on us no longer stands.
   */
  peerYielded(atMs: number): void {
    if (this.role !== 'master') return;
    for (const loop of this.loops) {
      // Also for a loop not fenced yet: the peer's term may not have been read back so far.
      loop.settle(atMs);
      if (!loop.isFenced) continue;
      this.logger.info(
        { event: 'cloud-fence-settled', target: loop.name },
        'VRRP settled the group: claiming again',
      );
      loop.start('peer-yielded', atMs);
    }
  }

  /** Agent shutdown: stop claiming, and let our fence records be marked released first. */
  async stop(): Promise<void> {
    await this.becomeBackup();
    await Promise.all(this.loops.map((loop) => loop.released));
  }

  status(): ReconcilerStatus {
    const targets = this.loops.map((loop) => loop.status());
    return {
      role: this.role,
      ready: this.provider !== undefined,
      fenced: targets.some((t) => t.phase === 'fenced'),
      targets,
    };
  }

  private whenProvider(signal: AbortSignal): Promise<CloudProvider> {
    if (this.provider !== undefined) return Promise.resolve(this.provider);
    return new Promise<CloudProvider>((resolve, reject) => {
      const onProvider = (provider: CloudProvider): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(provider);
      };
      const onAbort = (): void => {
        this.waiting.delete(onProvider);
        reject(signal.reason as Error);
      };
      this.waiting.add(onProvider);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
