// AwsProvider through the real @aws-sdk/client-ec2 against the EC2 emulator over HTTP: two
// providers (two instances) move each kind of target back and forth; read-back confirms it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCallsFor } from '../../../src/cloud/aws/aws-provider.js';
import type { AwsCallPlan } from '../../../src/cloud/aws/aws-calls.js';
import { fenceTagKey } from '../../../src/cloud/aws/fence-tag.js';
import { FenceError } from '../../../src/cloud/errors.js';
import { actionsSeen, createFixture, ROUTED_CIDR, VIP, type Fixture } from './fixture.js';

let f: Fixture;

/** In a describe block: the EC2 actions made during the block are all in the target's plan. */
function checksPlan(target: () => Parameters<typeof awsCallsFor>[0]): void {
  let start = 0;
  beforeAll(() => {
    start = f.emulator.requests.length;
  });
  it('made only calls that awsCallsFor lists for this target', () => {
    const plan = allowed(awsCallsFor(target()));
    const seen = new Set(actionsSeen(f.emulator, start));
    expect(seen.size).toBeGreaterThan(1);
    for (const action of seen) expect(plan, action).toContain(action);
  });
}
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f?.close();
});

function allowed(plan: AwsCallPlan): Set<string> {
  return new Set([...plan.claim, ...plan.verify, ...plan.fence, ...plan.release]);
}

describe('secondary-ip', () => {
  it('moves the VIP from B to A and back; observe confirms each move', async () => {
    const target = f.secondaryIp;
    expect((await f.a.provider.observe(target)).ownerNetworkInterfaceId).toBe(
      f.b.networkInterfaceId,
    );
    await f.a.provider.claim(target);
    expect(f.emulator.state.eniOf(VIP)).toBe(f.a.networkInterfaceId);
    const seenByB = await f.b.provider.observe(target);
    expect(seenByB.ownerNetworkInterfaceId).toBe(f.a.networkInterfaceId);
    expect(seenByB.detail).toContain(VIP);

    await f.b.provider.claim(target);
    expect((await f.a.provider.observe(target)).ownerNetworkInterfaceId).toBe(
      f.b.networkInterfaceId,
    );
    expect(f.emulator.state.privateIpsOf(f.a.networkInterfaceId)).toEqual(['10.0.1.11']);
  });

  it('claim is idempotent: claiming what we hold succeeds and changes nothing', async () => {
    await f.b.provider.claim(f.secondaryIp);
    await f.b.provider.claim(f.secondaryIp);
    expect(f.emulator.state.privateIpsOf(f.b.networkInterfaceId)).toEqual(['10.0.1.12', VIP]);
  });

  it('release unassigns only when the read-back says it is ours', async () => {
    const before = f.emulator.requests.length;
    await f.a.provider.release(f.secondaryIp); // B holds it: A must not touch it
    expect(actionsSeen(f.emulator, before)).toEqual(['DescribeNetworkInterfaces']);
    expect(f.emulator.state.eniOf(VIP)).toBe(f.b.networkInterfaceId);

    await f.b.provider.release(f.secondaryIp);
    expect(actionsSeen(f.emulator, before)).toEqual([
      'DescribeNetworkInterfaces',
      'DescribeNetworkInterfaces',
      'UnassignPrivateIpAddresses',
    ]);
    expect(f.emulator.state.eniOf(VIP)).toBeUndefined();
    expect((await f.a.provider.observe(f.secondaryIp)).ownerNetworkInterfaceId).toBeUndefined();
    await f.b.provider.claim(f.secondaryIp); // back to the starting point
  });

  checksPlan(() => f.secondaryIp);
});

describe('elastic-ip', () => {
  it('moves the EIP between the two ENIs, each to its own private address', async () => {
    await f.a.provider.claim(f.eipFor(f.a));
    expect(f.emulator.state.eipAssociation(f.allocationId)).toMatchObject({
      networkInterfaceId: f.a.networkInterfaceId,
      privateIpAddress: '10.0.1.11',
    });
    expect((await f.b.provider.observe(f.eipFor(f.b))).ownerNetworkInterfaceId).toBe(
      f.a.networkInterfaceId,
    );
    await f.b.provider.claim(f.eipFor(f.b)); // AllowReassociation takes it from A
    await f.b.provider.claim(f.eipFor(f.b)); // idempotent
    const seen = await f.a.provider.observe(f.eipFor(f.a));
    expect(seen.ownerNetworkInterfaceId).toBe(f.b.networkInterfaceId);
    expect(seen.detail).toContain('10.0.1.12');
  });

  it('release disassociates only our own association', async () => {
    const before = f.emulator.requests.length;
    await f.a.provider.release(f.eipFor(f.a));
    expect(f.emulator.state.eipAssociation(f.allocationId)?.networkInterfaceId).toBe(
      f.b.networkInterfaceId,
    );
    await f.b.provider.release(f.eipFor(f.b));
    expect(f.emulator.state.eipAssociation(f.allocationId)).toBeUndefined();
    expect(actionsSeen(f.emulator, before)).toEqual([
      'DescribeAddresses',
      'DescribeAddresses',
      'DisassociateAddress',
    ]);
    expect((await f.a.provider.observe(f.eipFor(f.a))).ownerNetworkInterfaceId).toBeUndefined();
  });

  checksPlan(() => f.eipFor(f.a));
});

