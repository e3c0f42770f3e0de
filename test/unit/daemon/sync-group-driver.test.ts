// The sync-group machine's driver (src/agent/sync-group-driver.ts): a member that answers a feed
// at once is heard after the commands under way, in order; a command that throws is reported and
// the rest still run.
import { describe, expect, it } from 'vitest';
import { SyncGroupDriver } from '../../../src/agent/sync-group-driver.js';
import {
  SyncGroupSet,
  type SyncGroupCommand,
  type SyncMemberView,
} from '../../../src/agent/vrrp/sync-groups.js';

const master: SyncMemberView = {
  state: 'master',
  syncReady: false,
  ownFault: false,
  groupFault: false,
};

function setUp(onFeed: (driver: SyncGroupDriver, c: SyncGroupCommand) => void) {
  const done: string[] = [];
  const errors: string[] = [];
  const set = new SyncGroupSet(
    [{ name: 'g', instances: ['a', 'b', 'c'] }],
    new Map([
      ['a', master],
      ['b', master],
      ['c', master],
    ]),
  );
  const driver: SyncGroupDriver = new SyncGroupDriver(
    set,
    (c) => {
      if (c.type === 'feed' && c.input.type === 'sync-member') return;
      done.push(c.type === 'feed' ? `${c.member}:${c.input.type}` : `${c.type}:${c.group}`);
      onFeed(driver, c);
    },
    (error) => errors.push((error as Error).message),
  );
  driver.start();
  return { driver, done, errors };
}

describe('the sync-group driver', () => {
  it('queues what a fed member answers behind the commands under way', () => {
    const { driver, done } = setUp((d, c) => {
      // Each member told to leave MASTER leaves at once, as a core does.
      if (c.type === 'feed' && c.input.type === 'sync-backup') {
        d.tell({ type: 'transition', member: c.member, to: 'backup' });
      }
    });
    driver.tell({ type: 'transition', member: 'a', to: 'backup' });
    // b and c are told before b's own leaving is heard; the group is BACKUP once, at the end.
    expect(done.slice(0, 2)).toEqual(['b:sync-backup', 'c:sync-backup']);
    expect(done.filter((d) => d.startsWith('group-state'))).toEqual(['group-state:g']);
    expect(done.at(-1)).toBe('group-state:g');
  });

  it('a command that throws is reported; the others still run', () => {
    const { driver, done, errors } = setUp((_d, c) => {
      if (c.type === 'feed' && c.member === 'b') throw new Error('b is gone');
    });
    driver.tell({ type: 'transition', member: 'a', to: 'backup' });
    expect(errors).toEqual(['b is gone']);
    expect(done).toContain('c:sync-backup');
  });
});
