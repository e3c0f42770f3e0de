// The daemon's side of sync groups (keepalived's vrrp_sync_group): the pure machine
// (vrrp/sync-groups.ts) decides; this wires it to the instance runtimes, feeds its inputs to
// their cores, logs, and runs the groups' notify hooks (kind GROUP).
import type { Logger } from 'pino';
import type { SyncGroupConfig } from '../config/schema.js';
import type { NotifyRunner } from '../notify/notify-runner.js';
import type { NotifyState } from '../notify/types.js';
import { SyncGroupDriver } from '../sync-group-driver.js';
import type { VrrpState } from '../vrrp/types.js';
import {
  SyncGroupSet,
  type SyncFeed,
  type SyncGroupCommand,
  type SyncGroupInput,
  type SyncMemberView,
} from '../vrrp/sync-groups.js';

/** What a group needs of a member (an InstanceRuntime). */
export interface SyncMember {
  readonly name: string;
  syncView(): SyncMemberView;
  /** Where the member sends what the machine hears of it; undefined unwires. */
  setSyncSink(sink: ((input: SyncGroupInput) => void) | undefined): void;
  feedSync(input: SyncFeed): void;
}

const NOTIFY_STATE: Partial<Record<VrrpState, NotifyState>> = {
  master: 'MASTER',
  backup: 'BACKUP',
  fault: 'FAULT',
};

/**
 * Wires the groups to their members; returns a function that unwires them (a reload wires the
 * new groups to the runtimes it leaves running, which keep their states).
 */
export function startSyncGroups(
  groups: readonly SyncGroupConfig[],
  members: readonly SyncMember[],
  logger: Logger,
  notifier: NotifyRunner | undefined,
): () => void {
  const byName = new Map(members.map((m) => [m.name, m]));
  const machine = new SyncGroupSet(groups, new Map(members.map((m) => [m.name, m.syncView()])));
  const configOf = new Map(groups.map((g) => [g.name, g]));
  const logs = new Map(groups.map((g) => [g.name, logger.child({ syncGroup: g.name })]));
  const execute = (command: SyncGroupCommand): void => {
    switch (command.type) {
      case 'feed':
        byName.get(command.member)?.feedSync(command.input);
        return;
      case 'group-takeover':
        logs
          .get(command.group)
          ?.info({ event: 'sync-group-master' }, `sync group ${command.group}: every member ready`);
        return;
      case 'group-state': {
        logs
          .get(command.group)
          ?.info(
            { event: 'sync-group-state', state: command.state },
            `sync group ${command.group} is ${command.state.toUpperCase()}`,
          );
        const notifyState = NOTIFY_STATE[command.state];
        if (notifyState !== undefined && notifier !== undefined) {
          // keepalived passes 0 as a group's priority.
          const notify = configOf.get(command.group)?.notify ?? {};
          notifier.notify('GROUP', command.group, notifyState, 0, notify);
        }
        return;
      }
      default: {
        const never: never = command;
        throw new Error(`unhandled sync command ${JSON.stringify(never)}`);
      }
    }
  };
  const driver = new SyncGroupDriver(machine, execute, (error, command) =>
    logger.error({ err: error, command }, 'sync group: a command failed'),
  );
  for (const member of members) member.setSyncSink((input) => driver.tell(input));
  driver.start();
  return () => members.forEach((m) => m.setSyncSink(undefined));
}