describe('route-table', () => {
  it('points every table at the claimer: ReplaceRoute, CreateRoute where the route is missing', async () => {
    const [rtb1, rtb2] = f.routeTableIds;
    const partial = await f.a.provider.observe(f.route);
    expect(partial.ownerNetworkInterfaceId).toBeUndefined(); // rtb2 has no route yet
    expect(partial.detail).toContain(`${rtb1} → ${f.b.networkInterfaceId}`);
    expect(partial.detail).toContain(`${rtb2} → no route`);

    const before = f.emulator.requests.length;
    await f.a.provider.claim(f.route);
    expect(actionsSeen(f.emulator, before).sort()).toEqual([
      'CreateRoute',
      'ReplaceRoute',
      'ReplaceRoute',
    ]);
    for (const table of f.routeTableIds) {
      expect(f.emulator.state.route(table, ROUTED_CIDR)?.networkInterfaceId).toBe(
        f.a.networkInterfaceId,
      );
    }
    expect((await f.b.provider.observe(f.route)).ownerNetworkInterfaceId).toBe(
      f.a.networkInterfaceId,
    );

    const again = f.emulator.requests.length;
    await f.b.provider.claim(f.route);
    await f.b.provider.claim(f.route); // idempotent, and now only ReplaceRoute per table
    expect(actionsSeen(f.emulator, again)).toEqual(Array(4).fill('ReplaceRoute'));
    expect((await f.a.provider.observe(f.route)).ownerNetworkInterfaceId).toBe(
      f.b.networkInterfaceId,
    );
  });

  it('release leaves the route alone (removing it would blackhole the destination)', async () => {
    const before = f.emulator.requests.length;
    await f.b.provider.release(f.route);
    expect(f.emulator.requests.length).toBe(before);
    expect(f.emulator.state.route(f.routeTableIds[0], ROUTED_CIDR)?.networkInterfaceId).toBe(
      f.b.networkInterfaceId,
    );
  });

  checksPlan(() => f.route);
});

describe('fencing records', () => {
  it('each agent writes its own tag; readFences returns both, parsed', async () => {
    for (const target of [f.secondaryIp, f.eipFor(f.a), f.route]) {
      await f.a.provider.writeFence(target, {
        term: 1_700_000_000_123,
        owner: f.a.instanceId,
        beat: 3,
        released: false,
      });
      await f.b.provider.writeFence(target, {
        term: 5,
        owner: f.b.instanceId,
        beat: 0,
        released: true,
      });
      const records = await f.b.provider.readFences(target);
      expect([...records].sort((x, y) => x.term - y.term)).toEqual([
        { term: 5, owner: f.b.instanceId, beat: 0, released: true },
        { term: 1_700_000_000_123, owner: f.a.instanceId, beat: 3, released: false },
      ]);
    }
    // Where the records live: the subnet, the allocation, the first route table.
    expect(f.emulator.state.tagsOf(f.subnetId)[fenceTagKey(f.secondaryIp, f.a.instanceId)]).toBe(
      `v1 term=1700000000123 owner=${f.a.instanceId} beat=3 released=0`,
    );
    expect(Object.keys(f.emulator.state.tagsOf(f.allocationId))).toHaveLength(2);
    expect(Object.keys(f.emulator.state.tagsOf(f.routeTableIds[0]))).toHaveLength(2);
  });

  it('a rewrite replaces only our record; garbage and other targets are ignored', async () => {
    f.emulator.state.addTags(f.subnetId, {
      [`floatd:fence:${VIP}:i-0garbage0000000000`]: 'not a record',
      [`floatd:fence:10.0.1.5:${f.b.instanceId}`]: `v1 term=9 owner=${f.b.instanceId} beat=1 released=0`,
      [`floatd:fence:${VIP}:i-0forged00000000000`]: `v1 term=99 owner=${f.b.instanceId} beat=1 released=0`,
    });
    await f.a.provider.writeFence(f.secondaryIp, {
      term: 1_700_000_000_123,
      owner: f.a.instanceId,
      beat: 4,
      released: false,
    });
    const records = await f.a.provider.readFences(f.secondaryIp);
    expect(records).toHaveLength(2);
    expect(records.find((r) => r.owner === f.a.instanceId)?.beat).toBe(4);
  });

  it('refuses to write a record for another instance', async () => {
    const record = { term: 1, owner: f.b.instanceId, beat: 0, released: false };
    await expect(f.a.provider.writeFence(f.secondaryIp, record)).rejects.toBeInstanceOf(FenceError);
  });

  checksPlan(() => f.secondaryIp);
});

describe('awsCallsFor', () => {
  it('route targets are never released; the source/dest fix is listed only when enabled', () => {
    expect(awsCallsFor(f.route).release).toEqual([]);
    expect(awsCallsFor(f.route).startup).not.toContain('ModifyNetworkInterfaceAttribute');
    expect(awsCallsFor(f.route, { disableSourceDestCheck: true }).startup).toContain(
      'ModifyNetworkInterfaceAttribute',
    );
  });

  it('the observer saw every call with its outcome, code, duration and start time', () => {
    const events = [...f.a.events, ...f.b.events];
    expect(events.length).toBe(f.emulator.requests.length);
    // The one failure: ReplaceRoute on the table without the route (then CreateRoute).
    const failed = events.filter((e) => e.outcome !== 'ok');
    expect(failed.map((e) => [e.call, e.outcome, e.code])).toEqual([
      ['ReplaceRoute', 'client-error', 'InvalidParameterValue'],
    ]);
    expect(f.emulator.requests.filter((r) => r.status !== 200)).toHaveLength(1);
    for (const e of events) {
      expect(e.durationMs).toBeGreaterThan(0);
      expect(Math.abs(e.startedAtMs - Date.now())).toBeLessThan(60_000);
    }
  });
});
