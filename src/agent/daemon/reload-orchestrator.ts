// A configuration reload while running (SIGHUP, `floatd reload`), in order: one at a time;
// planned (reload-plan.ts: kept, in place, restarted, added, removed); everything that can fail
// (interfaces, addresses, sockets) checked before any instance is touched, so a failed reload
// changes nothing; then the swap; its outcome recorded for status.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { FloatdConfig, InstanceConfig } from '../config/schema.js';
import type { NotifyRunner } from '../notify/notify-runner.js';
import type { InterfaceFacts, ReloadRecord } from './agent-types.js';
import type { InstanceRuntime } from './instance-runtime.js';
import { changesByName as changesOf, planReload, type ReloadPlan } from './reload-plan.js';

/** What the agent lends a reload: its state and the steps only it can take. */
export interface ReloadHost {
  readonly config: FloatdConfig;
  /** In configuration order. */
  readonly runtimes: readonly InstanceRuntime[];
  readonly stopping: boolean;
  readInterface(name: string): Promise<InterfaceFacts>;
  primaryAddressOf(instance: InstanceConfig, iface: InterfaceFacts): string;
  openSocket(iface: InterfaceFacts, instance: InstanceConfig, next: FloatdConfig): void;
  probeCloudIfNeeded(instances: readonly InstanceConfig[]): Promise<void>;
  rememberInterfaces(facts: ReadonlyMap<string, InterfaceFacts>): void;
  /** The notify runner the new configuration needs (started if it is the first). */
  ensureNotifier(next: FloatdConfig): NotifyRunner | undefined;
  closeUnusedSockets(): void;
  /** Its socket is open. */
  createRuntime(instance: InstanceConfig, iface: InterfaceFacts, primary: string): InstanceRuntime;
  /** The new configuration and its runtimes, in its order, become the agent's. */
  install(next: FloatdConfig, runtimes: readonly InstanceRuntime[]): void;
  /** A new runtime's link state before it starts (the link is watched from then on). */
  presetLink(runtime: InstanceRuntime): Promise<void>;
  /** Trackers, then sync groups, wired to the installed runtimes. */
  rewire(next: FloatdConfig): Promise<void>;
  /** After the new runtimes started: timers the new configuration needs. */
  afterReload(): void;
}

interface Prepared {
  readonly instance: InstanceConfig;
  readonly iface: InterfaceFacts;
  readonly primary: string;
}

export class ReloadOrchestrator {
  /** Reloads run one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  private record: ReloadRecord | undefined;

  constructor(
    private readonly host: ReloadHost,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  get last(): ReloadRecord | undefined {
    return this.record;
  }

  /** Resolves once no reload is under way (a stop waits for one to finish). */
  idle(): Promise<unknown> {
    return this.queue;
  }

  /** A reload from a file: a file that does not load is a refusal; the outcome goes to status. */
  reloadFrom(load: () => Promise<FloatdConfig>): Promise<ReloadPlan> {
    // The file is read in turn too: two quick SIGHUPs around an edit apply the newer file last.
    const run = this.queue.then(async () => {
      let plan: ReloadPlan;
      try {
        plan = await this.apply(await load());
      } catch (error) {
        plan = { ok: false, why: (error as Error).message };
      }
      this.record = {
        seq: (this.record?.seq ?? 0) + 1,
        at: new Date(this.clock.epochMs()).toISOString(),
        ok: plan.ok,
        ...(plan.ok ? { changes: changesOf(plan) } : { why: plan.why }),
      };
      return plan;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(next: FloatdConfig): Promise<ReloadPlan> {
    const { host } = this;
    const stopping: ReloadPlan = { ok: false, why: 'floatd is stopping' };
    if (host.stopping) return stopping;
    const plan = planReload(host.config, next);
    if (!plan.ok) return plan;
    const fresh = [...plan.restarted, ...plan.added];
    let prepared: Prepared[];
    let notifier: NotifyRunner | undefined;
    try {
      prepared = await this.prepare(fresh, next);
      notifier = host.ensureNotifier(next);
    } catch (error) {
      host.closeUnusedSockets();
      return { ok: false, why: (error as Error).message };
    }
    if (host.stopping) {
      host.closeUnusedSockets();
      return stopping;
    }

    const leaving = new Set([...plan.removed, ...plan.restarted.map((i) => i.name)]);
    await Promise.all(host.runtimes.filter((r) => leaving.has(r.name)).map((r) => r.stop()));
    const byName = new Map(
      host.runtimes.filter((r) => !leaving.has(r.name)).map((r) => [r.name, r]),
    );
    // Every instance's new VIPs before any instance's removed ones: a VIP moving between two
    // MASTER instances never leaves the host.
    for (const instance of plan.inPlace) {
      byName.get(instance.name)?.reconfigureKeepingVips(instance, notifier);
    }
    for (const instance of plan.inPlace) byName.get(instance.name)?.dropReloadedVips();
    const started: InstanceRuntime[] = [];
    for (const { instance, iface, primary } of prepared) {
      const runtime = host.createRuntime(instance, iface, primary);
      byName.set(instance.name, runtime);
      started.push(runtime);
    }
    host.install(
      next,
      next.instances.map((i) => byName.get(i.name) as InstanceRuntime),
    );
    // The new instances' link state and tracking first, then the groups (which read their own
    // FAULT), then they start: a member restarted in FAULT never lifts its group's FAULT.
    for (const runtime of started) await host.presetLink(runtime);
    await host.rewire(next);
    for (const runtime of started) runtime.start();
    host.closeUnusedSockets();
    host.afterReload();
    this.logger.info({ event: 'reload', ...changesOf(plan) }, 'configuration reloaded');
    if (plan.atNextStart.length > 0) {
      this.logger.warn(
        { event: 'reload-deferred', settings: plan.atNextStart },
        `changed ${plan.atNextStart.join(', ')}: applies at the next start of floatd`,
      );
    }
    return plan;
  }

  /** What can fail, before anything changes: interfaces read again, addresses, sockets. */
  private async prepare(fresh: readonly InstanceConfig[], next: FloatdConfig): Promise<Prepared[]> {
    const { host } = this;
    const facts = new Map<string, InterfaceFacts>();
    // Read again: an instance that (re)starts takes the interface's addresses as they are now.
    for (const name of new Set(fresh.map((i) => i.interface))) {
      facts.set(name, await host.readInterface(name));
    }
    const prepared = fresh.map((instance) => {
      const iface = facts.get(instance.interface) as InterfaceFacts;
      return { instance, iface, primary: host.primaryAddressOf(instance, iface) };
    });
    for (const { instance, iface } of prepared) host.openSocket(iface, instance, next);
    await host.probeCloudIfNeeded(fresh);
    host.rememberInterfaces(facts);
    return prepared;
  }
}
